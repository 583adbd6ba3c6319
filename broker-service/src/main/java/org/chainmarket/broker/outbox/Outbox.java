package org.chainmarket.broker.outbox;

import io.micronaut.transaction.support.TransactionSynchronization;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.Json;

import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.ProviderId;

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
        append(eventId, type, aggregateType, aggregateId, payload, null);
    }

    /**
     * As {@link #append(String, EventType, String, String, Object)}; an event of a per-provider family goes to
     * {@code provider}'s topic, or (when null) to the topic of the provider its payload names. A tombstone of a
     * per-provider family must name its provider.
     */
    public void append(String eventId, EventType type, String aggregateType, String aggregateId, Object payload, ProviderId provider) {
        ProviderId to = provider != null ? provider : CloudEvents.providerOf(payload).orElse(null);
        if (Topics.PER_PROVIDER.contains(type.topic()) && to == null) {
            throw new IllegalArgumentException(type + " travels on a provider's own topic: name the provider of " + aggregateId);
        }
        OutboxEntity e = new OutboxEntity();
        e.providerId = Topics.PER_PROVIDER.contains(type.topic()) ? to.value() : null;
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
