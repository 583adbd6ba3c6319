package org.chainmarket.broker.outbox;

import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The relay thread: publishes the outbox as soon as a writer calls {@link #wakeUp()} after its commit, and at
 * least every {@value #IDLE_POLL_MS} ms otherwise (so events of another instance or of a crash are not stranded). It
 * tells {@link PublishingHealth} whether Kafka takes them.
 */
@Context
public class OutboxRelay {
    static final long IDLE_POLL_MS = 200;
    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
    private final OutboxPublisher publisher;
    private final Semaphore signal = new Semaphore(0);
    private final Thread thread;
    private volatile boolean running = true;
    private final PublishingHealth health;

    public OutboxRelay(OutboxPublisher publisher, PublishingHealth health) {
        this.publisher = publisher;
        this.health = health;
        this.thread = new Thread(this::run, "outbox-relay");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Tells the relay that new events were committed. */
    public void wakeUp() {
        signal.release();
    }

    private void run() {
        long backoff = 0;
        while (running) {
            try {
                signal.tryAcquire(backoff > 0 ? backoff : IDLE_POLL_MS, TimeUnit.MILLISECONDS);
                signal.drainPermits();
                while (running && publish() == OutboxPublisher.BATCH) {
                    // a full batch: more may be waiting
                }
                backoff = 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                health.failed(Instant.now());
                backoff = Math.min(5000, Math.max(100, backoff * 2));
                if (running) {
                    LOG.warn("outbox relay failed, retrying in {} ms: {}", backoff, e.toString());
                }
            }
        }
    }

    private int publish() throws Exception {
        health.started(Instant.now());
        int n = publisher.publishBatch();
        health.succeeded(Instant.now());
        return n;
    }

    @PreDestroy
    void stop() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(5000);
    }
}
