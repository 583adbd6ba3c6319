package org.chainmarket.broker.cluster;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Which broker replica runs the cluster-wide sweeps. Replicas sharing one PostgreSQL database compete for one
 * session-level advisory lock ({@code pg_try_advisory_lock}) on a connection each keeps for this alone: the one that
 * holds it leads. Before each sweep a replica asks {@link #leads()}: the leader checks that its connection still works
 * (a lost connection means the server has freed the lock, so it tries again on a new one), a follower tries to take
 * the lock. A leader that dies closes its connection, which frees the lock, and the first replica to try next takes
 * over; a leader that stops releases it as the application begins to stop. Whether this replica leads is the gauge
 * {@code chainmarket.sweeps.leader} (1 or 0).
 */
@Singleton
public class SweepLeader implements AutoCloseable {
    /** The advisory lock's key: "ChainMkt" in ASCII; advisory locks are per database, so one key serves every replica. */
    static final long LOCK_KEY = 0x436861696E4D6B74L;
    private static final Logger LOG = LoggerFactory.getLogger(SweepLeader.class);
    private static final int VALID_SECONDS = 2;
    private final DataSource dataSource;
    private Connection connection;
    private volatile boolean leading;
    private boolean closed;

    @Inject
    public SweepLeader(DataSource dataSource, DataSourceResolver resolver, MeterRegistry registry) {
        // the pool itself: the injected data source hands out only the connection of a transaction in progress
        this(resolver.resolve(dataSource));
        Gauge.builder("chainmarket.sweeps.leader", this, l -> l.leading ? 1 : 0)
                .description("1 when this broker replica runs the cluster-wide sweeps (deadline sweep), else 0").register(registry);
    }

    /** A replica's leadership over the database {@code dataSource} reaches. */
    public SweepLeader(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Whether this replica leads now, checked against the database: true only while it holds the lock on a connection
     * that answers. Called before each cluster-wide sweep; false (and tried again next time) when the database cannot
     * be reached.
     */
    public synchronized boolean leads() {
        if (closed) {
            return false;
        }
        try {
            if (connection != null && !connection.isValid(VALID_SECONDS)) {
                if (leading) {
                    LOG.warn("the connection holding the sweep lock was lost; trying to take it again");
                }
                drop();
            }
            if (connection == null) {
                connection = dataSource.getConnection();
                connection.setAutoCommit(true);
            }
            if (!leading) {
                leading = tryLock(connection);
                if (leading) {
                    LOG.info("this broker replica now leads: it runs the cluster-wide sweeps");
                }
            }
            return leading;
        } catch (SQLException | RuntimeException e) {
            LOG.debug("could not check the sweep lock: {}", e.toString());
            drop();
            return false;
        }
    }

    /** Whether this replica led when it last checked (no database round trip). */
    public boolean leading() {
        return leading;
    }

    /**
     * The application is stopping: the lock is released before any bean is destroyed (another replica takes over at
     * once), and not taken again; the sweeps themselves are stopped by the broker's {@code SweepsStop}.
     */
    @EventListener
    void stopping(ShutdownEvent event) {
        close();
    }

    /** Releases the lock (another replica takes over at its next sweep) and the connection; this replica leads no more. */
    @PreDestroy
    @Override
    public synchronized void close() {
        closed = true;
        if (connection != null && leading) {
            // at once, rather than when the evicted connection is closed in the background; a lost one holds nothing
            try (Statement s = connection.isValid(1) ? connection.createStatement() : null) {
                if (s != null) {
                    s.execute("SELECT pg_advisory_unlock(" + LOCK_KEY + ")");
                    LOG.info("released the sweep lock");
                }
            } catch (SQLException | RuntimeException e) {
                LOG.debug("could not release the sweep lock (closing its connection frees it): {}", e.toString());
            }
        }
        drop();
    }

    private static boolean tryLock(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT pg_try_advisory_lock(" + LOCK_KEY + ")")) {
            return r.next() && r.getBoolean(1);
        }
    }

    /**
     * Ends the session of the connection (a pooled one is evicted, not returned, so no lock can stay held in the pool)
     * and forgets it.
     */
    private void drop() {
        Connection c = connection;
        connection = null;
        leading = false;
        if (c == null) {
            return;
        }
        try {
            if (dataSource.isWrapperFor(HikariDataSource.class)) {
                dataSource.unwrap(HikariDataSource.class).evictConnection(c);
            } else {
                c.close();
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debug("could not close the sweep lock's connection: {}", e.toString());
        }
    }
}
