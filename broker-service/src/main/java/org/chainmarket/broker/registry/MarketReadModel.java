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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The in-memory view selection runs on: advertised domains (joined into one network, rebuilt only when a domain
 * changes), live offers with the capacity held on them, bandwidth used per link by chains holding capacity, and
 * the offers and links monitoring reports degraded (left out of selection until they recover).
 * PostgreSQL stays the authority on reservations: this view can be a step behind a concurrent order, which the
 * conditional reservation in the database catches.
 */
@Singleton
public class MarketReadModel {
    private final Map<ProviderId, ProviderDomain> domains = new LinkedHashMap<>();
    private final Map<OfferId, VnfOffer> offers = new LinkedHashMap<>();
    private final Map<OfferId, MarketSnapshot.Reservation> reserved = new HashMap<>();
    private final Map<String, Double> linkUsage = new HashMap<>();
    private final Set<OfferId> degradedOffers = new HashSet<>();
    private final Map<OfferId, Double> measuredLoad = new HashMap<>();
    private final Set<String> degradedLinks = new HashSet<>();
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

    /** Adds ({@code mbps} > 0) or gives back ({@code mbps} < 0) bandwidth on every link of {@code path}. */
    public synchronized void useLinks(List<ConcreteChain.PathNode> path, double mbps) {
        for (int i = 1; i < path.size(); i++) {
            String a = path.get(i - 1).switchId();
            String b = path.get(i).switchId();
            if (!a.equals(b)) {
                linkUsage.merge(NetLink.key(a, b), mbps, Double::sum);
            }
        }
    }

    /** The load monitoring measures on an offer (0..1): selection prices it in, and a full instance takes no chain. */
    public synchronized void setMeasuredLoad(OfferId offer, double load) {
        measuredLoad.put(offer, load);
    }

    /** Marks an offer degraded (selection leaves it out) or healthy again. */
    public synchronized void setOfferDegraded(OfferId offer, boolean degraded) {
        if (degraded) {
            degradedOffers.add(offer);
        } else {
            degradedOffers.remove(offer);
        }
    }

    /** Marks a link ({@code NetLink.key}) degraded (selection routes around it) or healthy again. */
    public synchronized void setLinkDegraded(String link, boolean degraded) {
        if (degraded) {
            degradedLinks.add(link);
        } else {
            degradedLinks.remove(link);
        }
    }

    public synchronized boolean isOfferDegraded(OfferId offer) {
        return degradedOffers.contains(offer);
    }

    public synchronized boolean isLinkDegraded(String link) {
        return degradedLinks.contains(link);
    }

    public synchronized MarketSnapshot snapshot() {
        Instant now = Instant.now();
        List<OfferState> states = new ArrayList<>(offers.size());
        for (VnfOffer o : offers.values()) {
            if (!o.validAt(now) || degradedOffers.contains(o.offerId())) {
                continue;
            }
            network.switchOfSite(o.siteId())
                    .filter(sw -> network.owner(sw).filter(o.providerId()::equals).isPresent())
                    .ifPresent(sw -> {
                        MarketSnapshot.Reservation r = reserved.getOrDefault(o.offerId(), MarketSnapshot.Reservation.NONE);
                        states.add(new OfferState(o, sw, r.mbps(), r.chains(), measuredLoad.getOrDefault(o.offerId(), 0.0)));
                    });
        }
        Map<String, Double> usage = linkUsage;
        if (!degradedLinks.isEmpty()) {
            usage = new HashMap<>(linkUsage);
            for (String link : degradedLinks) {
                usage.put(link, Double.POSITIVE_INFINITY);
            }
        }
        return new MarketSnapshot(network, states, usage);
    }

    public synchronized List<ProviderDomain> domains() {
        return List.copyOf(domains.values());
    }
}
