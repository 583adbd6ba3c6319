package org.chainmarket.broker.registry;

import org.chainmarket.schemas.model.SubjectKind;
import io.micronaut.configuration.kafka.annotation.KafkaListener;
import io.micronaut.configuration.kafka.annotation.OffsetReset;
import io.micronaut.configuration.kafka.annotation.OffsetStrategy;
import io.micronaut.configuration.kafka.annotation.Topic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.chainmarket.broker.kafka.InboundEvents;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.InstanceContext;
import org.chainmarket.schemas.model.LinkContext;
import org.chainmarket.schemas.model.OfferId;

/**
 * Feeds selection with monitoring's current context: each instance's measured load, and whether an instance or
 * link is down or degraded for a metric moving chains does not cure (selection leaves it out) or degraded for its load
 * (hot: priced by its load, no chain moved onto it), which the
 * {@link HealthBook} weighs with monitoring's degradation events. Every broker instance reads the compacted context topics
 * whole (a group of its own, from the beginning), since the read model is in memory.
 */
@KafkaListener(groupId = "broker-context", uniqueGroupId = true, offsetReset = OffsetReset.EARLIEST, offsetStrategy = OffsetStrategy.DISABLED)
public class ContextListener {
    private final InboundEvents inbound;
    private final MarketReadModel market;
    private final HealthBook health;

    public ContextListener(InboundEvents inbound, MarketReadModel market, HealthBook health) {
        this.inbound = inbound;
        this.market = market;
        this.health = health;
    }

    @Topic({Topics.INSTANCE_CONTEXT, Topics.LINK_CONTEXT})
    void receive(ConsumerRecord<String, byte[]> record) {
        inbound.decode(record).filter(e -> !e.isTombstone()).ifPresent(event -> {
            if (event.payload() instanceof InstanceContext c) {
                OfferId offer = c.offerId();
                market.setMeasuredLoad(offer, c.load());
                health.reported(SubjectKind.INSTANCE, offer.value(), c.status(), c.degradedMetrics());
            } else if (event.payload() instanceof LinkContext l) {
                health.reported(SubjectKind.LINK, l.linkKey(), l.status(), l.degradedMetrics());
            }
        });
    }
}
