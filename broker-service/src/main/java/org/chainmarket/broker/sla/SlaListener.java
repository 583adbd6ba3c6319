package org.chainmarket.broker.sla;

import io.micronaut.configuration.kafka.annotation.KafkaListener;
import io.micronaut.configuration.kafka.annotation.OffsetReset;
import io.micronaut.configuration.kafka.annotation.OffsetStrategy;
import io.micronaut.configuration.kafka.annotation.Topic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.InvalidInputException;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.InstanceContext;
import org.chainmarket.schemas.model.LinkContext;

/**
 * Monitoring's current context of every link and instance, as the SLA monitor measures chains by it: each broker
 * instance reads the compacted context topics whole. A record that breaks its contract is skipped here (the
 * registry's context listener dead-letters it).
 */
@KafkaListener(groupId = "broker-sla", uniqueGroupId = true, offsetReset = OffsetReset.EARLIEST, offsetStrategy = OffsetStrategy.DISABLED)
public class SlaListener {
    private final SlaMonitor monitor;

    public SlaListener(SlaMonitor monitor) {
        this.monitor = monitor;
    }

    @Topic({Topics.INSTANCE_CONTEXT, Topics.LINK_CONTEXT})
    void receive(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        try {
            Object payload = CloudEvents.decode(record).payload();
            if (payload instanceof LinkContext l) {
                monitor.linkMeasured(l.linkKey(), l.delayAvgMs());
            } else if (payload instanceof InstanceContext c) {
                monitor.instanceMeasured(c.offerId().value(), c.processingDelayAvgMs());
            }
        } catch (InvalidInputException e) {
            // not ours to dead-letter
        }
    }
}
