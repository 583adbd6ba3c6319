package org.chainmarket.monitoring.service;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.chainmarket.monitoring.context.ContextEngine;
import org.chainmarket.monitoring.context.ContextSink;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.kafka.EventConsumer;
import org.chainmarket.schemas.model.Degradation;
import org.chainmarket.schemas.model.InstanceContext;
import org.chainmarket.schemas.model.LinkContext;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.TelemetryBatch;
import org.chainmarket.schemas.model.VnfOffer;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * One telemetry consumer thread's share of monitoring: its own {@link ContextEngine} holding the providers of its
 * partitions (telemetry is keyed by provider), fed by that thread only. Offers arrive from the offers reader's thread
 * through a queue, applied before each poll's records. Output goes to the shared {@link KafkaContextSink}; it is
 * flushed before the thread commits its offsets.
 */
final class IngestWorker implements EventConsumer.Handler, ContextSink {
    private final MonitoringService.Config config;
    private final KafkaContextSink out;
    private final Producer<String, byte[]> producer;
    private final ContextEngine engine;
    private final Map<ProviderId, TopicPartition> partitionOf = new HashMap<>();
    private final Queue<Consumer<ContextEngine>> offers = new ConcurrentLinkedQueue<>();
    private boolean pending;
    private long lastTick;
    volatile long samples;
    volatile long batches;
    volatile long refused;
    volatile int subjects;

    IngestWorker(MonitoringService.Config config, KafkaContextSink out, Producer<String, byte[]> producer) {
        this.config = config;
        this.out = out;
        this.producer = producer;
        this.engine = new ContextEngine(config.policy(), this);
        this.lastTick = config.clock().millis();
    }

    /** From the offers reader's thread: an offer advertised or changed, applied on this worker's thread. */
    void offer(VnfOffer offer) {
        offers.add(e -> e.offer(offer));
    }

    /** From the offers reader's thread: an offer withdrawn. */
    void offerWithdrawn(OfferId offerId) {
        offers.add(e -> e.offerWithdrawn(offerId));
    }

    @Override
    public void handle(CloudEvents.Event event, ConsumerRecord<String, byte[]> record) {
        TelemetryBatch batch = event.payload(TelemetryBatch.class);
        partitionOf.put(batch.providerId(), new TopicPartition(record.topic(), record.partition()));
        samples += engine.apply(batch, config.clock().millis());
        batches++;
    }

    @Override
    public void polled(long nowMillis) {
        for (Consumer<ContextEngine> update; (update = offers.poll()) != null; ) {
            update.accept(engine);
        }
        long now = config.clock().millis();
        if (now - lastTick >= config.tickInterval().toMillis()) {
            lastTick = now;
            engine.tick(now);
        }
        refused = engine.refusedSamples();
        subjects = engine.subjects();
    }

    @Override
    public void beforeCommit() {
        if (pending) {
            producer.flush();
            pending = false;
        }
    }

    /** The partitions went to another consumer: forget their providers (the new owner rebuilds their windows). */
    @Override
    public void revoked(Collection<TopicPartition> partitions) {
        partitionOf.entrySet().removeIf(e -> {
            if (partitions.contains(e.getValue())) {
                engine.forgetProvider(e.getKey());
                return true;
            }
            return false;
        });
    }

    @Override
    public void instance(InstanceContext context) {
        pending = true;
        out.instance(context);
    }

    @Override
    public void link(LinkContext context) {
        pending = true;
        out.link(context);
    }

    @Override
    public void detected(Degradation degradation) {
        pending = true;
        out.detected(degradation);
    }

    @Override
    public void cleared(Degradation degradation) {
        pending = true;
        out.cleared(degradation);
    }
}
