package org.chainmarket.selection;

import org.chainmarket.schemas.model.ChainOrder;
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

    /**
     * A copy in which {@code chain}, selected earlier in the same batch, also holds {@code bandwidthMbps} on each of its
     * offers and links: less is free, but the offers' load, and so their processing latency, stays the snapshot's.
     */
    public MarketSnapshot withChain(ConcreteChain chain, double bandwidthMbps) {
        Map<OfferId, Integer> uses = uses(chain);
        List<OfferState> states = offers.stream().map(o -> {
            Integer n = uses.get(o.offer().offerId());
            return n == null ? o : o.holding(n, bandwidthMbps);
        }).toList();
        return new MarketSnapshot(network, states, usageWith(chain, bandwidthMbps));
    }

    /**
     * A copy in which {@code chain}'s reservation on its offers and links is given back: what re-selecting a chain
     * sees, so that keeping its current hops does not count their capacity (or their load) twice.
     */
    public MarketSnapshot withoutChain(ConcreteChain chain, double bandwidthMbps) {
        Map<OfferId, Integer> uses = uses(chain);
        List<OfferState> states = offers.stream().map(o -> {
            Integer n = uses.get(o.offer().offerId());
            return n == null ? o : new OfferState(o.offer(), o.switchId(), Math.max(0, o.reservedMbps() - n * bandwidthMbps),
                    Math.max(0, o.reservedChains() - n), o.measuredLoad(), o.heldMbps(), o.heldChains());
        }).toList();
        return new MarketSnapshot(network, states, usageWith(chain, -bandwidthMbps));
    }

    /** Bandwidth still free on {@code link}. */
    public double freeMbps(NetLink link) {
        return link.freeMbps(linkUsageMbps);
    }

    /**
     * Whether {@code chain} fits what is free: every offer it uses has a chain slot and the bandwidth per use, every
     * link it crosses the bandwidth per crossing (a link crossed twice carries the chain twice), and its latency and
     * price stay within the order's bounds.
     */
    public boolean fits(ConcreteChain chain, ChainOrder order) {
        if (chain.latencyMs() > order.maxLatencyMs() + 1e-9 || chain.pricePerHour() > order.maxPricePerHour() + 1e-9) {
            return false;
        }
        Map<OfferId, Integer> uses = uses(chain);
        for (OfferState o : offers) {
            Integer n = uses.remove(o.offer().offerId());
            if (n != null && (o.freeChains() < n || o.freeMbps() + 1e-9 < n * order.bandwidthMbps())) {
                return false;
            }
        }
        if (!uses.isEmpty()) {
            return false; // an offer that is not in this snapshot
        }
        for (Map.Entry<String, Double> u : linkUse(chain, order.bandwidthMbps()).entrySet()) {
            NetLink link = network.link(u.getKey().substring(0, u.getKey().indexOf('|')),
                    u.getKey().substring(u.getKey().indexOf('|') + 1)).orElse(null);
            if (link == null || freeMbps(link) + 1e-9 < u.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Bandwidth a chain puts on each link of its path, by {@link NetLink#key()} (a link traversed twice carries it twice). */
    public static Map<String, Double> linkUse(ConcreteChain chain, double mbps) {
        Map<String, Double> use = new HashMap<>();
        for (int i = 0; i + 1 < chain.path().size(); i++) {
            String a = chain.path().get(i).switchId();
            String b = chain.path().get(i + 1).switchId();
            if (!a.equals(b)) {
                use.merge(NetLink.key(a, b), mbps, Double::sum);
            }
        }
        return use;
    }

    private static Map<OfferId, Integer> uses(ConcreteChain chain) {
        Map<OfferId, Integer> uses = new HashMap<>();
        chain.hops().forEach(h -> uses.merge(h.offerId(), 1, Integer::sum));
        return uses;
    }

    private Map<String, Double> usageWith(ConcreteChain chain, double mbps) {
        Map<String, Double> usage = new HashMap<>(linkUsageMbps);
        linkUse(chain, mbps).forEach((k, v) -> usage.merge(k, v, Double::sum));
        return usage;
    }

    /** Capacity held on an offer by chains. */
    public record Reservation(double mbps, int chains) {
        public static final Reservation NONE = new Reservation(0, 0);
    }
}
