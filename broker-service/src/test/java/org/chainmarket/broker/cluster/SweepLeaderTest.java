package org.chainmarket.broker.cluster;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.chainmarket.broker.Infra;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Broker replicas sharing one PostgreSQL database: each asks its {@link SweepLeader} before each cluster-wide sweep,
 * as the deadline sweep does. Exactly one sweeps; when it dies, stops or loses its connection, another takes over,
 * and never do two sweep in the same period. Each replica has its own connection pool on a database of this test's
 * own (advisory locks are per database, so the other tests' brokers do not take part).
 */
class SweepLeaderTest {
    private static final String DATABASE = "sweep_leader";
    /** The advisory locks held in this test's database (the server's other databases have their own). */
    private static final String ADVISORY = "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND database = "
            + "(SELECT oid FROM pg_database WHERE datname = '" + DATABASE + "')";
    private static String url;
    private static String user;
    private static String password;
    private final List<Replica> replicas = new ArrayList<>();

    /** One broker replica: its pool, its leadership, and how many sweeps it ran. */
    private static final class Replica implements AutoCloseable {
        final HikariDataSource pool;
        final SweepLeader leader;
        int sweeps;

        Replica() {
            HikariConfig c = new HikariConfig();
            c.setJdbcUrl(url);
            c.setUsername(user);
            c.setPassword(password);
            c.setMaximumPoolSize(2);
            pool = new HikariDataSource(c);
            leader = new SweepLeader(pool);
        }

        /** One period of the replica's scheduler: it sweeps only when it leads. */
        boolean period() {
            if (leader.leads()) {
                sweeps++;
                return true;
            }
            return false;
        }

        @Override
        public void close() {
            leader.close();
            pool.close();
        }
    }

    @BeforeAll
    static void database() throws SQLException {
        Map<String, String> p = Infra.brokerProperties();
        String shared = p.get("datasources.default.url");
        user = p.get("datasources.default.username");
        password = p.get("datasources.default.password");
        try (Connection c = DriverManager.getConnection(shared, user, password); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + DATABASE);
        }
        url = shared.replaceFirst("/[^/?]+(\\?|$)", "/" + DATABASE + "$1");
    }

    @AfterEach
    void stop() {
        replicas.forEach(Replica::close);
    }

    private Replica replica() {
        Replica r = new Replica();
        replicas.add(r);
        return r;
    }

    /** One period of every live replica's scheduler, in the given order; how many swept in it. */
    private static int period(Replica... live) {
        int swept = 0;
        for (Replica r : live) {
            swept += r.period() ? 1 : 0;
        }
        return swept;
    }

    @Test
    void exactlyOneOfTwoReplicasSweeps() {
        Replica a = replica();
        Replica b = replica();
        for (int i = 0; i < 50; i++) {
            assertThat(period(b, a)).as("replicas sweeping in period %d", i).isEqualTo(1);
        }
        assertThat(List.of(a.sweeps, b.sweeps)).containsExactlyInAnyOrder(50, 0);
        assertThat(a.leader.leading()).isNotEqualTo(b.leader.leading());
    }

    @Test
    void whenTheLeaderStopsTheOtherTakesOverAtItsNextPeriod() {
        Replica a = replica();
        Replica b = replica();
        for (int i = 0; i < 10; i++) {
            period(a, b);
        }
        assertThat(a.sweeps).isEqualTo(10);
        a.close();
        for (int i = 0; i < 10; i++) {
            assertThat(period(a, b)).isEqualTo(1);
        }
        assertThat(a.sweeps).as("a stopped replica sweeps no more").isEqualTo(10);
        assertThat(b.sweeps).isEqualTo(10);
        assertThat(b.leader.leading()).isTrue();
    }

    @Test
    void whenTheLeaderDiesTheOtherTakesOverOnceItsConnectionIsGone() throws SQLException {
        Replica a = replica();
        Replica b = replica();
        period(a, b);
        assertThat(a.leader.leading()).isTrue();
        // the leader's process dies: it sweeps no more and the server ends its session
        terminateSessionsOf(a);
        await().atMost(Duration.ofSeconds(30)).until(() -> period(b) == 1);
        for (int i = 0; i < 10; i++) {
            assertThat(period(b)).isEqualTo(1);
        }
        assertThat(b.sweeps).isEqualTo(11);
        // the dead leader's replacement joins as a follower
        Replica restarted = replica();
        for (int i = 0; i < 10; i++) {
            assertThat(period(restarted, b)).isEqualTo(1);
        }
        assertThat(restarted.sweeps).isZero();
        assertThat(b.sweeps).isEqualTo(21);
    }

    @Test
    void aLeaderThatLostItsConnectionLeadsOnlyAfterTakingTheLockAgain() throws SQLException {
        Replica a = replica();
        Replica b = replica();
        period(a, b);
        assertThat(a.leader.leading()).isTrue();
        // the leader's connection is lost (a database restart or a network cut) while the replica itself lives on
        terminateSessionsOf(a);
        // b asks first, takes the free lock; a finds its connection gone and does not sweep
        assertThat(period(b, a)).isEqualTo(1);
        assertThat(b.leader.leading()).isTrue();
        assertThat(a.leader.leading()).isFalse();
        for (int i = 0; i < 10; i++) {
            assertThat(period(a, b)).isEqualTo(1);
        }
        assertThat(a.sweeps).as("a swept only before it lost its connection").isEqualTo(1);
        assertThat(b.sweeps).isEqualTo(11);
        // and once b stops, a takes over on its new connection
        b.close();
        assertThat(period(a)).isEqualTo(1);
        assertThat(a.sweeps).isEqualTo(2);
    }

    /** Ends the server session holding the replica's lock, and waits until the server has freed the lock. */
    private static void terminateSessionsOf(Replica r) throws SQLException {
        String name = r.pool.getPoolName();
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            List<Integer> pids = new ArrayList<>();
            try (ResultSet rs = s.executeQuery(ADVISORY + " AND granted")) {
                while (rs.next()) {
                    pids.add(rs.getInt(1));
                }
            }
            assertThat(pids).as("sessions holding the sweep lock (pool %s)", name).hasSize(1);
            s.execute("SELECT pg_terminate_backend(" + pids.get(0) + ")");
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                try (ResultSet rs = s.executeQuery(ADVISORY.replace("pid", "count(*)"))) {
                    return rs.next() && rs.getInt(1) == 0;
                }
            });
        }
    }
}
