package org.chainmarket.selection.solver;

import org.chainmarket.selection.domain.ChainFact;
import org.chainmarket.selection.domain.HopAssignment;
import org.chainmarket.selection.domain.OfferFact;
import org.chainmarket.selection.domain.SelectionSolution;
import org.optaplanner.core.api.score.director.ScoreDirector;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The chains placed so far while the construction works: one {@link ChainPlacer.Plan} per placed chain and the
 * capacity they leave ({@link Residual}), kept in step by {@link #insert}, {@link #remove} and {@link #restore} only.
 * {@link #write} puts the plans into the working solution.
 */
final class Placements {
    /** Cost of leaving a chain unserved in comparisons: more than any served chain costs. */
    static final double UNSERVED = 1e9;

    final SelectionSolution solution;
    final Map<ChainFact, List<HopAssignment>> byChain = new LinkedHashMap<>();
    final Residual residual;
    private final Map<ChainFact, ChainPlacer.Plan> plans = new LinkedHashMap<>();
    private double cost;

    Placements(SelectionSolution solution) {
        this.solution = solution;
        for (HopAssignment h : solution.getHops()) {
            byChain.computeIfAbsent(h.getChain(), c -> new ArrayList<>()).add(h);
        }
        byChain.values().forEach(l -> l.sort(Comparator.comparingInt(HopAssignment::getIndex)));
        this.residual = new Residual(solution);
    }

    List<ChainFact> chains() {
        return new ArrayList<>(byChain.keySet());
    }

    ChainPlacer.Plan plan(ChainFact chain) {
        return plans.get(chain);
    }

    /** Places {@code chain} at its best on what is left; returns the plan (null = it fits nowhere, stays unserved). */
    ChainPlacer.Plan insert(ChainFact chain) {
        ChainPlacer.Plan plan = best(chain);
        restore(chain, plan);
        return plan;
    }

    /**
     * The fastest plan for {@code chain} on what is left, without placing it; with {@code quick} false an attempt that
     * finishes without a plan proves there is none.
     */
    ChainPlacer.Attempt fastest(ChainFact chain, boolean quick) {
        return ChainPlacer.fastest(chain, byChain.get(chain), solution.getPaths(), residual, byChain.size(), quick);
    }

    /** Places {@code chain} along {@code preferred} when that still fits, otherwise on its fastest plan on what is left (null: unserved). */
    ChainPlacer.Plan insertFastest(ChainFact chain, ChainPlacer.Plan preferred) {
        if (preferred != null && residual.fits(chain, preferred)) {
            restore(chain, preferred);
            return preferred;
        }
        ChainPlacer.Plan plan = fastest(chain, true).plan();
        restore(chain, plan);
        return plan;
    }

    /** The best plan for {@code chain} on what is left, without placing it (null when none fits). */
    ChainPlacer.Plan best(ChainFact chain) {
        return ChainPlacer.best(chain, byChain.get(chain), solution.getPaths(), residual, byChain.size());
    }

    /** Puts {@code plan} back for {@code chain} (null: leaves it unserved). */
    void restore(ChainFact chain, ChainPlacer.Plan plan) {
        if (plan != null) {
            residual.apply(chain, plan, -1);
            plans.put(chain, plan);
            cost += plan.cost();
        } else {
            plans.remove(chain);
        }
    }

    /** Takes {@code chain} out; returns the plan it had (null when it was unserved). */
    ChainPlacer.Plan remove(ChainFact chain) {
        ChainPlacer.Plan plan = plans.remove(chain);
        if (plan != null) {
            residual.apply(chain, plan, +1);
            cost -= plan.cost();
        }
        return plan;
    }

    /** Takes every chain out. */
    void clear() {
        for (ChainFact c : new ArrayList<>(plans.keySet())) {
            remove(c);
        }
        cost = 0;
    }

    /** Chains placed. */
    int served() {
        return plans.size();
    }

    /** Summed soft cost of the placed chains. */
    double cost() {
        return cost;
    }

    /** Whether this placement is better than one serving {@code served} chains at {@code cost}: more served, or as many for less. */
    boolean betterThan(int served, double cost) {
        return served() > served || served() == served && cost() < cost - 1e-9 * Math.max(1, Math.abs(cost));
    }

    /** The plan of every placed chain (a copy). */
    Map<ChainFact, ChainPlacer.Plan> plans() {
        return new LinkedHashMap<>(plans);
    }

    /** Replaces every placement with {@code saved} (as returned by {@link #plans()}). */
    void reset(Map<ChainFact, ChainPlacer.Plan> saved) {
        clear();
        saved.forEach(this::restore);
    }

    static double cost(ChainPlacer.Plan plan) {
        return plan == null ? UNSERVED : plan.cost();
    }

    /** Writes every chain's offers and routes into the working solution. */
    void write(ScoreDirector<SelectionSolution> scoreDirector) {
        for (Map.Entry<ChainFact, List<HopAssignment>> e : byChain.entrySet()) {
            ChainPlacer.Plan plan = plans.get(e.getKey());
            List<HopAssignment> hops = e.getValue();
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
}
