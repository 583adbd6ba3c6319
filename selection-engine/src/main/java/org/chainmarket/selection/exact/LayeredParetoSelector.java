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
 * that can serve it, then the egress; an edge costs the lowest-latency usable path between two switches
 * plus the next offer's processing latency and price. Labels (latency, price) are kept per candidate offer
 * while not dominated and within the latency bound and budget, so the cheapest chain by {@link Objective}
 * among all feasible ones is found (an objective linear in latency and price is optimal on the Pareto front).
 * One offer serves at most one hop of a chain. When no chain is feasible, it says which constraint fails and,
 * where it is one hop's fault, which hop.
 */
public final class LayeredParetoSelector implements ChainSelector {
    private final Objective objective;
    private final Steering steering;

    public LayeredParetoSelector(Objective objective) {
        this(objective, Steering.NO_PROXIES);
    }

    /** An exact selector that also honours SR/NSH awareness and the domains' proxies for requests that use them. */
    public LayeredParetoSelector(Objective objective, Steering steering) {
        this.objective = objective;
        this.steering = steering;
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
        Optional<Label> best = search(order, candidates, paths, order.maxLatencyMs(), order.maxPricePerHour());
        if (best.isPresent()) {
            List<OfferState> chosen = best.get().offers();
            ConcreteChain chain = ChainAssembler.assemble(order, chosen, network, paths).orElseThrow();
            return new SelectionResult.Selected(chain, objective.of(chain.latencyMs(), chain.pricePerHour()));
        }
        return diagnose(order, candidates, paths);
    }

    private Optional<Label> search(ChainOrder order, List<List<OfferState>> candidates, MultiDomainNetwork.PathFinder paths,
                                   double maxLatency, double maxPrice) {
        List<Label> previous = List.of(new Label(order.ingress(), 0, 0, null, null));
        for (List<OfferState> layer : candidates) {
            List<Label> next = new ArrayList<>();
            for (OfferState c : layer) {
                double hopPrice = c.offer().priceFor(order.bandwidthMbps());
                List<Label> front = new ArrayList<>();
                for (Label l : previous) {
                    double latency = l.latency + paths.latency(l.switchId, c.switchId()) + c.processingLatencyMs();
                    double price = l.price + hopPrice;
                    if (latency <= maxLatency && price <= maxPrice && !l.uses(c)) {
                        addIfNotDominated(front, new Label(c.switchId(), latency, price, c, l));
                    }
                }
                next.addAll(front);
            }
            if (next.isEmpty()) {
                return Optional.empty();
            }
            previous = next;
        }
        Label best = null;
        double bestValue = Double.POSITIVE_INFINITY;
        for (Label l : previous) {
            double latency = l.latency + paths.latency(l.switchId, order.egress());
            double value = objective.of(latency, l.price);
            if (latency <= maxLatency && value < bestValue) {
                best = new Label(order.egress(), latency, l.price, null, l);
                bestValue = value;
            }
        }
        return Optional.ofNullable(best);
    }

    private SelectionResult diagnose(ChainOrder order, List<List<OfferState>> candidates, MultiDomainNetwork.PathFinder paths) {
        double inf = Double.POSITIVE_INFINITY;
        Optional<Label> fastest = new LayeredParetoSelector(new Objective(1e9)).search(order, candidates, paths, inf, inf);
        if (fastest.isEmpty()) {
            return new SelectionResult.Rejected(Constraint.LINK_BANDWIDTH, null, "No path from " + order.ingress()
                    + " through the offered sites to " + order.egress() + " has " + fmt(order.bandwidthMbps()) + " Mbit/s free.");
        }
        Label cheapest = new LayeredParetoSelector(new Objective(1e-9)).search(order, candidates, paths, inf, inf).orElseThrow();
        if (fastest.get().latency > order.maxLatencyMs()) {
            return new SelectionResult.Rejected(Constraint.LATENCY, null, "The fastest possible chain takes "
                    + fmt(fastest.get().latency) + " ms end to end, above the limit of " + fmt(order.maxLatencyMs()) + " ms.");
        }
        if (cheapest.price > order.maxPricePerHour()) {
            return new SelectionResult.Rejected(Constraint.BUDGET, null, "The cheapest possible chain costs "
                    + fmt(cheapest.price) + " EUR/h, above the budget of " + fmt(order.maxPricePerHour()) + " EUR/h.");
        }
        return new SelectionResult.Rejected(Constraint.LATENCY_AND_BUDGET, null, "No chain meets both limits: the fastest ("
                + fmt(fastest.get().latency) + " ms) costs " + fmt(fastest.get().price) + " EUR/h and the cheapest ("
                + fmt(cheapest.price) + " EUR/h) takes " + fmt(cheapest.latency) + " ms.");
    }

    private static void addIfNotDominated(List<Label> front, Label label) {
        for (Label l : front) {
            if (l.latency <= label.latency && l.price <= label.price) {
                return;
            }
        }
        front.removeIf(l -> label.latency <= l.latency && label.price <= l.price);
        front.add(label);
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private record Label(String switchId, double latency, double price, OfferState offer, Label previous) {
        boolean uses(OfferState o) {
            for (Label l = this; l != null; l = l.previous) {
                if (l.offer != null && l.offer.offer().offerId().equals(o.offer().offerId())) {
                    return true;
                }
            }
            return false;
        }

        List<OfferState> offers() {
            List<OfferState> out = new ArrayList<>();
            for (Label l = this; l != null; l = l.previous) {
                if (l.offer != null) {
                    out.add(0, l.offer);
                }
            }
            return out;
        }
    }
}
