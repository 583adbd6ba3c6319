package org.chainmarket.deploy.faults;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** PostgreSQL stopped for {@link FaultRun#OUTAGE} while buyers order, then started again on the same data. */
class PostgresOutageTest {

    @Test
    void postgresStoppedAndStartedAgainUnderLoadLosesNoOrderAndLeavesNothingStuckOrOverbooked(@TempDir Path dir) throws Exception {
        FaultRun.storeOutage(dir, "PostgreSQL stopped", (kafka, postgres) -> postgres);
    }
}
