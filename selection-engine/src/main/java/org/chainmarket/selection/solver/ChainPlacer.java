package org.chainmarket.selection.solver;

import org.chainmarket.selection.domain.ChainFact;
import org.chainmarket.selection.domain.HopAssignment;
import org.chainmarket.selection.domain.Leg;
import org.chainmarket.selection.domain.OfferFact;
import org.chainmarket.selection.domain.PathTable;
import org.chainmarket.selection.exact.ChainSearch;

import java.util.ArrayList;
import java.util.List;

/**
 * Places one chain of a batch given the capacity the others left ({@link Residual}) with the single-chain search
 * ({@link ChainSearch}) over the hop's candidate offers that still fit, every leg on one of its k routes within the
 * links' residual bandwidth. Two kinds: the <b>best</b> plan, minimizing the chain's soft cost (price, latency, border
 * crossings, changed hops), and the <b>fastest</b>, the plan with the least latency within the chain's bounds, which
 * takes the fewest links and so leaves the most room for other chains. Batch-wide load balance is left to local
 * search. Searches are {@link ChainSearch#quick() quick} and bounded by a label budget; the best-plan search that finds
 * nothing within its budget falls back to the fastest.
 */
final class ChainPlacer {
    /**
     * Labels one placement may create, shared out over the batch: the exact selector's budget for a single chain, down
     * to 3,000 per placement in large batches; past it the best chain found so far is placed.
     */
    static long labelBudget(int chains) {
        return Math.max(3_000, org.chainmarket.selection.exact.LayeredParetoSelector.DEFAULT_LABEL_BUDGET / Math.max(1, chains));
    }

    private ChainPlacer() {
    }

    /**
     * A chain's offers per hop, its legs (ingress to hop 1, ..., last hop to egress) and its soft cost in
     * EUR/h-equivalents (the chain's weights, whatever the search that found it minimized).
     */
    record Plan(OfferFact[] offers, Leg[] legs, double cost) {
        /** The offers' ids, hop by hop. */
        int[] offerIds() {
            return java.util.Arrays.stream(offers).mapToInt(OfferFact::id).toArray();
        }

        /** The links the legs cross, in order (a link twice if crossed twice). */
        int[] links() {
            return java.util.Arrays.stream(legs).flatMapToInt(leg -> java.util.Arrays.stream(leg.linkIndices())).toArray();
        }
    }

    /**
     * A placement attempt: the plan (null when none was found) and whether that is proven: the search finished over
     * every route (then null means no plan exists).
     */
    record Attempt(Plan plan, boolean complete) {
    }

    /** The best plan, or null when no combination fits the residual capacity and the chain's bounds (or none was found within the budget). */
    static Plan best(ChainFact chain, List<HopAssignment> hops, PathTable table, Residual residual, int chainsInBatch) {
        SelectionWeights w = chain.weights();
        return attempt(chain, hops, table, residual, labelBudget(chainsInBatch),
                new ChainSearch.Costs(w.price(), w.latencyPerMs(), w.interDomainCrossing()), chainsInBatch > 1, null,
                residual.freeMbps()).plan();
    }

    /**
     * The fastest plan within the chain's bounds. With {@code quick} false the search looks at every route, so an
     * attempt that finishes without a plan proves there is none.
     */
    static Attempt fastest(ChainFact chain, List<HopAssignment> hops, PathTable table, Residual residual, int chainsInBatch,
                           boolean quick) {
        return attempt(chain, hops, table, residual, labelBudget(chainsInBatch), ChainSearch.Costs.FASTEST, quick, null,
                residual.freeMbps());
    }

    /**
     * The fastest plan (quick search) when each offer costs {@code offerPenalty[offer id]} more, in milliseconds of
     * latency, and only the links with {@code freeMbps[link index]} are usable (a copy of the residual's with the links
     * to avoid at 0): a chain's plan priced away from contested offers and links. Its cost is the chain's real cost.
     */
    static Plan priced(ChainFact chain, List<HopAssignment> hops, PathTable table, Residual residual, int chainsInBatch,
                       double[] offerPenalty, double[] freeMbps) {
        return attempt(chain, hops, table, residual, labelBudget(chainsInBatch), ChainSearch.Costs.FASTEST, true, offerPenalty,
                freeMbps).plan();
    }

    /**
     * A lower bound of the least {@code sum over the plan's offers of perSlot[o] + perKbps[o] x the chain's kbps, plus
     * perKbpsOfLink[l] x the chain's kbps for every crossing of a link l} over every plan of the chain (one admissible
     * offer per hop that fits {@code residual} on its own, every leg on one of its routes within the links' free
     * bandwidth, the latency bound and budget; other chains ignored), with the plan the search found for it (null when
     * none). Exact when the search finishes within {@code labelBudget} and is not {@code quick} (which looks at a leg's
     * other routes only where its shortest is full); infinite when the chain has no plan. What {@link PlanPricing} and
     * the column generation of {@link ColumnPacking} price a chain's use of offers and links with.
     */
    record Least(double lowerBound, Plan plan, boolean exact) {
    }

    /** Latency weight that only breaks ties between plans of equal prices (per millisecond). */
    static final double TIE_PER_MS = 1e-7;

