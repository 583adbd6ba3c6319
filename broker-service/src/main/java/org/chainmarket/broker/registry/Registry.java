package org.chainmarket.broker.registry;

import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import org.chainmarket.broker.outbox.OutboxRelay;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfOffer;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The one way advertisements enter the broker, from Kafka or REST: stored in PostgreSQL first, then mirrored
 * into the {@link MarketReadModel}. At start-up the read model is loaded from the database.
 */
@Singleton
public class Registry {
    private final RegistryStore store;
    private final MarketReadModel market;
    private final OutboxRelay relay;

    public Registry(RegistryStore store, MarketReadModel market, OutboxRelay relay) {
        this.store = store;
        this.market = market;
        this.relay = relay;
    }

    @EventListener
    void load(StartupEvent event) {
        for (ProviderEntity p : store.providers()) {
            market.putDomain(Json.read(p.domainJson, ProviderDomain.class));
        }
        for (OfferEntity o : store.offers()) {
            market.putOffer(Json.read(o.offerJson, VnfOffer.class), o.reservedMbps, o.reservedChains);
        }
    }

    /** Applies an advertisement read from Kafka. */
    public void advertised(String eventId, ProviderDomain domain) {
        if (store.upsertDomain(eventId, domain, false)) {
            market.putDomain(domain);
        }
    }

    /** Applies a withdrawal (tombstone) read from Kafka. */
    public void withdrawn(String eventId, ProviderId provider) {
        if (store.withdrawDomain(eventId, provider, false)) {
            market.removeDomain(provider);
        }
    }

    public void advertised(String eventId, VnfOffer offer) {
        store.upsertOffer(eventId, offer, false).ifPresent(e -> market.putOffer(offer, e.reservedMbps, e.reservedChains));
    }

    public void withdrawn(String eventId, OfferId offer) {
        if (store.withdrawOffer(eventId, offer, false)) {
            market.removeOffer(offer);
        }
    }

    /** Registers a domain through REST; it is also published on the compacted topic. */
    public void register(ProviderDomain domain) {
        store.upsertDomain(UUID.randomUUID().toString(), domain, true);
        market.putDomain(domain);
        relay.wakeUp();
    }

    /** Withdraws a provider through REST; false when it is unknown. */
    public boolean withdraw(ProviderId provider) {
        boolean changed = store.withdrawDomain(UUID.randomUUID().toString(), provider, true);
        if (changed) {
            market.removeDomain(provider);
            relay.wakeUp();
        }
        return changed;
    }

    public OfferEntity register(VnfOffer offer) {
        OfferEntity stored = store.upsertOffer(UUID.randomUUID().toString(), offer, true).orElseThrow();
        market.putOffer(offer, stored.reservedMbps, stored.reservedChains);
        relay.wakeUp();
        return stored;
    }

    public boolean withdraw(OfferId offer) {
        boolean changed = store.withdrawOffer(UUID.randomUUID().toString(), offer, true);
        if (changed) {
            market.removeOffer(offer);
            relay.wakeUp();
        }
        return changed;
    }

    /** Brings the read model's reservation of an offer in line with the database (after a concurrent order took it). */
    public void refreshReservation(String offerId) {
        store.offer(offerId).ifPresent(o -> market.setReservation(OfferId.of(o.id), o.reservedMbps, o.reservedChains));
    }

    public List<ProviderEntity> providers() {
        return store.providers();
    }

    public Optional<ProviderEntity> provider(String id) {
        return store.provider(id);
    }

    public List<OfferEntity> offers() {
        return store.offers();
    }

    public Optional<OfferEntity> offer(String id) {
        return store.offer(id);
    }
}
