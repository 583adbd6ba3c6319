package org.chainmarket.deploy.embedded;

import java.io.IOException;
import java.sql.Connection;
import java.sql.Statement;

/**
 * A real PostgreSQL 17 server (zonky's embedded binaries, unpacked once to the temp directory) with a fresh
 * database {@code chainmarket}; {@link #close()} stops the server and deletes its data.
 */
public final class EmbeddedPostgres implements AutoCloseable {
    public static final String DATABASE = "chainmarket";
    private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;

    private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres server) {
        this.server = server;
    }

    public static EmbeddedPostgres start() {
        try {
            var server = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .start();
            try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + DATABASE);
            }
            return new EmbeddedPostgres(server);
        } catch (IOException | java.sql.SQLException e) {
            throw new IllegalStateException("cannot start the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    public String jdbcUrl() {
        return server.getJdbcUrl("postgres", DATABASE);
    }

    public String username() {
        return "postgres";
    }

    public String password() {
        return "postgres";
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new IllegalStateException("cannot stop the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }
}
