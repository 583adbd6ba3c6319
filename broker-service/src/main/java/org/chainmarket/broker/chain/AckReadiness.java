package org.chainmarket.broker.chain;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * Whether this broker hears its domains: its acknowledgement consumers ({@link AckListener}) have joined their group
 * and been given their share of the providers' acknowledgement topics (which may be none: a consumer of a group with
 * more members than partitions, or a marketplace with no provider yet). Right after a restart (above all after a
 * crash, while the group still waits for the dead process's members to time out) none has, and a chain set up then
 * would fail for want of an acknowledgement the domain did send. An order waits up to
 * {@code chainmarket.ack-readiness-wait} for them, and is refused 503 with {@code Retry-After} if none has joined yet,
 * before anything is stored. Each consumer tells its own joins and leaves, on its own thread.
 */
@Singleton
public class AckReadiness {
    private final Duration wait;
    private final Set<Thread> joined = new HashSet<>();

    public AckReadiness(@Value("${chainmarket.ack-readiness-wait:10s}") Duration wait) {
        this.wait = wait;
    }

    /** The calling consumer completed a rebalance (with any number of partitions, none included). */
    synchronized void assigned(int count) {
        joined.add(Thread.currentThread());
        notifyAll();
    }

    /** The calling consumer gave its partitions up (a rebalance begins, or it leaves). */
    synchronized void revoked(int count) {
        joined.remove(Thread.currentThread());
    }

    /** Whether an acknowledgement consumer is in its group now. */
    public synchronized boolean ready() {
        return !joined.isEmpty();
    }

    /** Waits up to the configured time for an acknowledgement consumer to be in its group; false if none is. */
    public synchronized boolean awaitReady() {
        long until = System.nanoTime() + wait.toNanos();
        try {
            while (joined.isEmpty()) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                wait(Math.max(1, left / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !joined.isEmpty();
        }
        return true;
    }
}
