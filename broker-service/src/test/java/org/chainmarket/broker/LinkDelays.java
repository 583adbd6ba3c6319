package org.chainmarket.broker;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.model.InstanceContext;
import org.chainmarket.schemas.model.InstanceStatus;
import org.chainmarket.schemas.model.LinkContext;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Monitoring's link and instance context, as a test publishes it: a link's measured delay or an instance's measured
 * processing delay, which the broker's SLA monitor reads.
 */
final class LinkDelays implements AutoCloseable {
    /** Only monitoring-ingest may write link context: the test writes as its principal. */
    private final KafkaProducer<String, byte[]> producer = org.chainmarket.schemas.kafka.KafkaClients.producer(Infra.bootstrapServers(),
            "monitoring", Infra.kafka().monitoring());

    /** Publishes that the link between switches {@code a} and {@code b} (of {@code provider}) now measures {@code ms}. */
    void set(String a, String b, String provider, double ms) throws Exception {
        String key = LinkContext.key(a, b);
        LinkContext c = new LinkContext(key, a, b, ProviderId.of(provider), InstanceStatus.UP, ms, ms, 0.1, 0.1, 0, Instant.now(), 10, List.of());
        producer.send(CloudEvents.encode(EventType.LINK_CONTEXT_UPDATED, key, c, "/test/monitoring")).get();
    }

    /** Publishes that instance {@code offer} (of {@code provider}) is up, lightly loaded, and now processes in {@code ms}. */
    void processing(String offer, String provider, double ms) throws Exception {
        InstanceContext c = new InstanceContext(OfferId.of(offer), ProviderId.of(provider), InstanceStatus.UP, 0.1, 0.1, 0.1, 0.1, 1, 1, ms, ms,
                Instant.now(), 10, List.of());
        producer.send(CloudEvents.encode(EventType.INSTANCE_CONTEXT_UPDATED, offer, c, "/test/monitoring")).get();
    }

    @Override
    public void close() {
        producer.close();
    }
}
