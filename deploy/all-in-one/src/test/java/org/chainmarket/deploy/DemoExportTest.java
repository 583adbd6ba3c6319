package org.chainmarket.deploy;

import org.chainmarket.deploy.demo.DemoMarket;
import org.chainmarket.schemas.events.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo providers that deploy/compose and deploy/kubernetes hand their adapter runners are the launcher's demo. */
class DemoExportTest {
    static final Path COMMITTED = Path.of("..", "compose", "demo");

    @Test
    void theCommittedDemoFilesAreWhatTheLaunchersDemoExports(@TempDir Path dir) throws Exception {
        List<Path> exported = DemoMarket.abilene().export(dir);
        assertThat(exported).extracting(p -> p.getFileName().toString()).containsExactly("west.json", "central.json", "east.json");
        for (Path file : exported) {
            assertThat(Files.readString(COMMITTED.resolve(file.getFileName().toString())))
                    .as("%s is stale: regenerate it with the launcher's --export-demo", file.getFileName())
                    .isEqualTo(Files.readString(file));
        }
    }

    @Test
    void anExportedProviderReadsBackAsTheSameDomainAndOffers(@TempDir Path dir) throws Exception {
        DemoMarket demo = DemoMarket.abilene();
        Path west = demo.export(dir).get(0);
        DemoMarket.Provider read = Json.read(Files.readString(west), DemoMarket.Provider.class);
        assertThat(read).isEqualTo(demo.providers().get(0));
    }
}
