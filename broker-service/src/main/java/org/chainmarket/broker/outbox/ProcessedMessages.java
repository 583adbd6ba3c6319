package org.chainmarket.broker.outbox;

import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;

import java.time.Instant;

/** The idempotent-consumer check: records an event id per consumer in the caller's transaction. */
@Singleton
public class ProcessedMessages {
    private final EntityManager em;

    public ProcessedMessages(EntityManager em) {
        this.em = em;
    }

    /**
     * Records that {@code consumer} handled {@code eventId}; false when it already had (the caller then skips
     * the event). Must run inside the transaction that applies the event.
     */
    public boolean firstTime(String consumer, String eventId) {
        int inserted = em.createNativeQuery("INSERT INTO processed_message (consumer, event_id, processed_at) "
                        + "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING")
                .setParameter(1, consumer).setParameter(2, eventId).setParameter(3, Instant.now())
                .executeUpdate();
        return inserted == 1;
    }
}
