package org.chainmarket.broker.chain;

import io.micronaut.configuration.kafka.annotation.ErrorStrategy;
import io.micronaut.context.annotation.Property;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.chainmarket.schemas.kafka.KafkaClients;
import io.micronaut.configuration.kafka.annotation.ErrorStrategyValue;
import io.micronaut.configuration.kafka.annotation.KafkaListener;
import io.micronaut.configuration.kafka.annotation.OffsetReset;
import io.micronaut.configuration.kafka.annotation.OffsetStrategy;
import io.micronaut.configuration.kafka.annotation.Topic;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.chainmarket.broker.kafka.InboundEvents;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.DomainAck;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Reads every provider's acknowledgement topic ({@code chainmarket.domain-acks.v1.<providerId>}, by pattern: a new
 * provider's topic is joined within a second) a poll's worth at a time (after a site failure hundreds arrive together) and
 * applies them together; invalid records go to the DLQ, database failures are retried. Only the provider's own
 * principal may write its topic, and an acknowledgement there that speaks for another provider is dead-lettered
 * ({@code CloudEvents.decode}), so the provider an acknowledgement names is the one that sent it; it counts only as
 * the answer to the command that provider's domain waits for ({@code ChainEntity.acknowledge}).
 */
@KafkaListener(properties = @Property(name = ConsumerConfig.METADATA_MAX_AGE_CONFIG, value = "" + KafkaClients.PATTERN_METADATA_MAX_AGE_MS),
        groupId = AckListener.GROUP, threads = 3, batch = true, offsetReset = OffsetReset.EARLIEST, offsetStrategy = OffsetStrategy.ASYNC,
        errorStrategy = @ErrorStrategy(value = ErrorStrategyValue.RETRY_EXPONENTIALLY_ON_ERROR, retryCount = 10, retryDelay = "200ms"))
public class AckListener implements ConsumerRebalanceListener {
    /** The consumer group of every replica's acknowledgement consumers. */
    public static final String GROUP = "broker-acks";
    private final InboundEvents inbound;
    private final ChainService chains;
    private final AckReadiness readiness;

    public AckListener(InboundEvents inbound, ChainService chains, AckReadiness readiness) {
        this.inbound = inbound;
        this.chains = chains;
        this.readiness = readiness;
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        readiness.assigned(partitions.size());
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        readiness.revoked(partitions.size());
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        readiness.revoked(partitions.size());
    }

    @Topic(patterns = Topics.DOMAIN_ACKS_PATTERN)
    void receive(List<ConsumerRecord<String, byte[]>> records) {
        List<ChainTransactions.Ack> acks = new ArrayList<>(records.size());
        for (ConsumerRecord<String, byte[]> record : records) {
            inbound.decode(record).ifPresent(event -> acks.add(new ChainTransactions.Ack(event.id(), event.payload(DomainAck.class))));
        }
        chains.acknowledged(acks);
    }
}
