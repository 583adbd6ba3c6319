package org.chainmarket.monitoring.service;

import org.apache.kafka.clients.producer.Producer;
import org.chainmarket.monitoring.context.ContextSink;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.model.Degradation;
import org.chainmarket.schemas.model.InstanceContext;
import org.chainmarket.schemas.model.LinkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

/** Publishes the engines' output as CloudEvents without waiting (thread-safe); a worker flushes before it commits offsets. */
final class KafkaContextSink implements ContextSink {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaContextSink.class);

    private final Producer<String, byte[]> producer;
    private final String source;
    final AtomicLong instanceUpdates = new AtomicLong();
    final AtomicLong linkUpdates = new AtomicLong();
    final AtomicLong detected = new AtomicLong();
    final AtomicLong cleared = new AtomicLong();

    KafkaContextSink(Producer<String, byte[]> producer, String source) {
        this.producer = producer;
        this.source = source;
    }

    @Override
    public void instance(InstanceContext context) {
        send(EventType.INSTANCE_CONTEXT_UPDATED, context.offerId().value(), context);
        instanceUpdates.incrementAndGet();
    }

    @Override
    public void link(LinkContext context) {
        send(EventType.LINK_CONTEXT_UPDATED, context.linkKey(), context);
        linkUpdates.incrementAndGet();
    }

    @Override
    public void detected(Degradation d) {
        LOG.info("degradation detected: {} {} {} = {} (threshold {}, clear {})", d.subjectKind(), d.subjectId(), d.metric(),
                d.value(), d.threshold(), d.clearThreshold());
        send(EventType.DEGRADATION_DETECTED, d.subjectId(), d);
        detected.incrementAndGet();
    }

    @Override
    public void cleared(Degradation d) {
        LOG.info("degradation cleared: {} {} {} = {} (clear {})", d.subjectKind(), d.subjectId(), d.metric(), d.value(),
                d.clearThreshold());
        send(EventType.DEGRADATION_CLEARED, d.subjectId(), d);
        cleared.incrementAndGet();
    }

    private void send(EventType type, String key, Object payload) {
        producer.send(CloudEvents.encode(type, key, payload, source), (m, e) -> {
            if (e != null) {
                LOG.error("cannot publish {} for {}: {}", type.ceType(), key, e.toString());
            }
        });
    }
}
