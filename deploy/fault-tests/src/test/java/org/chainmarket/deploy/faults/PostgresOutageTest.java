package org.chainmarket.deploy.faults;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** PostgreSQL stopped for {@link FaultRun#OUTAGE} while buyers order, then started again on the same data. */
class PostgresOutageTest {

    @Test
    void postgresStoppedAndStartedAgainUnderLoadLosesNoOrderAndLeavesNothingStuckOrOverbooked(@TempDir Path dir) throws Exception {
        SoftAssertions soft = new SoftAssertions();
        try (KafkaProcess kafka = new KafkaProcess(dir.resolve("kafka"));
             PostgresServer postgres = new PostgresServer(dir.resolve("postgres"))) {
            kafka.start();
            postgres.start();
            try (MarketplaceProcess market = MarketplaceProcess.on(kafka, postgres)) {
                market.start();
                FaultRun.Result result = FaultRun.run("PostgreSQL stopped", market, () -> {
                    postgres.stop();
                    Thread.sleep(FaultRun.OUTAGE.toMillis());
                    postgres.start();
                }, soft);
                FaultRun.noOrderHung(result, soft);
                soft.assertAll();
            }
        }
    }
}
