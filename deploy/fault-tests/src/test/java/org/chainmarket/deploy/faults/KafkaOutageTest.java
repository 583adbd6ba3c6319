package org.chainmarket.deploy.faults;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** Kafka stopped for {@link FaultRun#OUTAGE} while buyers order, then started again on the same log. */
class KafkaOutageTest {

    @Test
    void kafkaStoppedAndStartedAgainUnderLoadLosesNoOrderAndLeavesNothingStuckOrOverbooked(@TempDir Path dir) throws Exception {
        FaultRun.storeOutage(dir, "Kafka stopped", (kafka, postgres) -> kafka);
    }
}
