package org.chainmarket.broker;

import org.chainmarket.deploy.embedded.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A PostgreSQL server of one test's own (the same embedded binaries as {@code deploy/embedded-infra}) that the test
 * stops and starts again: its cluster is kept in a directory and it listens on the same port each time, so to the
 * broker it is the same database gone and back.
 */
final class RestartablePostgres implements AutoCloseable {
    private final Path dataDir;
    private final int port;
    private io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;

    RestartablePostgres() throws IOException {
        this.dataDir = Files.createTempDirectory("broker-pg").resolve("data");
        this.port = Ports.free();
        start();
    }

    void start() throws IOException {
        Files.createDirectories(dataDir);
        server = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                .setDataDirectory(dataDir).setCleanDataDirectory(false).setPort(port)
                .setRegisterShutdownHook(false).setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("fsync", "off").start();
    }

    /** Stops the server (a fast shutdown: its sessions are ended); what was committed stays. */
    void stop() throws IOException {
        server.close();
        server = null;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    @Override
    public void close() throws IOException {
        if (server != null) {
            stop();
        }
    }
}
