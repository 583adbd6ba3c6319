package org.chainmarket.broker.registry;

import io.micronaut.configuration.kafka.annotation.ErrorStrategy;
import io.micronaut.configuration.kafka.annotation.ErrorStrategyValue;
import io.micronaut.configuration.kafka.annotation.KafkaListener;
import io.micronaut.configuration.kafka.annotation.OffsetReset;
import io.micronaut.configuration.kafka.annotation.OffsetStrategy;
import io.micronaut.configuration.kafka.annotation.Topic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.chainmarket.broker.kafka.InboundEvents;
import org.chainmarket.schemas.events.InvalidInputException;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfOffer;

/**
 * Reads providers' advertisements from the compacted domain and offer topics: every replica reads all of them, from
 * the beginning at each start (a group of its own, no offsets kept), since each replica's read model must hold the
 * whole market; the database stores each event once (its event id, {@link Registry}). Invalid records (a key that is
 * not the body's id among them, checked by {@code CloudEvents.decode}) go to the DLQ; database failures are retried.
 */
@KafkaListener(groupId = "broker-registry", uniqueGroupId = true, offsetReset = OffsetReset.EARLIEST, offsetStrategy = OffsetStrategy.DISABLED,
        errorStrategy = @ErrorStrategy(value = ErrorStrategyValue.RETRY_EXPONENTIALLY_ON_ERROR, retryCount = 10, retryDelay = "200ms"))
public class RegistryListener {
    private final InboundEvents inbound;
    private final Registry registry;

    public RegistryListener(InboundEvents inbound, Registry registry) {
        this.inbound = inbound;
        this.registry = registry;
    }

    @Topic({Topics.PROVIDER_DOMAINS, Topics.OFFERS})
    void receive(ConsumerRecord<String, byte[]> record) {
        inbound.decode(record).ifPresent(event -> {
            try {
                boolean domains = record.topic().equals(Topics.PROVIDER_DOMAINS);
                if (event.isTombstone()) {
                    if (domains) {
                        registry.withdrawn(event.id(), ProviderId.of(event.key()));
                    } else {
                        registry.withdrawn(event.id(), OfferId.of(event.key()));
                    }
                } else if (domains) {
                    ProviderDomain domain = event.payload(ProviderDomain.class);
                    registry.advertised(event.id(), domain);
                } else {
                    VnfOffer offer = event.payload(VnfOffer.class);
                    registry.advertised(event.id(), offer);
                }
            } catch (InvalidInputException | IllegalArgumentException e) {
                inbound.deadLetter(record, e.getMessage());
            }
        });
    }
}
