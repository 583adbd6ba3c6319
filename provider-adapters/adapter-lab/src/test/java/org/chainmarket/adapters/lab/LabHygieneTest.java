package org.chainmarket.adapters.lab;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** What a crashed earlier run leaves behind is removed before the next lab starts. */
class LabHygieneTest {
    @Test
    void aLabWhoseOwnerIsGoneIsRemovedAndARunningOneIsKept() throws Exception {
        Assumptions.assumeTrue(Lab.unavailable().isEmpty(), () -> "skipped: " + Lab.unavailable().orElse(""));
        String stale = "cmlab-dead01-h-a1";
        String running = "cmlab-live01-h-a1";
        Path dead = labOwnedBy("dead01", Integer.MAX_VALUE - 1, stale);
        Path live = labOwnedBy("live01", ProcessHandle.current().pid(), running);
        try {
            LabJanitor.cleanStale();
            assertThat(Shell.run("ip", "netns", "list")).doesNotContain(stale).contains(running);
            assertThat(dead).doesNotExist();
            assertThat(live).exists();
        } finally {
            for (Path dir : new Path[]{dead, live}) {
                Files.deleteIfExists(dir.resolve("owner.pid"));
                Files.deleteIfExists(dir);
            }
            Shell.quietly("ip", "netns", "del", stale);
            Shell.quietly("ip", "netns", "del", running);
        }
    }

    /** A lab directory whose owner is process {@code pid}, with one namespace. */
    private static Path labOwnedBy(String id, long pid, String namespace) throws Exception {
        Path dir = Lab.ROOT.resolve(id);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("owner.pid"), String.valueOf(pid));
        Shell.quietly("ip", "netns", "add", namespace);
        return dir;
    }
}
