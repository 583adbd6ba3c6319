package org.chainmarket.broker.chain;

import io.micronaut.configuration.kafka.annotation.ErrorStrategy;
import io.micronaut.configuration.kafka.annotation.ErrorStrategyValue;
import io.micronaut.configuration.kafka.annotation.KafkaListener;
import io.micronaut.configuration.kafka.annotation.OffsetReset;
import io.micronaut.configuration.kafka.annotation.OffsetStrategy;
import io.micronaut.configuration.kafka.annotation.Topic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.chainmarket.broker.kafka.InboundEvents;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.Degradation;
import org.chainmarket.schemas.model.Substitution;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads monitoring's degradation and recovery events, a poll's worth at a time, and hands them to substitution
 * together: a failing site raises one event per instance at once, and its chains are re-selected once with all of
 * them left out. A degradation of a metric that {@link org.chainmarket.schemas.model.Metric#meansDown() means down}
 * (the heartbeat) is fatal for the chains on it.
 */
@KafkaListener(groupId = "broker-degradations", batch = true, offsetReset = OffsetReset.EARLIEST, offsetStrategy = OffsetStrategy.ASYNC,
        errorStrategy = @ErrorStrategy(value = ErrorStrategyValue.RETRY_EXPONENTIALLY_ON_ERROR, retryCount = 10, retryDelay = "200ms"))
public class MonitoringListener {
    private final InboundEvents inbound;
    private final SubstitutionService substitutions;

    public MonitoringListener(InboundEvents inbound, SubstitutionService substitutions) {
        this.inbound = inbound;
        this.substitutions = substitutions;
    }

    @Topic(Topics.DEGRADATIONS)
    void receive(List<ConsumerRecord<String, byte[]>> records) {
        List<SubstitutionService.Degraded> degraded = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            inbound.decode(record).ifPresent(event -> {
                Degradation d = event.payload(Degradation.class);
                if (event.type() == EventType.DEGRADATION_CLEARED) {
                    substitutions.degraded(degraded);
                    degraded.clear();
                    substitutions.recovered(event.id(), d.subjectKind(), d.subjectId(), d.metric());
                    return;
                }
                List<Substitution.Point> recent = d.recent().stream().map(p -> new Substitution.Point(p.at(), p.value())).toList();
                degraded.add(new SubstitutionService.Degraded(event.id(), new Substitution.Trigger(d.subjectKind(), d.subjectId(),
                        d.providerId().value(), d.metric(), d.value(), d.threshold(), d.metric().meansDown(), d.at(), recent), d.clearThreshold()));
            });
        }
        substitutions.degraded(degraded);
    }
}
