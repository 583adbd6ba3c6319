package org.chainmarket.broker.registry;

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
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfOffer;

/**
 * Reads providers' advertisements from every provider's compacted domain and offer topics
 * ({@code chainmarket.provider-domains.v1.<providerId>}, {@code chainmarket.offers.v1.<providerId>}, by pattern; each
 * writable only by that provider's principal and the broker): every replica reads all of them, from
 * the beginning at each start (a group of its own, no offsets kept), since each replica's read model must hold the
 * whole market; the database stores each event once (its event id, {@link Registry}). Invalid records (a key that is
 * not the body's id, and an advertisement that speaks for another provider than its topic's, checked by
 * {@code CloudEvents.decode}) go to the DLQ, as does an offer, or an offer's withdrawal, on a provider's topic for an
 * offer id another provider holds; database failures are retried.
 */
@KafkaListener(properties = @Property(name = ConsumerConfig.METADATA_MAX_AGE_CONFIG, value = "" + KafkaClients.PATTERN_METADATA_MAX_AGE_MS),
        groupId = "broker-registry", uniqueGroupId = true, offsetReset = OffsetReset.EARLIEST, offsetStrategy = OffsetStrategy.DISABLED,
        errorStrategy = @ErrorStrategy(value = ErrorStrategyValue.RETRY_EXPONENTIALLY_ON_ERROR, retryCount = 10, retryDelay = "200ms"))
public class RegistryListener {
    private final InboundEvents inbound;
    private final Registry registry;

    public RegistryListener(InboundEvents inbound, Registry registry) {
        this.inbound = inbound;
        this.registry = registry;
    }

    @Topic(patterns = Topics.ADVERTISEMENTS_PATTERN)
    void receive(ConsumerRecord<String, byte[]> record) {
        inbound.decode(record).ifPresent(event -> {
            try {
                boolean domains = Topics.familyOf(record.topic()).equals(Topics.PROVIDER_DOMAINS);
                if (event.isTombstone()) {
                    if (domains) {
                        registry.withdrawn(event.id(), ProviderId.of(event.key()));
                    } else {
                        OfferId offer = OfferId.of(event.key());
                        Topics.providerOf(record.topic()).ifPresent(owner -> registry.checkOwner(offer, ProviderId.of(owner), "key"));
                        registry.withdrawn(event.id(), offer);
                    }
                } else if (domains) {
                    ProviderDomain domain = event.payload(ProviderDomain.class);
                    registry.advertised(event.id(), domain);
                } else {
                    VnfOffer offer = event.payload(VnfOffer.class);
                    registry.checkOwner(offer.offerId(), offer.providerId(), "$.offerId");
                    registry.advertised(event.id(), offer);
                }
            } catch (InvalidInputException | IllegalArgumentException e) {
                inbound.deadLetter(record, e.getMessage());
            }
        });
    }
}
