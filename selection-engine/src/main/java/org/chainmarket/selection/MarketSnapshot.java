package org.chainmarket.selection;

import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.VnfOffer;
import org.chainmarket.selection.network.MultiDomainNetwork;
import org.chainmarket.selection.network.NetLink;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What selection decides on: the network, the offers that are valid now and sit on a known site, and the
 * bandwidth already used per link (by {@code NetLink.key()}).
 */
public record MarketSnapshot(MultiDomainNetwork network, List<OfferState> offers, Map<String, Double> linkUsageMbps) {
    public MarketSnapshot {
        offers = List.copyOf(offers);
        linkUsageMbps = Map.copyOf(linkUsageMbps);
    }

    /**
     * Builds a snapshot from advertised domains and offers; {@code reserved} gives each offer's reserved
     * Mbit/s and chains (absent = none).
     */
    public static MarketSnapshot of(Collection<ProviderDomain> domains, Collection<VnfOffer> offers,
                                    Map<String, Reservation> reserved, Map<String, Double> linkUsageMbps, Instant now) {
        MultiDomainNetwork network = MultiDomainNetwork.of(domains);
        List<OfferState> states = offers.stream()
                .filter(o -> o.validAt(now))
                .map(o -> network.switchOfSite(o.siteId())
                        .filter(sw -> network.owner(sw).filter(o.providerId()::equals).isPresent())
                        .map(sw -> {
                            Reservation r = reserved.getOrDefault(o.offerId().value(), Reservation.NONE);
                            return new OfferState(o, sw, r.mbps(), r.chains());
                        }).orElse(null))
                .filter(Objects::nonNull)
                .toList();
        return new MarketSnapshot(network, states, linkUsageMbps);
    }

    /** A copy in which {@code chain} also holds {@code bandwidthMbps} on each of its offers and links. */
    public MarketSnapshot withChain(ConcreteChain chain, double bandwidthMbps) {
        return withHold(chain, bandwidthMbps, 1);
    }

    /**
     * A copy in which {@code chain}'s hold on its offers and links is given back: what re-selecting a chain sees, so
     * that keeping its current hops does not count their capacity twice.
     */
    public MarketSnapshot withoutChain(ConcreteChain chain, double bandwidthMbps) {
        return withHold(chain, bandwidthMbps, -1);
    }

    private MarketSnapshot withHold(ConcreteChain chain, double bandwidthMbps, int sign) {
        Map<OfferId, Integer> uses = new HashMap<>();
        chain.hops().forEach(h -> uses.merge(h.offerId(), sign, Integer::sum));
        List<OfferState> states = offers.stream().map(o -> {
            Integer n = uses.get(o.offer().offerId());
            return n == null ? o : new OfferState(o.offer(), o.switchId(), Math.max(0, o.reservedMbps() + n * bandwidthMbps),
                    Math.max(0, o.reservedChains() + n), o.measuredLoad());
        }).toList();
        Map<String, Double> usage = new HashMap<>(linkUsageMbps);
        for (int i = 0; i + 1 < chain.path().size(); i++) {
            String a = chain.path().get(i).switchId();
            String b = chain.path().get(i + 1).switchId();
            if (!a.equals(b)) {
                usage.merge(NetLink.key(a, b), sign * bandwidthMbps, Double::sum);
            }
        }
        return new MarketSnapshot(network, states, usage);
    }

    /** Capacity held on an offer by chains. */
    public record Reservation(double mbps, int chains) {
        public static final Reservation NONE = new Reservation(0, 0);
    }
}
