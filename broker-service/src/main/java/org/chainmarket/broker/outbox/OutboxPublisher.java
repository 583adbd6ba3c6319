package org.chainmarket.broker.outbox;

import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.chainmarket.broker.kafka.EventProducer;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.ProviderId;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Publishes one batch of the outbox in order and deletes it in the same transaction once Kafka acknowledged
 * every record. Rows are locked with SKIP LOCKED, so several broker instances can relay side by side; if Kafka
 * fails the transaction rolls back and the rows are sent again (consumers are idempotent by event id). Each
 * {@link PublishListener} learns, in the same transaction, which rows went out and when. A domain command goes to its
 * provider's own command topic ({@code chainmarket.domain-commands.v1.<providerId>}).
 */
@Singleton
public class OutboxPublisher {
    static final int BATCH = 500;
    private final EntityManager em;
    private final Producer<String, byte[]> producer;
    private final EventProducer events;
    private final List<PublishListener> listeners;

    public OutboxPublisher(EntityManager em, EventProducer producer, List<PublishListener> listeners) {
        this.em = em;
        this.events = producer;
        this.producer = producer.producer();
        this.listeners = List.copyOf(listeners);
    }

    /** Publishes up to {@value #BATCH} events; returns how many. */
    @Transactional
    public int publishBatch() throws Exception {
        @SuppressWarnings("unchecked")
        List<OutboxEntity> rows = em.createNativeQuery(
                        "SELECT * FROM outbox ORDER BY seq LIMIT " + BATCH + " FOR UPDATE SKIP LOCKED", OutboxEntity.class)
                .getResultList();
        if (rows.isEmpty()) {
            return 0;
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>(rows.size());
        for (OutboxEntity row : rows) {
            EventType type = EventType.valueOf(row.type);
            ProducerRecord<String, byte[]> record = CloudEvents.encode(row.id, type, row.aggregateId,
                    row.payload == null ? null : row.payload.getBytes(StandardCharsets.UTF_8), "/broker");
            if (Topics.PER_PROVIDER.contains(type.topic())) {
                // a command goes to its provider's own topic, which only that provider's principal may read; a
                // provider's advertisement registered over REST to the topic only that provider (and the broker) writes
                // (a row written before rows named their provider: the payload's, or a domain tombstone's key)
                ProviderId to = row.providerId != null ? ProviderId.of(row.providerId)
                        : row.payload != null ? CloudEvents.providerOf(Json.read(row.payload, type.payloadType())).orElseThrow()
                        : ProviderId.of(row.aggregateId);
                events.ensureProviderTopics(to);
                record = CloudEvents.toProvider(record, to);
            }
            sent.add(producer.send(record));
        }
        producer.flush();
        for (Future<RecordMetadata> f : sent) {
            f.get(30, TimeUnit.SECONDS);
        }
        Instant at = Instant.now();
        listeners.forEach(l -> l.published(rows, at));
        // exactly the rows sent: a concurrent transaction may commit a lower sequence number after this one was read
        em.createQuery("DELETE FROM OutboxEntity o WHERE o.seq IN :seqs")
                .setParameter("seqs", rows.stream().map(r -> r.seq).toList())
                .executeUpdate();
        return rows.size();
    }
}
