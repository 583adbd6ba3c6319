package org.chainmarket.deploy.faults;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * The marketplace as the launcher runs it by default (its own Kafka and PostgreSQL kept in a data directory) killed
 * with SIGKILL while buyers order, then started again on the same data directory.
 */
class MarketplaceKillTest {

    @Test
    void killedUnderLoadAndRestartedFromItsDataDirectoryLosesNoOrderAndLeavesNothingStuckOrOverbooked(@TempDir Path dir)
            throws Exception {
        SoftAssertions soft = new SoftAssertions();
        try (MarketplaceProcess market = MarketplaceProcess.withDataDirectory(dir.resolve("data"))) {
            market.start();
            FaultRun.run("marketplace killed", market, () -> {
                market.kill();
                market.start();
            }, soft);
            soft.assertAll();
        }
    }
}
