package org.chainmarket.broker.metrics;

import io.micronaut.configuration.kafka.annotation.ErrorStrategy;
import io.micronaut.configuration.kafka.annotation.ErrorStrategyValue;
import io.micronaut.configuration.kafka.annotation.KafkaListener;
import io.micronaut.configuration.kafka.annotation.OffsetReset;
import io.micronaut.configuration.kafka.annotation.OffsetStrategy;
import io.micronaut.configuration.kafka.annotation.Topic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.ChainEvent;
import org.chainmarket.schemas.model.Substitution;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts orders and substitutions from the broker's own events (one consumer group for all broker instances, so
 * each event is counted once; chains are keyed by id, so a chain's set-up and activation reach the same instance).
 * Reading the events rather than instrumenting the saga keeps the meters out of the chain code. Records this
 * listener cannot read are skipped: the broker wrote them, and the chain and substitution consumers judge them.
 */
@KafkaListener(groupId = "broker-metrics", batch = true, offsetReset = OffsetReset.EARLIEST, offsetStrategy = OffsetStrategy.AUTO,
        errorStrategy = @ErrorStrategy(value = ErrorStrategyValue.NONE))
public class EventMetrics {
    /** Chains in set-up whose activation is awaited, bounded so chains that never finish cannot pile up. */
    static final int MAX_PENDING = 100_000;
    private final MarketMetrics metrics;
    private final Map<String, Instant> settingUp = new ConcurrentHashMap<>();

    public EventMetrics(MarketMetrics metrics) {
        this.metrics = metrics;
    }

    @Topic({Topics.CHAIN_EVENTS, Topics.SUBSTITUTIONS})
    void receive(List<ConsumerRecord<String, byte[]>> records) {
        for (ConsumerRecord<String, byte[]> record : records) {
            CloudEvents.Event event;
            try {
                event = CloudEvents.decode(record);
            } catch (RuntimeException e) {
                continue;
            }
            if (event.type() != null) {
                apply(event);
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
