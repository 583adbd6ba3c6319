package org.chainmarket.selection;

import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.selection.SelectionResult.Constraint;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;

/**
 * The one place that decides which offers may serve each hop of a request, and why a hop has none. An offer is
 * <em>admissible</em> for a hop when it has the hop's VNF type, comes from a provider the order allows, and can be
 * steered with the request's encapsulation (aware, or proxied by its domain); it <em>fits</em> when it also has the
 * chain's bandwidth and a chain slot free. Every strategy starts here, so they reject the same requests with the same
 * constraint, hop and words: unknown endpoint, then per hop in order VNF type, provider lists, steering, capacity.
 */
public final class HopCandidates {
    private final List<List<OfferState>> admissible;
    private final List<List<OfferState>> fitting;
    private final SelectionResult.Rejected rejection;

    private HopCandidates(List<List<OfferState>> admissible, List<List<OfferState>> fitting, SelectionResult.Rejected rejection) {
        this.admissible = admissible;
        this.fitting = fitting;
        this.rejection = rejection;
    }

    /** The candidates of every hop of {@code request} on {@code market}, or the first reason a hop has none. */
    public static HopCandidates of(MarketSnapshot market, ChainRequest request, Steering steering) {
        return of(market, request, steering, byType(market));
    }

    /** The snapshot's offers by VNF type, in snapshot order: what {@link #of(MarketSnapshot, ChainRequest, Steering, Map)} reads. */
    public static Map<String, List<OfferState>> byType(MarketSnapshot market) {
        Map<String, List<OfferState>> out = new HashMap<>();
        for (OfferState o : market.offers()) {
            out.computeIfAbsent(o.offer().vnfType(), t -> new ArrayList<>()).add(o);
        }
        return out;
    }

    /**
     * As {@link #of(MarketSnapshot, ChainRequest, Steering)}, with the snapshot's offers by type given
     * ({@link #byType}), so that a batch indexes them once rather than once per hop of every request.
     */
    public static HopCandidates of(MarketSnapshot market, ChainRequest request, Steering steering,
                                   Map<String, List<OfferState>> offersByType) {
        ChainOrder order = request.order();
        for (String endpoint : List.of(order.ingress(), order.egress())) {
            if (!market.network().hasSwitch(endpoint)) {
                return rejected(Constraint.UNKNOWN_ENDPOINT, null,
                        "Switch '" + endpoint + "' is not in any provider's advertised network.");
            }
        }
        List<List<OfferState>> admissible = new ArrayList<>();
        List<List<OfferState>> fitting = new ArrayList<>();
        for (int hop = 0; hop < order.vnfTypes().size(); hop++) {
            String type = order.vnfTypes().get(hop);
            String hopName = "Hop " + (hop + 1) + " (" + type + "): ";
            List<OfferState> ofType = offersByType.getOrDefault(type, List.of());
            if (ofType.isEmpty()) {
                return rejected(Constraint.VNF_TYPE, hop, hopName + "no provider offers this VNF type.");
            }
            List<OfferState> allowed = ofType.stream().filter(o -> order.allows(o.offer().providerId())).toList();
            if (allowed.isEmpty()) {
                return rejected(Constraint.PROVIDER_POLICY, hop,
                        hopName + "every offer is from a provider the order excludes or does not include.");
            }
            List<OfferState> steerable = allowed.stream().filter(o -> steering.admits(o, request.encapsulation())).toList();
            if (steerable.isEmpty()) {
                return rejected(Constraint.STEERING_PROXY, hop, hopName + "the chain is steered with " + request.encapsulation()
                        + ", but none of the " + allowed.size() + " allowed offers understands it and no provider"
                        + " hosting them proxies it.");
            }
            List<OfferState> fits = steerable.stream().filter(o -> o.fits(order.bandwidthMbps())).toList();
            if (fits.isEmpty()) {
                return rejected(Constraint.OFFER_CAPACITY, hop, hopName + "none of the " + steerable.size()
                        + " usable offers has " + fmt(order.bandwidthMbps()) + " Mbit/s and a chain slot free.");
            }
            admissible.add(steerable);
            fitting.add(fits);
        }
        return new HopCandidates(admissible, fitting, null);
    }

    private static HopCandidates rejected(Constraint constraint, Integer hop, String reason) {
        return new HopCandidates(List.of(), List.of(), new SelectionResult.Rejected(constraint, hop, reason));
    }

    /** Why some hop has no candidate; empty when every hop has at least one offer that fits. */
    public Optional<SelectionResult.Rejected> rejection() {
        return Optional.ofNullable(rejection);
    }

    /** Offers of hop {@code hop}'s type, from allowed providers, steerable for the request (capacity not checked). */
    public List<OfferState> admissible(int hop) {
        return admissible.get(hop);
    }

    /** The admissible offers of hop {@code hop} that have the chain's bandwidth and a chain slot free. */
    public List<OfferState> fitting(int hop) {
        return fitting.get(hop);
    }

    /** The fitting offers of every hop. */
    public List<List<OfferState>> fitting() {
        return fitting;
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
