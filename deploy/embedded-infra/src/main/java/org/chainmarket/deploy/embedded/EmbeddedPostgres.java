package org.chainmarket.deploy.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL 17 server (zonky's embedded binaries, unpacked once to the temp directory) with a database
 * {@code chainmarket}. Either temporary ({@link #start()}: fsync off, {@link #close()} deletes the data) or kept in a
 * directory ({@link #start(Path)}: initialised on first use, reopened afterwards with everything committed).
 */
public final class EmbeddedPostgres implements PostgresServer {
    public static final String DATABASE = "chainmarket";
    private static final Duration STALE_SERVER_STOP = Duration.ofSeconds(30);
    /** How long a start may take; zonky's default (10 s) is too short on a busy machine. */
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
    private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;

    private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres server) {
        this.server = server;
    }

    /** A server on a fresh temporary cluster (no fsync: nothing in it is meant to outlive the process). */
    public static EmbeddedPostgres start() {
        return start(builder().setServerConfig("fsync", "off"));
    }

    /**
     * A server whose cluster is kept in {@code dataDir} (initialised when it holds none yet). Commits are not
     * waited for on disk (synchronous_commit off: an operating-system crash can lose the last fraction of a
     * second, never corrupt the cluster); a server left running by a process that was killed is stopped first.
     */
    public static EmbeddedPostgres start(Path dataDir) {
        return start(dataDir, 0);
    }

    /**
     * As {@link #start(Path)}, listening on {@code port} (0: any free port): a restart on the same directory and port
     * is, to its clients, the same server back again.
     */
    public static EmbeddedPostgres start(Path dataDir, int port) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the PostgreSQL data directory " + dataDir + ": " + e.getMessage(), e);
        }
        stopLeftRunning(dataDir);
        var builder = builder().setDataDirectory(dataDir).setCleanDataDirectory(false);
        if (port > 0) {
            builder.setPort(port);
        }
        return start(builder);
    }

    private static io.zonky.test.db.postgres.embedded.EmbeddedPostgres.Builder builder() {
        return io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                .setRegisterShutdownHook(false)
                .setPGStartupWait(STARTUP_WAIT)
                .setServerConfig("max_connections", "200")
                .setServerConfig("synchronous_commit", "off");
    }

    private static EmbeddedPostgres start(io.zonky.test.db.postgres.embedded.EmbeddedPostgres.Builder builder) {
        try {
            var server = builder.start();
            try (Connection c = server.getPostgresDatabase().getConnection();
                 PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                exists.setString(1, DATABASE);
                try (ResultSet rs = exists.executeQuery(); Statement s = c.createStatement()) {
                    if (!rs.next()) {
                        s.execute("CREATE DATABASE " + DATABASE);
                    }
                }
            }
            return new EmbeddedPostgres(server);
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("cannot start the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    /**
     * Stops the server a process that died without stopping it left running on {@code dataDir}, if any: its postmaster
     * (the pid on the first line of {@code postmaster.pid}) is asked to stop (SIGTERM, a smart shutdown; its clients
     * are gone) and waited for.
     */
    public static void stopLeftRunning(Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        Optional<ProcessHandle> postmaster = readPid(pidFile).flatMap(ProcessHandle::of)
                .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
        if (postmaster.isEmpty()) {
            return;
        }
        postmaster.get().destroy();
        try {
            postmaster.get().onExit().get(STALE_SERVER_STOP.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("a PostgreSQL server left running on " + dataDir + " (pid " + postmaster.get().pid()
                    + ") did not stop within " + STALE_SERVER_STOP.toSeconds() + " s", e);
        }
    }

    private static Optional<Long> readPid(Path pidFile) {
        try {
            return Files.readAllLines(pidFile).stream().findFirst().map(String::trim).map(Long::parseLong);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public String jdbcUrl() {
        return server.getJdbcUrl("postgres", DATABASE);
    }

    @Override
    public String username() {
        return "postgres";
    }

    @Override
    public String password() {
        return "postgres";
    }

    /** Stops the server (a fast shutdown: open sessions are ended, committed data is kept where it is kept). */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new IllegalStateException("cannot stop the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }
}
