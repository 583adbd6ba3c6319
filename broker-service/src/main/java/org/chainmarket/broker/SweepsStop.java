package org.chainmarket.broker;

import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.scheduling.TaskExecutors;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The broker's periodic jobs ({@code @Scheduled}: deadline sweep, ledger check, store probe, SLA checks, circuit
 * half-opening, metrics) stop first when the broker stops, however it stops (its own program, the all-in-one, a test
 * closing its context): as the application begins to stop, their scheduler takes no new run and the runs in progress
 * get {@link #GRACE} to finish, all before any bean is destroyed. Without this a run due while beans are destroyed
 * would ask the stopping context for its bean and get a new one (a new sweep leader taking the lock again, a new
 * connection pool).
 */
@Singleton
final class SweepsStop implements ApplicationEventListener<ShutdownEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(SweepsStop.class);
    static final Duration GRACE = Duration.ofSeconds(10);
    private final ExecutorService scheduled;

    SweepsStop(@Named(TaskExecutors.SCHEDULED) ExecutorService scheduled) {
        this.scheduled = scheduled;
    }

    @Override
    public void onApplicationEvent(ShutdownEvent event) {
        scheduled.shutdown();
        try {
            if (!scheduled.awaitTermination(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("the broker's periodic jobs did not finish within {} s; stopping anyway", GRACE.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
