package org.chainmarket.broker.metrics;

import io.micronaut.configuration.kafka.annotation.ErrorStrategy;
import io.micronaut.configuration.kafka.annotation.ErrorStrategyValue;
import io.micronaut.configuration.kafka.annotation.KafkaListener;
import io.micronaut.configuration.kafka.annotation.OffsetReset;
import io.micronaut.configuration.kafka.annotation.OffsetStrategy;
import io.micronaut.configuration.kafka.annotation.Topic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.ChainEvent;
import org.chainmarket.schemas.model.Substitution;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts orders and substitutions from the broker's own events (one consumer group for all broker instances, so
 * each event is counted once; chains are keyed by id, so a chain's set-up and activation reach the same instance).
 * Reading the events rather than instrumenting the saga keeps the meters out of the chain code. Only the types counted
 * are read, and they are mapped without the schema check records from other parties get: only the broker's principal
 * writes these topics. Records this listener cannot read are skipped.
 */
@KafkaListener(groupId = "broker-metrics", batch = true, offsetReset = OffsetReset.EARLIEST, offsetStrategy = OffsetStrategy.AUTO,
        errorStrategy = @ErrorStrategy(value = ErrorStrategyValue.NONE))
public class EventMetrics {
    /** Chains in set-up whose activation is awaited, bounded so chains that never finish cannot pile up. */
    static final int MAX_PENDING = 100_000;
    private final MarketMetrics metrics;
    private final Map<String, Instant> settingUp = new ConcurrentHashMap<>();
    /** The event types the meters count; the others are not even read. */
    private static final Set<EventType> COUNTED = EnumSet.of(EventType.CHAIN_SETUP_STARTED, EventType.CHAIN_REJECTED,
            EventType.CHAIN_ACTIVATED, EventType.CHAIN_FAILED, EventType.CHAIN_TEARDOWN_STARTED, EventType.CHAIN_TERMINATED,
            EventType.SUBSTITUTION_PROPOSED, EventType.HOP_SUBSTITUTED, EventType.SUBSTITUTION_FAILED);

    public EventMetrics(MarketMetrics metrics) {
        this.metrics = metrics;
    }

    @Topic({Topics.CHAIN_EVENTS, Topics.SUBSTITUTIONS})
    void receive(List<ConsumerRecord<String, byte[]>> records) {
        for (ConsumerRecord<String, byte[]> record : records) {
            Header ce = record.headers().lastHeader(CloudEvents.TYPE);
            EventType type = ce == null || ce.value() == null ? null
                    : EventType.byCeType(new String(ce.value(), StandardCharsets.UTF_8)).orElse(null);
            if (type == null || !COUNTED.contains(type) || record.value() == null) {
                continue;
            }
            try {
                // the broker wrote it (only its principal may write these topics), so it is mapped without the schema check
                // that records from other parties get; one it cannot map is skipped
                apply(new CloudEvents.Event(null, type, record.key(), Json.MAPPER.readValue(record.value(), type.payloadType())));
            } catch (java.io.IOException | RuntimeException e) {
                // skipped, as the class says
            }
        }
    }

    private void apply(CloudEvents.Event event) {
        EventType type = event.type();
        switch (type) {
            case CHAIN_SETUP_STARTED -> {
                ChainEvent e = event.payload(ChainEvent.class);
                metrics.order("accepted");
                if (settingUp.size() < MAX_PENDING) {
                    settingUp.put(e.chainId().value(), e.at());
                }
            }
            case CHAIN_REJECTED -> metrics.order("rejected");
            case CHAIN_ACTIVATED -> {
                ChainEvent e = event.payload(ChainEvent.class);
                Instant stored = settingUp.remove(e.chainId().value());
                if (stored != null) {
                    metrics.activated(Duration.between(stored, e.at()));
                }
            }
            case CHAIN_FAILED, CHAIN_TEARDOWN_STARTED, CHAIN_TERMINATED -> {
                ChainEvent e = event.payload(ChainEvent.class);
                if (settingUp.remove(e.chainId().value()) != null && type == EventType.CHAIN_FAILED) {
                    metrics.order("failed");
                }
            }
            case SUBSTITUTION_PROPOSED, HOP_SUBSTITUTED, SUBSTITUTION_FAILED -> {
                Substitution s = event.payload(Substitution.class);
                String trigger = s.trigger() == null || s.trigger().kind() == null ? "UNKNOWN" : s.trigger().kind().name();
                Duration took = type == EventType.HOP_SUBSTITUTED && s.triggerToActiveMs() != null
                        ? Duration.ofMillis(s.triggerToActiveMs()) : null;
                metrics.substitution(trigger, s.status().name(), took);
            }
            default -> {
            }
        }
    }
}
