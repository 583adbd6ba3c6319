package org.chainmarket.deploy.embedded;

/** A running PostgreSQL server with a database {@code chainmarket}: how to connect to it. */
public interface PostgresServer extends AutoCloseable {
    /** The JDBC URL of the {@code chainmarket} database. */
    String jdbcUrl();

    String username();

    String password();

    /** Stops the server. */
    @Override
    void close();
}
