package org.chainmarket.broker.chain;

import io.micronaut.configuration.kafka.annotation.ErrorStrategy;
import io.micronaut.configuration.kafka.annotation.ErrorStrategyValue;
import io.micronaut.configuration.kafka.annotation.KafkaListener;
import io.micronaut.configuration.kafka.annotation.OffsetReset;
import io.micronaut.configuration.kafka.annotation.OffsetStrategy;
import io.micronaut.configuration.kafka.annotation.Topic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.chainmarket.broker.kafka.InboundEvents;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.DomainAck;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads domains' acknowledgements a poll's worth at a time (after a site failure hundreds arrive together) and
 * applies them together; invalid records go to the DLQ, database failures are retried.
 */
@KafkaListener(groupId = "broker-acks", threads = 3, batch = true, offsetReset = OffsetReset.EARLIEST, offsetStrategy = OffsetStrategy.ASYNC,
        errorStrategy = @ErrorStrategy(value = ErrorStrategyValue.RETRY_EXPONENTIALLY_ON_ERROR, retryCount = 10, retryDelay = "200ms"))
public class AckListener {
    private final InboundEvents inbound;
    private final ChainService chains;

    public AckListener(InboundEvents inbound, ChainService chains) {
        this.inbound = inbound;
        this.chains = chains;
    }

    @Topic(Topics.DOMAIN_ACKS)
    void receive(List<ConsumerRecord<String, byte[]>> records) {
        List<ChainTransactions.Ack> acks = new ArrayList<>(records.size());
        for (ConsumerRecord<String, byte[]> record : records) {
            inbound.decode(record).ifPresent(event -> acks.add(new ChainTransactions.Ack(event.id(), event.payload(DomainAck.class))));
        }
        chains.acknowledged(acks);
    }
}
