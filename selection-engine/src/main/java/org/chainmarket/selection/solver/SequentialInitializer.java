package org.chainmarket.selection.solver;

import org.chainmarket.selection.domain.ChainFact;
import org.chainmarket.selection.domain.HopAssignment;
import org.chainmarket.selection.domain.OfferFact;
import org.chainmarket.selection.domain.SelectionSolution;
import org.optaplanner.core.api.score.director.ScoreDirector;
import org.optaplanner.core.impl.phase.custom.CustomPhaseCommand;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The construction phase, chain by chain with {@link ChainPlacer}: first every chain (widest first) gets its best offers
 * and routes on the capacity the earlier ones left; then, while time allows, each chain in turn is taken out and put back at
 * its best given all others (which lets a chain move once a better place frees up), and for small batches each
 * pair of chains is re-inserted in both orders (which resolves two chains competing for one cheap offer).
 * A chain that fits nowhere stays unserved. Only the result is written to the working solution.
 */
public class SequentialInitializer implements CustomPhaseCommand<SelectionSolution> {
    /** Cost of leaving a chain unserved in the comparisons here: more than any served chain costs. */
    private static final double UNSERVED = 1e9;
    private static final int PAIR_PASS_MAX_CHAINS = 40;

    private final long budgetNanos;

    public SequentialInitializer(long budgetNanos) {
        this.budgetNanos = budgetNanos;
    }

    @Override
    public void changeWorkingSolution(ScoreDirector<SelectionSolution> scoreDirector) {
        long deadline = System.nanoTime() + budgetNanos;
        SelectionSolution solution = scoreDirector.getWorkingSolution();
        Map<ChainFact, List<HopAssignment>> byChain = new LinkedHashMap<>();
        for (HopAssignment h : solution.getHops()) {
            byChain.computeIfAbsent(h.getChain(), c -> new ArrayList<>()).add(h);
        }
        byChain.values().forEach(l -> l.sort(Comparator.comparingInt(HopAssignment::getIndex)));
        Residual residual = new Residual(solution);
        List<ChainFact> chains = new ArrayList<>(byChain.keySet());
        chains.sort(Comparator.comparingLong(ChainFact::bandwidthKbps).reversed().thenComparingInt(ChainFact::id));
        Map<ChainFact, ChainPlacer.Plan> plans = new LinkedHashMap<>();
        for (ChainFact chain : chains) {
            insert(chain, byChain.get(chain), solution, residual, plans);
        }
        boolean improved = true;
        for (int pass = 0; improved && pass < 5 && System.nanoTime() < deadline; pass++) {
            improved = false;
            for (ChainFact chain : chains) {
                if (System.nanoTime() > deadline) {
                    break;
                }
                ChainPlacer.Plan before = remove(chain, residual, plans);
                ChainPlacer.Plan after = insert(chain, byChain.get(chain), solution, residual, plans);
                if (cost(after) < cost(before) - 1e-9) {
                    improved = true;
                } else if (after != before) {
                    remove(chain, residual, plans);
                    restore(chain, before, residual, plans);
                }
            }
            if (chains.size() <= PAIR_PASS_MAX_CHAINS) {
                for (int i = 0; i < chains.size(); i++) {
                    for (int j = i + 1; j < chains.size() && System.nanoTime() < deadline; j++) {
                        improved |= reinsertPair(chains.get(i), chains.get(j), byChain, solution, residual, plans);
                    }
                }
            }
        }
        for (ChainFact chain : chains) {
            ChainPlacer.Plan plan = plans.get(chain);
            List<HopAssignment> hops = byChain.get(chain);
            for (int i = 0; i < hops.size(); i++) {
                HopAssignment h = hops.get(i);
                OfferFact value = plan == null ? null : plan.offers()[i];
                if (h.getOffer() != value) {
                    scoreDirector.beforeVariableChanged(h, "offer");
                    h.setOffer(value);
                    scoreDirector.afterVariableChanged(h, "offer");
                }
                Integer routeIn = plan == null ? 0 : plan.legs()[i].route();
                if (!routeIn.equals(h.getRouteIn())) {
                    scoreDirector.beforeVariableChanged(h, "routeIn");
                    h.setRouteIn(routeIn);
                    scoreDirector.afterVariableChanged(h, "routeIn");
                }
                Integer routeOut = plan == null || h.getNext() != null ? 0 : plan.legs()[i + 1].route();
                if (!routeOut.equals(h.getRouteOut())) {
                    scoreDirector.beforeVariableChanged(h, "routeOut");
                    h.setRouteOut(routeOut);
                    scoreDirector.afterVariableChanged(h, "routeOut");
                }
            }
        }
        scoreDirector.triggerVariableListeners();
    }

    private boolean reinsertPair(ChainFact a, ChainFact b, Map<ChainFact, List<HopAssignment>> byChain, SelectionSolution solution,
                                 Residual residual, Map<ChainFact, ChainPlacer.Plan> plans) {
        ChainPlacer.Plan a0 = remove(a, residual, plans);
        ChainPlacer.Plan b0 = remove(b, residual, plans);
        double before = cost(a0) + cost(b0);
        ChainPlacer.Plan[] best = null;
        double bestCost = before - 1e-9;
        for (boolean aFirst : new boolean[]{true, false}) {
            ChainFact first = aFirst ? a : b;
            ChainFact second = aFirst ? b : a;
            ChainPlacer.Plan p1 = insert(first, byChain.get(first), solution, residual, plans);
            ChainPlacer.Plan p2 = insert(second, byChain.get(second), solution, residual, plans);
            double c = cost(p1) + cost(p2);
            if (c < bestCost) {
                bestCost = c;
                best = aFirst ? new ChainPlacer.Plan[]{p1, p2} : new ChainPlacer.Plan[]{p2, p1};
            }
            remove(first, residual, plans);
            remove(second, residual, plans);
        }
        if (best == null) {
            restore(a, a0, residual, plans);
            restore(b, b0, residual, plans);
            return false;
        }
        restore(a, best[0], residual, plans);
        restore(b, best[1], residual, plans);
        return true;
    }

    private static double cost(ChainPlacer.Plan plan) {
        return plan == null ? UNSERVED : plan.cost();
    }

    private static ChainPlacer.Plan insert(ChainFact chain, List<HopAssignment> hops, SelectionSolution solution, Residual residual,
                                       Map<ChainFact, ChainPlacer.Plan> plans) {
        ChainPlacer.Plan plan = ChainPlacer.best(chain, hops, solution.getPaths(), residual);
        restore(chain, plan, residual, plans);
        return plan;
    }

    private static void restore(ChainFact chain, ChainPlacer.Plan plan, Residual residual, Map<ChainFact, ChainPlacer.Plan> plans) {
        if (plan != null) {
            residual.apply(chain, plan, -1);
            plans.put(chain, plan);
        } else {
            plans.remove(chain);
        }
    }

    private static ChainPlacer.Plan remove(ChainFact chain, Residual residual, Map<ChainFact, ChainPlacer.Plan> plans) {
        ChainPlacer.Plan plan = plans.remove(chain);
        if (plan != null) {
            residual.apply(chain, plan, +1);
        }
        return plan;
    }
}
