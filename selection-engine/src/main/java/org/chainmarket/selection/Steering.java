package org.chainmarket.selection;

import org.chainmarket.schemas.model.ProviderId;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Which providers' domains can proxy an unaware VNF instance, per encapsulation (an SR proxy such as
 * End.AD/End.DX6 with re-encapsulation, or an NSH proxy). Absent provider = proxies nothing.
 */
public record Steering(Map<ProviderId, Set<Encapsulation>> proxies) {
    /** No domain proxies anything. */
    public static final Steering NO_PROXIES = new Steering(Map.of());

    public Steering {
        proxies = Map.copyOf(proxies);
    }

    /** Whether {@code offer} can serve a chain steered with {@code encapsulation}. */
    public boolean admits(OfferState offer, Encapsulation encapsulation) {
        return switch (encapsulation) {
            case NONE -> true;
            case SRV6 -> offer.offer().srAware() || proxies.getOrDefault(offer.offer().providerId(), Set.of()).contains(Encapsulation.SRV6);
            case NSH -> offer.offer().nshAware() || proxies.getOrDefault(offer.offer().providerId(), Set.of()).contains(Encapsulation.NSH);
        };
    }

    /** The encapsulations {@code offer} can serve. */
    public Set<Encapsulation> admitted(OfferState offer) {
        Set<Encapsulation> out = EnumSet.noneOf(Encapsulation.class);
        for (Encapsulation e : Encapsulation.values()) {
            if (admits(offer, e)) {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * A rejection when some hop has offers of its type from allowed providers but none of them can be steered
     * with the request's encapsulation; empty otherwise.
     */
    public java.util.Optional<SelectionResult.Rejected> check(MarketSnapshot market, ChainRequest request) {
        var order = request.order();
        for (int hop = 0; hop < order.vnfTypes().size(); hop++) {
            String type = order.vnfTypes().get(hop);
            var allowed = market.offers().stream()
                    .filter(o -> o.offer().vnfType().equals(type) && order.allows(o.offer().providerId())).toList();
            if (!allowed.isEmpty() && allowed.stream().noneMatch(o -> admits(o, request.encapsulation()))) {
                return java.util.Optional.of(new SelectionResult.Rejected(SelectionResult.Constraint.STEERING_PROXY, hop,
                        "Hop " + (hop + 1) + " (" + type + "): the chain is steered with " + request.encapsulation()
                                + ", but none of the " + allowed.size() + " allowed offers understands it and no provider"
                                + " hosting them proxies it."));
            }
        }
        return java.util.Optional.empty();
    }

    /** {@code market} without the offers that cannot serve {@code encapsulation}. */
    public MarketSnapshot admittedOnly(MarketSnapshot market, Encapsulation encapsulation) {
        if (encapsulation == Encapsulation.NONE) {
            return market;
        }
        return new MarketSnapshot(market.network(),
                market.offers().stream().filter(o -> admits(o, encapsulation)).toList(), market.linkUsageMbps());
    }
}
