package org.chainmarket.broker.chain;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.time.Duration;

/**
 * Whether this broker hears its domains: its acknowledgement consumers ({@link AckListener}) hold partitions of the
 * providers' acknowledgement topics, or have joined their group and been given none (a marketplace without providers
 * yet, or more consumers than partitions: with a topic per provider either happens). Right after a restart (above all
 * after a crash, while the group still waits for the dead process's members to time out) none has joined, and a chain
 * set up then would fail for want of an acknowledgement the domain did send. An order waits up to
 * {@code chainmarket.ack-readiness-wait} for them, and is refused 503 with {@code Retry-After} if they still have not,
 * before anything is stored. The consumers' assignments are eager (a rebalance revokes all, then assigns anew), so a
 * consumer given no partition tells {@code assigned(0)} once and {@code revoked(0)} when it leaves or rebalances.
 */
@Singleton
public class AckReadiness {
    private final Duration wait;
    private int partitions;
    private int membersWithout;

    public AckReadiness(@Value("${chainmarket.ack-readiness-wait:10s}") Duration wait) {
        this.wait = wait;
    }

    synchronized void assigned(int count) {
        if (count == 0) {
            membersWithout++;
        } else {
            partitions += count;
        }
        notifyAll();
    }

    synchronized void revoked(int count) {
        if (count == 0) {
            membersWithout = Math.max(0, membersWithout - 1);
        } else {
            partitions = Math.max(0, partitions - count);
        }
    }

    /** Whether the acknowledgement consumers hold partitions, or have joined with none, now. */
    public synchronized boolean ready() {
        return partitions > 0 || membersWithout > 0;
    }

    /** Waits up to the configured time for the acknowledgement consumers to be {@link #ready()}; false if they are not. */
    public synchronized boolean awaitReady() {
        long until = System.nanoTime() + wait.toNanos();
        try {
            while (!ready()) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                wait(Math.max(1, left / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ready();
        }
        return true;
    }
}
