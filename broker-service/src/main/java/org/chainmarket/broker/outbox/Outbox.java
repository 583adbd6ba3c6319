package org.chainmarket.broker.outbox;

import io.micronaut.transaction.support.TransactionSynchronization;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.Json;

import java.time.Instant;
import java.util.UUID;

/**
 * Appends events to the outbox in the caller's transaction, so they are published if and only if the state
 * change commits. {@link OutboxRelay} publishes them; it is woken once the transaction commits.
 */
@Singleton
public class Outbox {
    private final EntityManager em;
    private final TransactionHooks hooks;
    private final OutboxRelay relay;

    public Outbox(EntityManager em, TransactionHooks hooks, OutboxRelay relay) {
        this.em = em;
        this.hooks = hooks;
        this.relay = relay;
    }

    /** Must run inside a transaction. */
    public void append(EventType type, String aggregateType, String aggregateId, Object payload) {
        append(UUID.randomUUID().toString(), type, aggregateType, aggregateId, payload);
    }

    /**
     * Appends with a given event id (the CloudEvents id it will carry); a null {@code payload} is a tombstone
     * on a compacted topic. Must run inside a transaction.
     */
    public void append(String eventId, EventType type, String aggregateType, String aggregateId, Object payload) {
        OutboxEntity e = new OutboxEntity();
        e.id = eventId;
        e.aggregateType = aggregateType;
        e.aggregateId = aggregateId;
        e.type = type.name();
        e.payload = payload == null ? null : Json.text(payload);
        e.createdAt = Instant.now();
        em.persist(e);
        hooks.once(Outbox.class, () -> new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                relay.wakeUp();
            }
        });
    }
}
