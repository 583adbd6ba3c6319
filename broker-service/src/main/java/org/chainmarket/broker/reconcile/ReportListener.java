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
import org.chainmarket.broker.kafka.InboundEvents;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.DomainStateReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads domains' state reports (group {@code broker-reconcile}) and hands each to {@link ReconcileService}; a record
 * that breaks its contract goes to the DLQ with the reason, database failures are retried.
 */
@KafkaListener(properties = @Property(name = ConsumerConfig.METADATA_MAX_AGE_CONFIG, value = "" + KafkaClients.PATTERN_METADATA_MAX_AGE_MS),
        groupId = "broker-reconcile", offsetReset = OffsetReset.EARLIEST, offsetStrategy = OffsetStrategy.SYNC_PER_RECORD,
        errorStrategy = @ErrorStrategy(value = ErrorStrategyValue.RETRY_EXPONENTIALLY_ON_ERROR, retryCount = 10, retryDelay = "200ms"))
public class ReportListener {
    private static final Logger LOG = LoggerFactory.getLogger(ReportListener.class);
    private final InboundEvents inbound;
    private final ReconcileService reconcile;

    public ReportListener(InboundEvents inbound, ReconcileService reconcile) {
        this.inbound = inbound;
        this.reconcile = reconcile;
    }

    @Topic(patterns = Topics.DOMAIN_STATES_PATTERN)
    void receive(ConsumerRecord<String, byte[]> record) {
        inbound.decode(record).ifPresent(e -> {
            try {
                reconcile.apply(e.payload(DomainStateReport.class));
            } catch (RuntimeException ex) {
                LOG.warn("reconcile: report {} of {} not applied yet (retried): {}", e.id(), e.key(), ex.toString());
                throw ex;
            }
        });
    }
}
