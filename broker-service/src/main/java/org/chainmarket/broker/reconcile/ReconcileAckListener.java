package org.chainmarket.broker.reconcile;

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
import org.apache.kafka.common.header.Header;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.InvalidInputException;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.DomainAck;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads the answers to reconciliation's own commands (group {@code broker-reconcile-acks}): their {@code ce_id} is
 * {@code ack:<provider>:reconcile-…}, so every other acknowledgement is passed over without being decoded. Invalid
 * records are skipped here: the chains' acknowledgement group dead-letters them.
 */
@KafkaListener(properties = @Property(name = ConsumerConfig.METADATA_MAX_AGE_CONFIG, value = "" + KafkaClients.PATTERN_METADATA_MAX_AGE_MS),
        groupId = "broker-reconcile-acks", batch = true, offsetReset = OffsetReset.EARLIEST, offsetStrategy = OffsetStrategy.ASYNC,
        errorStrategy = @ErrorStrategy(value = ErrorStrategyValue.RETRY_EXPONENTIALLY_ON_ERROR, retryCount = 10, retryDelay = "200ms"))
public class ReconcileAckListener {
    private static final String MARK = ":" + ReconcileService.COMMAND_PREFIX;
    private final ReconcileService reconcile;

    public ReconcileAckListener(ReconcileService reconcile) {
        this.reconcile = reconcile;
    }

    @Topic(patterns = Topics.DOMAIN_ACKS_PATTERN)
    void receive(List<ConsumerRecord<String, byte[]>> records) {
        for (ConsumerRecord<String, byte[]> record : records) {
            Header id = record.headers().lastHeader(CloudEvents.ID);
            if (id == null || id.value() == null || !new String(id.value(), StandardCharsets.UTF_8).contains(MARK)) {
                continue;
            }
            DomainAck ack;
            try {
                ack = CloudEvents.decode(record).payload(DomainAck.class);
            } catch (InvalidInputException | ClassCastException e) {
                continue;
            }
            reconcile.answered(ack);
        }
    }
}
