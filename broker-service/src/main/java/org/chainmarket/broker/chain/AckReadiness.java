package org.chainmarket.broker.chain;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.time.Duration;

/**
 * Whether this broker hears its domains: its acknowledgement consumers ({@link AckListener}) hold partitions of the
 * acknowledgement topic. Right after a restart (above all after a crash, while the group still waits for the dead
 * process's members to time out) they hold none, and a chain set up then would fail for want of an acknowledgement
 * the domain did send. An order waits up to {@code chainmarket.ack-readiness-wait} for them, and is refused 503 with
 * {@code Retry-After} if they still hold none, before anything is stored.
 */
@Singleton
public class AckReadiness {
    private final Duration wait;
    private int partitions;

    public AckReadiness(@Value("${chainmarket.ack-readiness-wait:10s}") Duration wait) {
        this.wait = wait;
    }

    synchronized void assigned(int count) {
        partitions += count;
        notifyAll();
    }

    synchronized void revoked(int count) {
        partitions = Math.max(0, partitions - count);
    }

    /** Whether the acknowledgement consumers hold partitions now. */
    public synchronized boolean ready() {
        return partitions > 0;
    }

    /** Waits up to the configured time for the acknowledgement consumers to hold partitions; false if they still hold none. */
    public synchronized boolean awaitReady() {
        long until = System.nanoTime() + wait.toNanos();
        try {
            while (partitions == 0) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                wait(Math.max(1, left / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return partitions > 0;
        }
        return true;
    }
}
