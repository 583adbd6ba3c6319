package org.chainmarket.broker.registry;

import jakarta.inject.Singleton;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfOffer;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.OfferState;
import org.chainmarket.selection.network.MultiDomainNetwork;
import org.chainmarket.selection.network.NetLink;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The in-memory view selection runs on: advertised domains (joined into one network, rebuilt only when a domain
 * changes), live offers with the capacity held on them, and bandwidth used per link by chains holding capacity.
 * PostgreSQL stays the authority on reservations: this view can be a step behind a concurrent order, which the
 * conditional reservation in the database catches.
 */
@Singleton
public class MarketReadModel {
    private final Map<ProviderId, ProviderDomain> domains = new LinkedHashMap<>();
    private final Map<OfferId, VnfOffer> offers = new LinkedHashMap<>();
    private final Map<OfferId, MarketSnapshot.Reservation> reserved = new HashMap<>();
    private final Map<String, Double> linkUsage = new HashMap<>();
    private MultiDomainNetwork network = MultiDomainNetwork.of(List.of());

    public synchronized void putDomain(ProviderDomain domain) {
        domains.put(domain.providerId(), domain);
        network = MultiDomainNetwork.of(domains.values());
    }

    public synchronized void removeDomain(ProviderId provider) {
        if (domains.remove(provider) != null) {
            network = MultiDomainNetwork.of(domains.values());
        }
    }

    public synchronized void putOffer(VnfOffer offer, double reservedMbps, int reservedChains) {
        offers.put(offer.offerId(), offer);
        reserved.put(offer.offerId(), new MarketSnapshot.Reservation(reservedMbps, reservedChains));
    }

    public synchronized void removeOffer(OfferId offer) {
        offers.remove(offer);
        reserved.remove(offer);
    }

    /** Sets an offer's held capacity to what the database says. */
    public synchronized void setReservation(OfferId offer, double mbps, int chains) {
        if (offers.containsKey(offer)) {
            reserved.put(offer, new MarketSnapshot.Reservation(mbps, chains));
        }
    }

    /** Adds ({@code sign} 1) or removes ({@code sign} -1) a chain's hold on its offers and on its path's links. */
    public synchronized void hold(ConcreteChain chain, double bandwidthMbps, int sign) {
        for (ConcreteChain.Hop hop : chain.hops()) {
            reserved.computeIfPresent(hop.offerId(), (id, r) ->
                    new MarketSnapshot.Reservation(r.mbps() + sign * bandwidthMbps, r.chains() + sign));
        }
        List<ConcreteChain.PathNode> path = chain.path();
        for (int i = 1; i < path.size(); i++) {
            String a = path.get(i - 1).switchId();
            String b = path.get(i).switchId();
            if (!a.equals(b)) {
                linkUsage.merge(NetLink.key(a, b), sign * bandwidthMbps, Double::sum);
            }
        }
    }

    public synchronized MarketSnapshot snapshot() {
        Instant now = Instant.now();
        List<OfferState> states = new ArrayList<>(offers.size());
        for (VnfOffer o : offers.values()) {
            if (!o.validAt(now)) {
                continue;
            }
            network.switchOfSite(o.siteId())
                    .filter(sw -> network.owner(sw).filter(o.providerId()::equals).isPresent())
                    .ifPresent(sw -> {
                        MarketSnapshot.Reservation r = reserved.getOrDefault(o.offerId(), MarketSnapshot.Reservation.NONE);
                        states.add(new OfferState(o, sw, r.mbps(), r.chains()));
                    });
        }
        return new MarketSnapshot(network, states, linkUsage);
    }

    public synchronized List<ProviderDomain> domains() {
        return List.copyOf(domains.values());
    }
}
