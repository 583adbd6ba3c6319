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
 * Places one chain of a batch at its best given the capacity the others left ({@link Residual}): the exact
 * single-chain search ({@link ChainSearch}) over the hop's candidate offers that still fit, every leg on one of its k
 * routes within the links' residual bandwidth, minimizing the chain's soft cost (price, latency, border crossings,
 * changed hops). Batch-wide load balance is left to local search.
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

    /** A chain's offers per hop, its legs (ingress to hop 1, ..., last hop to egress) and its soft cost in EUR/h-equivalents. */
    record Plan(OfferFact[] offers, Leg[] legs, double cost) {
    }

    /** The best plan, or null when no combination fits the residual capacity and the chain's bounds (or none was found within the budget). */
    static Plan best(ChainFact chain, List<HopAssignment> hops, PathTable table, Residual residual, int chainsInBatch) {
        SelectionWeights w = chain.weights();
        List<List<OfferFact>> facts = new ArrayList<>();
        List<List<ChainSearch.Candidate>> layers = new ArrayList<>();
        for (HopAssignment h : hops) {
            List<OfferFact> fitting = new ArrayList<>();
            List<ChainSearch.Candidate> candidates = new ArrayList<>();
            for (OfferFact o : h.getCandidates()) {
                if (residual.offerFits(o, chain.bandwidthKbps())) {
                    fitting.add(o);
                    boolean changed = h.getPreviousOffer() != null && !h.getPreviousOffer().equals(o.offerId());
                    candidates.add(new ChainSearch.Candidate(o.state(), table.index(o.switchId()),
                            o.state().offer().priceFor(chain.bandwidthMbps()), o.state().processingLatencyMs(),
                            changed ? w.changedHop() : 0));
                }
            }
            if (fitting.isEmpty()) {
                return null;
            }
            facts.add(fitting);
            layers.add(candidates);
        }
        ChainSearch search = new ChainSearch(chain.paths(), table.index(chain.ingress()), table.index(chain.egress()), layers,
                residual.freeMbps(), chain.bandwidthMbps(), labelBudget(chainsInBatch));
        ChainSearch.Found found = search.best(new ChainSearch.Costs(w.price(), w.latencyPerMs(), w.interDomainCrossing()),
                chain.order().maxLatencyMs(), chain.order().maxPricePerHour()).found();
        if (found == null) {
            return null;
        }
        OfferFact[] offers = new OfferFact[hops.size()];
        for (int i = 0; i < offers.length; i++) {
            offers[i] = facts.get(i).get(found.choice()[i]);
        }
        return new Plan(offers, found.legs(), found.cost());
    }
}
