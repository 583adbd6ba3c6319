package org.chainmarket.deploy.faults;

import org.chainmarket.deploy.embedded.Ports;
import org.chainmarket.deploy.embedded.EmbeddedKafka;
import org.chainmarket.deploy.embedded.EmbeddedPostgres;

import java.nio.file.Path;

/**
 * The embedded PostgreSQL 17 server (a postgres process of its own) on a data directory and a port fixed for its
 * whole life: stopped and started again, it is the same server to its clients, with everything committed.
 */
final class PostgresServer implements AutoCloseable, FaultRun.Store {
    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres server;

    PostgresServer(Path dataDir) {
        this.dataDir = dataDir;
        this.port = Ports.free();
    }

    public void start() {
        server = EmbeddedPostgres.start(dataDir, port);
    }

    /** Stops the server (a fast shutdown: its sessions are ended). */
    public void stop() {
        EmbeddedPostgres s = server;
        server = null;
        s.close();
    }

    String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/" + EmbeddedPostgres.DATABASE + "?user=postgres&password=postgres";
    }

    @Override
    public void close() {
        if (server != null) {
            stop();
        }
        EmbeddedPostgres.stopLeftRunning(dataDir);
    }
}
