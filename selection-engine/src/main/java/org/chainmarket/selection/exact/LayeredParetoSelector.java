package org.chainmarket.selection.exact;

import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.selection.ChainAssembler;
import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.Steering;
import org.chainmarket.selection.ChainSelector;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.Objective;
import org.chainmarket.selection.OfferState;
import org.chainmarket.selection.SelectionResult;
import org.chainmarket.selection.SelectionResult.Constraint;
import org.chainmarket.selection.network.MultiDomainNetwork;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Exact selection of one chain. The layered graph has the ingress, then one layer per hop holding the offers
 * that can serve it (type, provider lists, steering, free bandwidth and chain slot), then the egress.
 * <p>
 * What is optimal: among all chains that take one such offer per hop, no offer for two hops, route every leg along
 * one of its {@code kPaths} lowest-latency loopless paths over links with the chain's bandwidth free, put no more
 * than the free bandwidth on any link counting every leg that crosses it, and stay within the latency bound and
 * budget, it returns one with the least {@link Objective} (price + weight x latency). When the chain it finds
 * routes every leg on its lowest-latency usable path (always, unless legs would overbook a link together), it is
 * optimal over every routing, not only over the k paths.
 * <p>
 * How ({@link ChainSearch}): the relaxation with shortest legs and no bounds is solved first by a dynamic program
 * with one label per switch and hop; if its chain is feasible it is the answer. Otherwise labels (latency, price,
 * crossings of the links that could overflow, offers a later hop of the same type must not reuse) are kept per
 * switch and hop while not dominated and within lower bounds of the bound and budget. When no chain is feasible, it
 * says which constraint fails and, where it is one hop's fault, which hop.
 */
public final class LayeredParetoSelector implements ChainSelector {
    private final Objective objective;
    private final Steering steering;
    private final int kPaths;

    public LayeredParetoSelector(Objective objective) {
        this(objective, Steering.NO_PROXIES);
    }

    /** An exact selector that also honours SR/NSH awareness and the domains' proxies for requests that use them. */
    public LayeredParetoSelector(Objective objective, Steering steering) {
        this(objective, steering, MultiDomainNetwork.DEFAULT_K_PATHS);
    }

    /**
     * As {@link #LayeredParetoSelector(Objective, Steering)}, with each leg routed along one of its {@code kPaths}
     * lowest-latency usable paths where the chain's legs would together overbook a link (1 = shortest paths only).
     */
    public LayeredParetoSelector(Objective objective, Steering steering, int kPaths) {
        if (kPaths < 1) {
            throw new IllegalArgumentException("kPaths must be at least 1, got " + kPaths);
        }
        this.objective = objective;
        this.steering = steering;
        this.kPaths = kPaths;
    }

    /**
     * Like {@link #select(MarketSnapshot, ChainOrder)} on the offers that can serve the request's encapsulation. When
     * the request is a re-selection ({@code previousOffers}), only what must change moves: every hop whose previous
     * offer is still in the market and fits keeps it, and the best chain is searched over the other hops (and the
     * paths between all of them); only if no such chain exists are all hops free to change.
     */
    @Override
    public SelectionResult select(MarketSnapshot market, ChainRequest request) {
        Optional<SelectionResult.Rejected> steeringFailure = steering.check(market, request);
        if (steeringFailure.isPresent()) {
            return steeringFailure.get();
        }
        MarketSnapshot admitted = steering.admittedOnly(market, request.encapsulation());
        if (!request.previousOffers().isEmpty()) {
            SelectionResult pinned = select(admitted, request.order(), request.previousOffers());
            if (pinned instanceof SelectionResult.Selected) {
                return pinned;
            }
        }
        return select(admitted, request.order());
    }

    public LayeredParetoSelector() {
        this(Objective.DEFAULT);
    }

    @Override
    public SelectionResult select(MarketSnapshot market, ChainOrder order) {
        return select(market, order, List.of());
    }

