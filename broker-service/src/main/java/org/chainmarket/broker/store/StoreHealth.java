package org.chainmarket.broker.store;

import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.transaction.exceptions.TransactionSystemException;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Whether PostgreSQL answers, as the requests and a probe find out. A request whose transaction fails because the
 * database cannot be reached ({@link #unreachable}) marks it down; while it is down the API answers 503 at once
 * ({@code StoreGate}) instead of making every request wait for a connection, and a probe tries a connection every
 * {@code chainmarket.store.probe-interval} until one works.
 */
@Singleton
public class StoreHealth {
    private static final Logger LOG = LoggerFactory.getLogger(StoreHealth.class);
    /** What the pool says of a connection the database closed under a transaction (no SQLSTATE). */
    private static final String CLOSED = "Connection is closed";
    private final DataSource dataSource;
    private final Duration retryAfter;
    private volatile Instant downSince;

    public StoreHealth(DataSource dataSource, DataSourceResolver resolver, @Value("${chainmarket.store.retry-after}") Duration retryAfter) {
        // the pool itself: the injected data source hands out only the connection of a transaction in progress
        this.dataSource = resolver.resolve(dataSource);
        this.retryAfter = retryAfter;
    }

    /** Whether the database was found unreachable and no probe has reached it since. */
    public boolean down() {
        return downSince != null;
    }

    /** How long a client is told to wait before retrying ({@code Retry-After}). */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** Marks the database down if {@code failure} says it is unreachable; returns whether it did. */
    public boolean failed(Throwable failure) {
        if (!unreachable(failure)) {
            return false;
        }
        if (downSince == null) {
            downSince = Instant.now();
            LOG.warn("PostgreSQL is unreachable ({}); the API answers 503 until a connection works again", rootMessage(failure));
        }
        return true;
    }

    /** While the database is down: one connection attempt (bounded by the pool's connection timeout); up when it works. */
    @Scheduled(fixedDelay = "${chainmarket.store.probe-interval}", initialDelay = "${chainmarket.store.probe-interval}")
    void probe() {
        Instant since = downSince;
        if (since == null) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            if (c.isValid(2)) {
                downSince = null;
                LOG.info("PostgreSQL answers again after {} ms; the API takes requests", Duration.between(since, Instant.now()).toMillis());
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debug("PostgreSQL still unreachable: {}", e.toString());
        }
    }

    /**
     * Whether a failure (anywhere in its causes, suppressed exceptions, or the failure a failed rollback hid) says the
     * database cannot be reached or did not answer in time: no connection from the pool within its timeout, a
     * connection refused, reset, closed or timed out, or PostgreSQL saying it is shutting down, starting up or out of
     * connections (SQLSTATE classes 08 and 57P, 53300).
     */
    public static boolean unreachable(Throwable failure) {
        return anyOf(failure, t -> t instanceof SQLTransientConnectionException || t instanceof ConnectException
                || t instanceof SocketTimeoutException || t instanceof SocketException || t instanceof EOFException
                || t instanceof SQLException s && (s.getSQLState() == null ? CLOSED.equals(s.getMessage())
                : s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P") || s.getSQLState().equals("53300")));
    }

    /**
     * Whether a failure was raised by the commit itself ({@link Connection#commit} of the JDBC driver or pool): the
     * connection broke after {@code COMMIT} may have been sent, so the transaction may have committed or not. Any other
     * failure of a transaction happened before its commit, and the database rolled it back.
     */
    public static boolean duringCommit(Throwable failure) {
        return anyOf(failure, t -> Arrays.stream(t.getStackTrace())
                .anyMatch(f -> "commit".equals(f.getMethodName()) && jdbcConnection(f.getClassName())));
    }

    private static boolean jdbcConnection(String className) {
        try {
            return Connection.class.isAssignableFrom(Class.forName(className, false, StoreHealth.class.getClassLoader()));
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Whether {@code test} holds for a failure or anything in its causes, suppressed exceptions, or what a failed rollback hid. */
    private static boolean anyOf(Throwable failure, Predicate<Throwable> test) {
        Deque<Throwable> todo = new ArrayDeque<>(List.of(failure));
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        while (!todo.isEmpty()) {
            Throwable t = todo.pop();
            if (!seen.add(t)) {
                continue;
            }
            if (test.test(t)) {
                return true;
            }
            if (t.getCause() != null) {
                todo.push(t.getCause());
            }
            if (t instanceof TransactionSystemException x && x.getApplicationException() != null) {
                todo.push(x.getApplicationException());
            }
            todo.addAll(List.of(t.getSuppressed()));
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.toString();
    }
}