    static Least least(ChainFact chain, List<HopAssignment> hops, PathTable table, Residual residual, double[] perSlot,
                       double[] perKbps, double[] perKbpsOfLink, long labelBudget, boolean quick) {
        double[] extra = new double[perSlot.length];
        for (int o = 0; o < extra.length; o++) {
            extra[o] = perSlot[o] + perKbps[o] * chain.bandwidthKbps();
        }
        double[] perLink = new double[perKbpsOfLink.length];
        for (int k = 0; k < perLink.length; k++) {
            perLink[k] = perKbpsOfLink[k] * chain.bandwidthKbps();
        }
        Layers l = layers(chain, hops, table, residual, extra, false);
        if (l == null) {
            return new Least(Double.POSITIVE_INFINITY, null, true);
        }
        ChainSearch search = new ChainSearch(chain.paths(), table.index(chain.ingress()), table.index(chain.egress()), l.candidates,
                residual.freeMbps(), chain.bandwidthMbps(), labelBudget).quick(quick);
        double maxLatency = chain.order().maxLatencyMs();
        ChainSearch.Outcome outcome = search.best(new ChainSearch.Costs(0, TIE_PER_MS, 0, perLink), maxLatency,
                chain.order().maxPricePerHour());
        if (outcome.found() == null && outcome.complete() && !quick) {
            return new Least(Double.POSITIVE_INFINITY, null, true);
        }
        // the search's cost adds at most TIE_PER_MS x the latency bound to the offers' and links' costs
        double bound = Math.max(0, outcome.lowerBound() - TIE_PER_MS * maxLatency);
        ChainSearch.Found found = outcome.found();
        return new Least(quick ? 0 : bound, found == null ? null : plan(chain, hops, l, found), outcome.complete() && !quick);
    }

    /** Per hop, the admissible offers that fit {@code residual} and their search candidates. */
    private record Layers(List<List<OfferFact>> facts, List<List<ChainSearch.Candidate>> candidates) {
        OfferFact[] offers(ChainSearch.Found found) {
            OfferFact[] offers = new OfferFact[facts.size()];
            for (int i = 0; i < offers.length; i++) {
                offers[i] = facts.get(i).get(found.choice()[i]);
            }
            return offers;
        }
    }

    /** The layers, null when some hop has no offer that fits; {@code changed}: a changed hop costs its weight. */
    private static Layers layers(ChainFact chain, List<HopAssignment> hops, PathTable table, Residual residual, double[] offerExtra,
                                 boolean changed) {
        List<List<OfferFact>> facts = new ArrayList<>();
        List<List<ChainSearch.Candidate>> layers = new ArrayList<>();
        for (HopAssignment h : hops) {
            List<OfferFact> fitting = new ArrayList<>();
            List<ChainSearch.Candidate> candidates = new ArrayList<>();
            for (OfferFact o : h.getCandidates()) {
                if (residual.offerFits(o, chain.bandwidthKbps())) {
                    fitting.add(o);
                    candidates.add(new ChainSearch.Candidate(o.state(), table.index(o),
                            o.state().offer().priceFor(chain.bandwidthMbps()), o.state().processingLatencyMs(),
                            (changed ? changedCost(h, o) : 0) + (offerExtra == null ? 0 : offerExtra[o.id()])));
                }
            }
            if (fitting.isEmpty()) {
                return null;
            }
            facts.add(fitting);
            layers.add(candidates);
        }
        return new Layers(facts, layers);
    }

    private static Attempt attempt(ChainFact chain, List<HopAssignment> hops, PathTable table, Residual residual, long labelBudget,
                                   ChainSearch.Costs costs, boolean quick, double[] offerPenalty, double[] freeMbps) {
        Layers l = layers(chain, hops, table, residual, offerPenalty, true);
        if (l == null) {
            return new Attempt(null, true);
        }
        ChainSearch search = new ChainSearch(chain.paths(), table.index(chain.ingress()), table.index(chain.egress()), l.candidates,
                freeMbps, chain.bandwidthMbps(), labelBudget).quick(quick);
        double maxLatency = chain.order().maxLatencyMs();
        double maxPrice = chain.order().maxPricePerHour();
        ChainSearch.Outcome outcome = search.best(costs, maxLatency, maxPrice);
        if (outcome.found() == null && costs != ChainSearch.Costs.FASTEST) {
            // none found within the budget: any chain within the bounds will do, fastest first
            outcome = search.best(ChainSearch.Costs.FASTEST, maxLatency, maxPrice);
        }
        ChainSearch.Found found = outcome.found();
        if (found == null) {
            return new Attempt(null, outcome.complete() && !quick);
        }
        return new Attempt(plan(chain, hops, l, found), outcome.complete() && !quick);
    }

    /** The plan {@code found} in the layers {@code l}, with the chain's soft cost. */
    private static Plan plan(ChainFact chain, List<HopAssignment> hops, Layers l, ChainSearch.Found found) {
        OfferFact[] offers = l.offers(found);
        return new Plan(offers, found.legs(), cost(chain.weights(), hops, offers, found.legs(), found.latency(), found.price()));
    }

    private static double changedCost(HopAssignment h, OfferFact o) {
        return h.getPreviousOffer() != null && !h.getPreviousOffer().equals(o.offerId()) ? h.getChain().weights().changedHop() : 0;
    }

    /** The chain's soft cost: weighted price, latency, border crossings and changed hops. */
    private static double cost(SelectionWeights w, List<HopAssignment> hops, OfferFact[] offers, Leg[] legs, double latency,
                               double price) {
        double cost = w.price() * price + w.latencyPerMs() * latency;
        for (Leg leg : legs) {
            cost += w.interDomainCrossing() * leg.crossings();
        }
        for (int i = 0; i < offers.length; i++) {
            cost += changedCost(hops.get(i), offers[i]);
        }
        return cost;
    }
}