    /** Selects with hop {@code i} held to {@code pins.get(i)} where that offer is available (null or absent: free). */
    private SelectionResult select(MarketSnapshot market, ChainOrder order, List<org.chainmarket.schemas.model.OfferId> pins) {
        MultiDomainNetwork network = market.network();
        for (String endpoint : List.of(order.ingress(), order.egress())) {
            if (!network.hasSwitch(endpoint)) {
                return new SelectionResult.Rejected(Constraint.UNKNOWN_ENDPOINT, null,
                        "Switch '" + endpoint + "' is not in any provider's advertised network.");
            }
        }
        List<List<OfferState>> candidates = new ArrayList<>();
        for (int hop = 0; hop < order.vnfTypes().size(); hop++) {
            String type = order.vnfTypes().get(hop);
            List<OfferState> ofType = market.offers().stream().filter(o -> o.offer().vnfType().equals(type)).toList();
            List<OfferState> allowed = ofType.stream().filter(o -> order.allows(o.offer().providerId())).toList();
            List<OfferState> fitting = allowed.stream().filter(o -> o.fits(order.bandwidthMbps())).toList();
            org.chainmarket.schemas.model.OfferId pin = hop < pins.size() ? pins.get(hop) : null;
            List<OfferState> pinned = pin == null ? List.of() : fitting.stream().filter(o -> o.offer().offerId().equals(pin)).toList();
            if (!pinned.isEmpty()) {
                fitting = pinned;
            }
            String hopName = "Hop " + (hop + 1) + " (" + type + "): ";
            if (ofType.isEmpty()) {
                return new SelectionResult.Rejected(Constraint.VNF_TYPE, hop, hopName + "no provider offers this VNF type.");
            }
            if (allowed.isEmpty()) {
                return new SelectionResult.Rejected(Constraint.PROVIDER_POLICY, hop,
                        hopName + "every offer is from a provider the order excludes or does not include.");
            }
            if (fitting.isEmpty()) {
                return new SelectionResult.Rejected(Constraint.OFFER_CAPACITY, hop, hopName + "none of the " + allowed.size()
                        + " offers has " + fmt(order.bandwidthMbps()) + " Mbit/s and a chain slot free.");
            }
            candidates.add(fitting);
        }
        MultiDomainNetwork.PathFinder paths = network.pathFinder(order.bandwidthMbps(), market.linkUsageMbps());
        ChainSearch search = new ChainSearch(market, order, candidates, paths, kPaths);
        ChainSearch.Found best = search.best(objective, order.maxLatencyMs(), order.maxPricePerHour());
        if (best != null) {
            ConcreteChain chain = ChainAssembler.assemble(order, best.offers(), network, best.legs());
            return new SelectionResult.Selected(chain, objective.of(chain.latencyMs(), chain.pricePerHour()));
        }
        return diagnose(order, search);
    }

    private static SelectionResult diagnose(ChainOrder order, ChainSearch search) {
        double inf = Double.POSITIVE_INFINITY;
        ChainSearch.Found fastest = search.best(new Objective(1e9), inf, inf);
        if (fastest == null) {
            return new SelectionResult.Rejected(Constraint.LINK_BANDWIDTH, null, "No path from " + order.ingress()
                    + " through the offered sites to " + order.egress() + " has " + fmt(order.bandwidthMbps()) + " Mbit/s free.");
        }
        ChainSearch.Found cheapest = search.best(new Objective(1e-9), inf, inf);
        if (fastest.latency() > order.maxLatencyMs()) {
            return new SelectionResult.Rejected(Constraint.LATENCY, null, "The fastest possible chain takes "
                    + fmt(fastest.latency()) + " ms end to end, above the limit of " + fmt(order.maxLatencyMs()) + " ms.");
        }
        if (cheapest.price() > order.maxPricePerHour()) {
            return new SelectionResult.Rejected(Constraint.BUDGET, null, "The cheapest possible chain costs "
                    + fmt(cheapest.price()) + " EUR/h, above the budget of " + fmt(order.maxPricePerHour()) + " EUR/h.");
        }
        return new SelectionResult.Rejected(Constraint.LATENCY_AND_BUDGET, null, "No chain meets both limits: the fastest ("
                + fmt(fastest.latency()) + " ms) costs " + fmt(fastest.price()) + " EUR/h and the cheapest ("
                + fmt(cheapest.price()) + " EUR/h) takes " + fmt(cheapest.latency()) + " ms.");
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
