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
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Publishes one batch of the outbox in order and removes it in the same transaction once Kafka acknowledged every
 * record. The batch is claimed and deleted by one statement ({@code DELETE ... WHERE seq IN (SELECT ... FOR UPDATE SKIP
 * LOCKED) RETURNING}), so several broker instances can relay side by side and never claim the same row; the rows are
 * gone for good only when the transaction commits, which it does after Kafka acknowledged them: if Kafka fails the
 * transaction rolls back, the rows are back and are sent again (consumers are idempotent by event id). Each
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
        List<Object[]> claimed = em.createNativeQuery("DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox ORDER BY seq LIMIT " + BATCH
                        + " FOR UPDATE SKIP LOCKED) RETURNING seq, id, aggregate_type, aggregate_id, type, payload, provider_id")
                .getResultList();
        if (claimed.isEmpty()) {
            return 0;
        }
        // exactly the rows claimed, in the order they were written (RETURNING gives no order)
        List<OutboxEntity> rows = new ArrayList<>(claimed.size());
        for (Object[] r : claimed) {
            OutboxEntity e = new OutboxEntity();
            e.seq = ((Number) r[0]).longValue();
            e.id = (String) r[1];
            e.aggregateType = (String) r[2];
            e.aggregateId = (String) r[3];
            e.type = (String) r[4];
            e.payload = (String) r[5];
            e.providerId = (String) r[6];
            rows.add(e);
        }
        rows.sort(Comparator.comparingLong(r -> r.seq));
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
        return rows.size();
    }
}
