package org.chainmarket.adapters.lab;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** What a crashed earlier run leaves behind is removed before the next lab starts. */
class LabHygieneTest {
    @Test
    void aLabWhoseOwnerIsGoneIsRemoved() throws Exception {
        Assumptions.assumeTrue(Lab.unavailable().isEmpty(), () -> "skipped: " + Lab.unavailable().orElse(""));
        String stale = "cmlab-dead01-h-a1";
        Path dir = Lab.ROOT.resolve("dead01");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("owner.pid"), String.valueOf(Integer.MAX_VALUE - 1));
        Shell.quietly("ip", "netns", "add", stale);
        try {
            Lab.cleanStale();
            assertThat(Shell.run("ip", "netns", "list")).doesNotContain(stale);
            assertThat(dir).doesNotExist();
        } finally {
            Shell.quietly("ip", "netns", "del", stale);
            Files.deleteIfExists(dir.resolve("owner.pid"));
            Files.deleteIfExists(dir);
        }
    }
}
