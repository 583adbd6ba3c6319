package org.chainmarket.broker.outbox;

import jakarta.inject.Singleton;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether Kafka takes the outbox's events now, as the relay finds out: publishing fails, or a batch has been in
 * flight too long. The chain saga's delivery deadlines wait while it does not.
 */
@Singleton
public class PublishingHealth {
    /** Since when publishing fails (null while it works). */
    private volatile Instant failingSince;
    /** When the batch being published now started (null between batches). */
    private volatile Instant publishingSince;
    /** When publishing last succeeded after failing (Kafka came back). */
    private volatile Instant backAt = Instant.EPOCH;

    void started(Instant now) {
        publishingSince = now;
    }

    void succeeded(Instant now) {
        publishingSince = null;
        if (failingSince != null) {
            failingSince = null;
            backAt = now;
        }
    }

    void failed(Instant now) {
        publishingSince = null;
        if (failingSince == null) {
            failingSince = now;
        }
    }

    /** Whether Kafka takes events now: publishing does not fail and the batch in flight, if any, is not slower than {@code slow}. */
    public boolean kafkaReachable(Instant now, Duration slow) {
        Instant since = publishingSince;
        return failingSince == null && (since == null || Duration.between(since, now).compareTo(slow) < 0);
    }

    /** When Kafka last came back after being unreachable ({@link Instant#EPOCH} if it never was). */
    public Instant kafkaBackAt() {
        return backAt;
    }
}
