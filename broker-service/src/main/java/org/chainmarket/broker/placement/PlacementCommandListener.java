package org.chainmarket.broker.placement;

import io.micronaut.configuration.kafka.annotation.ErrorStrategy;
import io.micronaut.context.annotation.Property;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.chainmarket.schemas.kafka.KafkaClients;
import io.micronaut.configuration.kafka.annotation.ErrorStrategyValue;
import io.micronaut.configuration.kafka.annotation.KafkaListener;
import io.micronaut.configuration.kafka.annotation.OffsetReset;
import io.micronaut.configuration.kafka.annotation.OffsetStrategy;
import io.micronaut.configuration.kafka.annotation.Topic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.chainmarket.broker.kafka.InboundEvents;
import org.chainmarket.schemas.events.InvalidInputException;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.InstanceCommand;

/**
 * Reads the placement service's instance commands on every provider's topic (by pattern; every replica all of them, from the beginning: a drain must leave
 * the instance out of every replica's selection) and hands drains and stops to {@link Drains}. An invalid record goes
 * to the DLQ with the reason.
 */
@KafkaListener(properties = @Property(name = ConsumerConfig.METADATA_MAX_AGE_CONFIG, value = "" + KafkaClients.PATTERN_METADATA_MAX_AGE_MS),
        groupId = "broker-placement", uniqueGroupId = true, offsetReset = OffsetReset.EARLIEST,
        offsetStrategy = OffsetStrategy.DISABLED,
        errorStrategy = @ErrorStrategy(value = ErrorStrategyValue.RETRY_EXPONENTIALLY_ON_ERROR, retryCount = 5, retryDelay = "200ms"))
public class PlacementCommandListener {
    private final InboundEvents inbound;
    private final Drains drains;

    PlacementCommandListener(InboundEvents inbound, Drains drains) {
        this.inbound = inbound;
        this.drains = drains;
    }

    @Topic(patterns = Topics.PLACEMENT_COMMANDS_PATTERN)
    void receive(ConsumerRecord<String, byte[]> record) {
        inbound.decode(record).ifPresent(event -> {
            try {
                drains.command(event.payload(InstanceCommand.class));
            } catch (InvalidInputException | IllegalArgumentException e) {
                inbound.deadLetter(record, e.getMessage());
            }
        });
    }
}
