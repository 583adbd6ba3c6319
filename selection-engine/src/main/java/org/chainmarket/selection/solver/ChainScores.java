package org.chainmarket.selection.solver;

import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.selection.ChainRequest;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One selected chain's soft score per constraint in EUR/h-equivalents, computed the same way for every strategy
 * (solver, greedy, exact) from the concrete chain. Load balance is a property of a whole batch and is reported in
 * {@link OptaPlannerSelector.BatchOutcome#totals()} instead.
 */
public final class ChainScores {
    private ChainScores() {
    }

    public static Map<String, Double> of(ConcreteChain chain, ChainRequest request, SelectionWeights w) {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put(SelectionConstraintProvider.PRICE, w.price() * chain.pricePerHour());
        out.put(SelectionConstraintProvider.LATENCY, w.latencyPerMs() * chain.latencyMs());
        out.put(SelectionConstraintProvider.INTER_DOMAIN, w.interDomainCrossing() * crossings(chain));
        int changed = 0;
        for (ConcreteChain.Hop h : chain.hops()) {
            var before = request.previousOffer(h.index());
            if (before != null && !before.equals(h.offerId())) {
                changed++;
            }
        }
        out.put(SelectionConstraintProvider.CHANGED_HOP, w.changedHop() * changed);
        return out;
    }

    /** Border links the chain's path crosses. */
    public static int crossings(ConcreteChain chain) {
        int n = 0;
        for (int i = 0; i + 1 < chain.path().size(); i++) {
            if (!chain.path().get(i).providerId().equals(chain.path().get(i + 1).providerId())) {
                n++;
            }
        }
        return n;
    }
}
