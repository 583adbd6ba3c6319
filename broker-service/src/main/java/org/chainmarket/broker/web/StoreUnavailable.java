package org.chainmarket.broker.web;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.connection.exceptions.ConnectionException;
import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.transaction.exceptions.TransactionException;
import jakarta.inject.Singleton;
import jakarta.persistence.PersistenceException;
import org.chainmarket.broker.store.StoreHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * When PostgreSQL cannot be reached the API says so at once: {@code 503} with {@code Retry-After}, as a problem. A
 * request whose transaction fails for that reason before its commit is answered {@code store-unavailable} (its
 * transaction rolled back: the order it carried does not become a chain later); one whose connection broke during the
 * commit itself is answered {@code outcome-unknown} (it may have committed: the client finds out by retrying under its
 * Idempotency-Key). Either marks the database down ({@link StoreHealth}); while it is down every API request
 * is answered 503 before it waits for a connection ({@link Gate}), until a probe reaches the database again. Other
 * failures of the data layer stay a 500 that says nothing of its cause (logged).
 */
final class StoreUnavailable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreUnavailable.class);

    private StoreUnavailable() {
    }

    static MutableHttpResponse<Map<String, Object>> problem(StoreHealth store) {
        long seconds = Math.max(1, store.retryAfter().toSeconds());
        return Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "store-unavailable", "Service Unavailable",
                "The marketplace's database cannot be reached; nothing was changed. Retry after " + seconds + " s (with the same "
                        + "Idempotency-Key, an order that did go through is answered again rather than placed twice).", List.of(), Map.of())
                .header("Retry-After", String.valueOf(seconds));
    }

    /**
     * The connection broke during the commit itself: the request's change may or may not have been stored. Still 503 with
     * {@code Retry-After} (the client should retry), but saying that nothing is known rather than that nothing changed.
     */
    static MutableHttpResponse<Map<String, Object>> outcomeUnknown(StoreHealth store) {
        long seconds = Math.max(1, store.retryAfter().toSeconds());
        return Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "outcome-unknown", "Service Unavailable",
                "The connection to the marketplace's database broke while this request was being committed: it may or may not "
                        + "have taken effect. Retry after " + seconds + " s with the same Idempotency-Key: an order that went "
                        + "through is answered again with its chain, one that did not is placed then.", List.of(), Map.of())
                .header("Retry-After", String.valueOf(seconds));
    }

    static HttpResponse<?> answer(StoreHealth store, HttpRequest<?> request, RuntimeException e) {
        if (store.failed(e)) {
            if (StoreHealth.duringCommit(e)) {
                LOG.warn("{} {}: the database connection broke during the commit; answered outcome-unknown", request.getMethodName(),
                        request.getPath());
                return outcomeUnknown(store);
            }
            return problem(store);
        }
        LOG.error("{} {} failed", request.getMethodName(), request.getPath(), e);
        return Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, ProblemResponses.slug(HttpStatus.INTERNAL_SERVER_ERROR),
                HttpStatus.INTERNAL_SERVER_ERROR.getReason(), ProblemResponses.SERVER_ERROR, List.of(), Map.of());
    }

    /** Answers every API request 503 at once while the database is known to be unreachable. */
    @ServerFilter("/api/**")
    public static final class Gate {
        private final StoreHealth store;

        Gate(StoreHealth store) {
            this.store = store;
        }

        @RequestFilter
        @Nullable
        public MutableHttpResponse<?> gate() {
            return store.down() ? problem(store) : null;
        }
    }

    @Produces
    @Singleton
    @Requires(classes = {PersistenceException.class, ExceptionHandler.class})
    static final class Persistence implements ExceptionHandler<PersistenceException, HttpResponse<?>> {
        private final StoreHealth store;

        Persistence(StoreHealth store) {
            this.store = store;
        }

        @Override
        public HttpResponse<?> handle(HttpRequest request, PersistenceException e) {
            return answer(store, request, e);
        }
    }

    @Produces
    @Singleton
    @Requires(classes = {TransactionException.class, ExceptionHandler.class})
    static final class Transaction implements ExceptionHandler<TransactionException, HttpResponse<?>> {
        private final StoreHealth store;

        Transaction(StoreHealth store) {
            this.store = store;
        }

        @Override
        public HttpResponse<?> handle(HttpRequest request, TransactionException e) {
            return answer(store, request, e);
        }
    }

    @Produces
    @Singleton
    @Requires(classes = {DataAccessException.class, ExceptionHandler.class})
    static final class DataAccess implements ExceptionHandler<DataAccessException, HttpResponse<?>> {
        private final StoreHealth store;

        DataAccess(StoreHealth store) {
            this.store = store;
        }

        @Override
        public HttpResponse<?> handle(HttpRequest request, DataAccessException e) {
            return answer(store, request, e);
        }
    }

    @Produces
    @Singleton
    @Requires(classes = {ConnectionException.class, ExceptionHandler.class})
    static final class Connection implements ExceptionHandler<ConnectionException, HttpResponse<?>> {
        private final StoreHealth store;

        Connection(StoreHealth store) {
            this.store = store;
        }

        @Override
        public HttpResponse<?> handle(HttpRequest request, ConnectionException e) {
            return answer(store, request, e);
        }
    }
}
