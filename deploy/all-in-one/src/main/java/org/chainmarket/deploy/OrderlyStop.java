package org.chainmarket.deploy;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.graceful.GracefulShutdownCapable;
import io.micronaut.runtime.server.EmbeddedServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** How the marketplace's parts stop: the broker gracefully, then whatever else in the order given. */
final class OrderlyStop {
    private static final Logger LOG = LoggerFactory.getLogger(OrderlyStop.class);
    /** How long stopping waits for the API's requests in flight. */
    private static final Duration GRACE = Duration.ofSeconds(10);

    private OrderlyStop() {
    }

    /**
     * The API stops taking connections and answers the requests in flight (Netty's graceful shutdown), then the
     * context closes: first the broker's periodic jobs finish their current run (its {@code SweepsStop}), then Kafka
     * consumers, outbox relay, substitution workers, database pool. The executors that run the Kafka consumers never
     * go idle, so the context-wide graceful shutdown would only wait out its timeout.
     */
    static void broker(EmbeddedServer broker) {
        ApplicationContext ctx = broker.getApplicationContext();
        if (broker instanceof GracefulShutdownCapable server) {
            await(server.shutdownGracefully().toCompletableFuture(), "the API's requests in flight");
        }
        ctx.close();
    }

    /** Closes each in order, logging what fails and going on; the list is emptied. */
    static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable r : List.copyOf(resources)) {
            try {
                r.close();
            } catch (Exception e) {
                LOG.error("while stopping {}", r.getClass().getSimpleName(), e);
            }
        }
        resources.clear();
    }

    private static void await(CompletableFuture<?> stopped, String what) {
        try {
            stopped.get(GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("{} did not finish within {} s; stopping anyway", what, GRACE.toSeconds());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.warn("waiting for {} failed: {}", what, e.getCause().toString());
        }
    }
}
