package org.chainmarket.broker.store;

import org.chainmarket.broker.Infra;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * How the broker tells a transaction the database certainly rolled back from one whose outcome is unknown, on the
 * failures a real PostgreSQL gives when it ends a session (as it does when it stops) under a transaction.
 */
class StoreHealthTest {
    private final Map<String, String> db = Infra.brokerProperties();

    @Test
    void aSessionEndedBeforeTheCommitIsUnreachableAndRolledBack() throws SQLException {
        String table = table();
        try (Connection c = connect(); Connection admin = connect()) {
            c.setAutoCommit(false);
            insert(c, table);
            terminate(admin, c);
            Throwable failure = catchThrowable(() -> insert(c, table));

            assertThat(StoreHealth.unreachable(failure)).as("a session the server ended says the database is unreachable").isTrue();
            assertThat(StoreHealth.duringCommit(failure)).as("a statement failed, not the commit: the transaction rolled back").isFalse();
            assertThat(rows(admin, table)).as("nothing of the transaction was stored").isZero();
        }
    }

    @Test
    void aSessionEndedUnderTheCommitLeavesTheOutcomeUnknown() throws SQLException {
        String table = table();
        try (Connection c = connect(); Connection admin = connect()) {
            c.setAutoCommit(false);
            insert(c, table);
            terminate(admin, c);
            Throwable failure = catchThrowable(c::commit);

            assertThat(failure).as("the commit fails").isNotNull();
            assertThat(StoreHealth.unreachable(failure)).isTrue();
            assertThat(StoreHealth.duringCommit(failure)).as("the failure came from the commit itself").isTrue();
        }
    }

    @Test
    void aRefusedStatementIsNeitherUnreachableNorACommit() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            Throwable failure = catchThrowable(() -> s.execute("SELECT * FROM no_such_table"));

            assertThat(StoreHealth.unreachable(failure)).isFalse();
            assertThat(StoreHealth.duringCommit(failure)).isFalse();
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(db.get("datasources.default.url"), db.get("datasources.default.username"),
                db.get("datasources.default.password"));
    }

    private String table() throws SQLException {
        String table = "store_health_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (id int)");
        }
        return table;
    }

    private static void insert(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO " + table + " VALUES (1)");
        }
    }

    /** Ends {@code victim}'s session from the server side, as PostgreSQL does to every session when it shuts down. */
    private static void terminate(Connection admin, Connection victim) throws SQLException {
        int pid;
        try (Statement s = victim.createStatement(); var rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            pid = rs.getInt(1);
        }
        try (Statement s = admin.createStatement()) {
            s.execute("SELECT pg_terminate_backend(" + pid + ", 5000)");
        }
    }

    private static int rows(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
