package org.chainmarket.selection.exact;

import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.selection.ChainAssembler;
import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.ChainSelector;
import org.chainmarket.selection.HopCandidates;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.Objective;
import org.chainmarket.selection.OfferState;
import org.chainmarket.selection.SelectionResult;
import org.chainmarket.selection.SelectionResult.Constraint;
import org.chainmarket.selection.Steering;
import org.chainmarket.selection.domain.Leg;
import org.chainmarket.selection.domain.PathTable;
import org.chainmarket.selection.network.MultiDomainNetwork;
import org.chainmarket.selection.network.NetLink;
import org.jgrapht.GraphPath;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Exact selection of one chain. The layered graph has the ingress, then one layer per hop holding the offers
 * that can serve it ({@link HopCandidates}: type, provider lists, steering, free bandwidth and chain slot), then the
 * egress.
 * <p>
 * What is optimal: among all chains that take one such offer per hop, no offer for two hops, route every leg along
 * one of its {@code kPaths} lowest-latency loopless paths over links with the chain's bandwidth free, put no more
 * than the free bandwidth on any link counting every leg that crosses it, and stay within the latency bound and
 * budget, it returns one with the least {@link Objective} (price + weight x latency). When the chain it finds
 * routes every leg on its lowest-latency usable path (always, unless legs would overbook a link together), it is
 * optimal over every routing, not only over the k paths.
 * <p>
 * How: {@link ChainSearch}. Its worst case is bounded by a label budget ({@link #DEFAULT_LABEL_BUDGET}): past it the
 * best chain found is returned and {@link #search} reports its proven gap (if none was found by then, the order is
 * rejected and the reason says the search stopped). When no chain is feasible, it says which constraint fails and,
 * where it is one hop's fault, which hop.
 */
public final class LayeredParetoSelector implements ChainSelector {
    /** Labels one search may create before it returns its best chain with a proven gap. */
    public static final long DEFAULT_LABEL_BUDGET = 50_000;

    private final Objective objective;
    private final Steering steering;
    private final int kPaths;
    private final long labelBudget;

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
        this(objective, steering, kPaths, DEFAULT_LABEL_BUDGET);
    }

    /** As above, with the number of labels a search may create before it answers with its best chain and gap. */
    public LayeredParetoSelector(Objective objective, Steering steering, int kPaths, long labelBudget) {
        if (kPaths < 1) {
            throw new IllegalArgumentException("kPaths must be at least 1, got " + kPaths);
        }
        this.objective = objective;
        this.steering = steering;
        this.kPaths = kPaths;
        this.labelBudget = labelBudget;
    }

    public LayeredParetoSelector() {
        this(Objective.DEFAULT);
    }

    /** A selection with what the search proved: a lower bound of the optimum and the relative gap (0 = optimal). */
    public record Answer(SelectionResult result, double lowerBound, double gap, long labels) {
    }

    @Override
    public SelectionResult select(MarketSnapshot market, ChainOrder order) {
        return select(market, ChainRequest.of("chain", order));
    }

    /**
     * The best chain for the request on the offers that can serve its encapsulation. When the request is a
     * re-selection ({@code previousOffers}), only what must change moves: every hop whose previous offer is still in
     * the market and fits keeps it, and the best chain is searched over the other hops (and the paths between all
     * of them); only if no such chain exists are all hops free to change.
     */
    @Override
    public SelectionResult select(MarketSnapshot market, ChainRequest request) {
        return search(market, request).result();
    }

    /** As {@link #select(MarketSnapshot, ChainRequest)}, with the proven bound and gap. */
    public Answer search(MarketSnapshot market, ChainRequest request) {
        HopCandidates candidates = HopCandidates.of(market, request, steering);
        if (candidates.rejection().isPresent()) {
            return new Answer(candidates.rejection().get(), Double.NaN, Double.NaN, 0);
        }
        if (!request.previousOffers().isEmpty()) {
            Answer pinned = search(market, request.order(), pinned(candidates.fitting(), request.previousOffers()));
            if (pinned.result() instanceof SelectionResult.Selected) {
                return pinned;
            }
        }
        return search(market, request.order(), candidates.fitting());
    }

    /**
     * The answer of {@link #select} for a request that a finished search over the same offers and routes found no chain
     * for (as a batch's construction does for each chain alone), without searching again: the rejection that explains
     * it (no path, the fastest chain too slow, the cheapest too dear, or both limits together).
     */
    public SelectionResult.Rejected explain(MarketSnapshot market, ChainRequest request) {
        return explainer(market).explain(request);
    }

    /**
     * {@link #explain} for many requests on one snapshot (the unserved chains of a batch): the requests share the
     * shortest paths and alternatives computed for the snapshot, so each pays only for its own searches. Not
     * thread-safe.
     */
    public Explainer explainer(MarketSnapshot market) {
        return new Explainer(market);
    }

    /** Explains rejections on one snapshot; see {@link #explainer}. */
    public final class Explainer {
        private final MarketSnapshot market;
        private final PathTable table;
        private final java.util.Map<String, List<OfferState>> byType;
        private final double[] free;

        private Explainer(MarketSnapshot market) {
            this.market = market;
            this.table = new PathTable(market.network(), market.linkUsageMbps(), kPaths);
            this.byType = HopCandidates.byType(market);
            this.free = freeMbps(market);
        }

        /** The answer of {@link LayeredParetoSelector#explain} for {@code request}. */
        public SelectionResult.Rejected explain(ChainRequest request) {
            HopCandidates candidates = HopCandidates.of(market, request, steering, byType);
            if (candidates.rejection().isPresent()) {
                return candidates.rejection().get();
            }
            return diagnose(request.order(), searchFor(market, table, free, request.order(), candidates.fitting(), labelBudget));
        }
    }

    /** Each hop held to its previous offer where that one still fits. */
    private static List<List<OfferState>> pinned(List<List<OfferState>> fitting, List<OfferId> pins) {
        List<List<OfferState>> out = new ArrayList<>();
        for (int hop = 0; hop < fitting.size(); hop++) {
            OfferId pin = pins.get(hop);
            List<OfferState> kept = pin == null ? List.of() : fitting.get(hop).stream().filter(o -> o.offer().offerId().equals(pin)).toList();
            out.add(kept.isEmpty() ? fitting.get(hop) : kept);
        }
        return out;
    }

    /**
     * The Pareto front of feasible chains on price against end-to-end latency, cheapest first, at most
     * {@code maxPoints} points: the cheapest feasible chain, then the cheapest that is strictly faster than the one
     * before, and so on (each point exact, within the label budget). When no chain is feasible, the one rejection
     * naming the constraint and hop. Nothing is reserved.
     */
    public List<SelectionResult> front(MarketSnapshot market, ChainOrder order, int maxPoints) {
        HopCandidates candidates = HopCandidates.of(market, ChainRequest.of("quote", order), steering);
        if (candidates.rejection().isPresent()) {
            return List.of(candidates.rejection().get());
        }
        List<SelectionResult> points = new ArrayList<>();
        double latencyBound = order.maxLatencyMs();
        // price first, latency only to break ties between equally priced chains
        ChainSearch.Costs cheapestThenFastest = new ChainSearch.Costs(1, 1e-6, 0);
        while (points.size() < maxPoints) {
            Answer a = search(market, order, candidates.fitting(), cheapestThenFastest, latencyBound);
            if (!(a.result() instanceof SelectionResult.Selected s)) {
                if (points.isEmpty()) {
                    points.add(a.result());
                }
                break;
            }
            points.add(s);
            latencyBound = s.chain().latencyMs() - FRONT_STEP_MS;
            if (latencyBound <= 0) {
                break;
            }
        }
        return points;
    }

    /** Points of {@link #front} differ in latency by at least this much. */
    static final double FRONT_STEP_MS = 0.01;

    private Answer search(MarketSnapshot market, ChainOrder order, List<List<OfferState>> fitting) {
        return search(market, order, fitting, new ChainSearch.Costs(1, objective.latencyWeight(), 0), order.maxLatencyMs());
    }

    private Answer search(MarketSnapshot market, ChainOrder order, List<List<OfferState>> fitting, ChainSearch.Costs costs,
                          double maxLatency) {
        MultiDomainNetwork network = market.network();
        ChainSearch search = searchFor(market, order, fitting, labelBudget);
        ChainSearch.Outcome best = search.best(costs, maxLatency, order.maxPricePerHour());
        if (best.found() != null) {
            ChainSearch.Found f = best.found();
            List<OfferState> offers = new ArrayList<>();
            for (int h = 0; h < f.choice().length; h++) {
                offers.add(search.layers.get(h).get(f.choice()[h]).offer());
            }
            List<GraphPath<String, NetLink>> legs = new ArrayList<>();
            for (Leg leg : f.legs()) {
                legs.add(search.paths.path(leg));
            }
            ConcreteChain chain = ChainAssembler.assemble(order, offers, network, legs);
            SelectionResult result = new SelectionResult.Selected(chain, objective.of(chain.latencyMs(), chain.pricePerHour()));
            return new Answer(result, best.lowerBound(), best.gap(), best.labels());
        }
        SelectionResult.Rejected rejected = diagnose(order, search);
        if (!best.complete()) { // the budget ran out before any chain within the bounds was found
            rejected = new SelectionResult.Rejected(rejected.constraint(), rejected.hopIndex(), rejected.reason()
                    + " No chain within the limits was found in " + best.labels() + " search steps.");
        }
        return new Answer(rejected, best.lowerBound(), Double.NaN, best.labels());
    }

    /** The search for {@code order} over the {@code fitting} offers on what {@code market} has free. */
    private ChainSearch searchFor(MarketSnapshot market, ChainOrder order, List<List<OfferState>> fitting, long budget) {
        return searchFor(market, new PathTable(market.network(), market.linkUsageMbps(), kPaths), freeMbps(market), order, fitting,
                budget);
    }

    /** Bandwidth free per link index. */
    private static double[] freeMbps(MarketSnapshot market) {
        MultiDomainNetwork network = market.network();
        double[] free = new double[network.linkCount()];
        for (int l = 0; l < free.length; l++) {
            free[l] = market.freeMbps(network.link(l));
        }
        return free;
    }

    /**
     * As above, on the paths of {@code table} (a table of {@code market}'s link usage and this selector's k) and the
     * bandwidth {@code free} per link.
     */
    private ChainSearch searchFor(MarketSnapshot market, PathTable table, double[] free, ChainOrder order,
                                  List<List<OfferState>> fitting, long budget) {
        MultiDomainNetwork network = market.network();
        PathTable.Paths paths = table.forBandwidth(order.bandwidthMbps());
        List<List<ChainSearch.Candidate>> layers = new ArrayList<>();
        for (List<OfferState> hop : fitting) {
            layers.add(hop.stream().map(o -> new ChainSearch.Candidate(o, network.switchIndex(o.switchId()),
                    o.offer().priceFor(order.bandwidthMbps()), o.processingLatencyMs(), 0)).toList());
        }
        return new ChainSearch(paths, network.switchIndex(order.ingress()), network.switchIndex(order.egress()), layers, free,
                order.bandwidthMbps(), budget);
    }

    /**
     * Labels each of the two searches that explain a rejection may create (the fastest chain, the cheapest chain, both
     * without bounds): past it the reason gives the proven bound ("at least").
     */
    static final long DIAGNOSIS_BUDGET = 5_000;

    /** Which constraint no chain can meet: the fastest chain's latency, the cheapest chain's price, or both. */
    private static SelectionResult.Rejected diagnose(ChainOrder order, ChainSearch search) {
        double inf = Double.POSITIVE_INFINITY;
        ChainSearch.Outcome fastest = search.best(ChainSearch.Costs.FASTEST, inf, inf, DIAGNOSIS_BUDGET);
        if (fastest.found() == null && fastest.complete()) {
            return new SelectionResult.Rejected(Constraint.LINK_BANDWIDTH, null, "No path from " + order.ingress()
                    + " through the offered sites to " + order.egress() + " has " + fmt(order.bandwidthMbps()) + " Mbit/s free.");
        }
        // the least latency any chain has: exact when the search finished, else its proven lower bound
        double leastLatency = fastest.complete() ? fastest.found().latency() : fastest.lowerBound();
        if (leastLatency > order.maxLatencyMs() + ChainSearch.EPS) {
            return new SelectionResult.Rejected(Constraint.LATENCY, null, "The fastest possible chain takes "
                    + (fastest.complete() ? "" : "at least ") + fmt(leastLatency) + " ms end to end, above the limit of "
                    + fmt(order.maxLatencyMs()) + " ms.");
        }
        ChainSearch.Outcome cheapest = search.best(ChainSearch.Costs.CHEAPEST, inf, inf, DIAGNOSIS_BUDGET);
        double leastPrice = cheapest.complete() && cheapest.found() != null ? cheapest.found().price() : cheapest.lowerBound();
        if (leastPrice > order.maxPricePerHour() + ChainSearch.EPS) {
            return new SelectionResult.Rejected(Constraint.BUDGET, null, "The cheapest possible chain costs "
                    + (cheapest.complete() ? "" : "at least ") + fmt(leastPrice) + " EUR/h, above the budget of "
                    + fmt(order.maxPricePerHour()) + " EUR/h.");
        }
        if (fastest.complete() && cheapest.complete() && cheapest.found() != null) {
            return new SelectionResult.Rejected(Constraint.LATENCY_AND_BUDGET, null, "No chain meets both limits: the fastest ("
                    + fmt(fastest.found().latency()) + " ms) costs " + fmt(fastest.found().price()) + " EUR/h and the cheapest ("
                    + fmt(cheapest.found().price()) + " EUR/h) takes " + fmt(cheapest.found().latency()) + " ms.");
        }
        return new SelectionResult.Rejected(Constraint.LATENCY_AND_BUDGET, null, "No chain meets both limits: a chain can take "
                + fmt(leastLatency) + " ms or cost " + fmt(leastPrice) + " EUR/h at best, but none within "
                + fmt(order.maxLatencyMs()) + " ms costs at most " + fmt(order.maxPricePerHour()) + " EUR/h.");
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
