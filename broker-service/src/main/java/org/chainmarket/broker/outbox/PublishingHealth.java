package org.chainmarket.broker.outbox;

import jakarta.inject.Singleton;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether Kafka takes the outbox's events now, as the relay finds out: publishing fails, or a batch has been in
 * flight longer than {@link #SLOW} (a partition whose leader died waits for the cluster to elect another: seconds).
 * The chain saga's delivery deadlines wait while it does not, and count again from when it is back: after a failure,
 * or after a batch that took that long, since commands already in Kafka could not be fetched meanwhile either.
 */
@Singleton
public class PublishingHealth {
    /** A batch in flight longer than this counts as Kafka not taking events. */
    public static final Duration SLOW = Duration.ofSeconds(1);
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
        Instant since = publishingSince;
        publishingSince = null;
        if (failingSince != null || (since != null && Duration.between(since, now).compareTo(SLOW) >= 0)) {
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

    /** Whether Kafka takes events now: publishing does not fail and the batch in flight, if any, is not slower than {@link #SLOW}. */
    public boolean kafkaReachable(Instant now) {
        Instant since = publishingSince;
        return failingSince == null && (since == null || Duration.between(since, now).compareTo(SLOW) < 0);
    }

    /** When Kafka last came back after failing or after a batch slower than {@link #SLOW} ({@link Instant#EPOCH} if never). */
    public Instant kafkaBackAt() {
        return backAt;
    }
}
