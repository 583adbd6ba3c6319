package org.chainmarket.deploy.embedded;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;

/**
 * A process that starts PostgreSQL on the data directory it is given, commits a row, says {@link #READY} and waits
 * to be killed: what a marketplace killed with -9 leaves behind.
 */
final class PostgresHolder {
    static final String READY = "ready";

    public static void main(String[] args) throws Exception {
        EmbeddedPostgres pg = EmbeddedPostgres.start(Path.of(args[0]));
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password())) {
            c.createStatement().execute("CREATE TABLE kept (v text)");
            c.createStatement().execute("INSERT INTO kept VALUES ('written by a process killed with -9')");
        }
        System.out.println(READY);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
