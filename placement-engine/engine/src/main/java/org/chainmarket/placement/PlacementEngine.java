package org.chainmarket.placement;

import org.chainmarket.placement.domain.PlacementSolution;
import org.chainmarket.placement.domain.SolutionBuilder;
import org.chainmarket.placement.model.PlacementProblem;
import org.chainmarket.placement.plan.PlanExplainer;
import org.chainmarket.placement.plan.PlanScorer;
import org.chainmarket.placement.plan.Placement;
import org.chainmarket.placement.plan.Planner;
import org.chainmarket.placement.solver.PlacementWeights;
import org.chainmarket.schemas.model.PlacementPlan;
import org.chainmarket.schemas.model.ProviderId;

import java.time.Instant;
import java.util.function.Function;

/**
 * One placement round: build the solver's view of a problem, let a {@link Planner} choose, score the choice with the
 * placement constraints and explain it as a {@link PlacementPlan}.
 *
 * @param weights  the soft weights
 * @param unitMbps demand is cut into units of at most this many Mbit/s
 */
public record PlacementEngine(PlacementWeights weights, double unitMbps) {
    /** Demand cut into units of at most 100 Mbit/s. */
    public static final double DEFAULT_UNIT_MBPS = 100;

    public static PlacementEngine defaults() {
        return new PlacementEngine(PlacementWeights.DEFAULT, DEFAULT_UNIT_MBPS);
    }

    /** A round's outcome: the plan as published, the raw plan, its score and how long planning took. */
    public record Outcome(PlacementPlan plan, Placement placement, PlanScorer.Scored score, long planMillis,
                          PlacementSolution solution) {
    }

    public Outcome plan(PlacementProblem problem, Planner planner, String planId, PlacementPlan.Trigger trigger, Instant at,
                        Function<ProviderId, PlacementPlan.Approval> approval) {
        PlacementSolution solution = SolutionBuilder.build(problem, weights, unitMbps);
        long t0 = System.nanoTime();
        Placement placement = planner.plan(solution);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        PlacementPlan plan = PlanExplainer.explain(solution, placement, planId, trigger, planner.name(), at, approval);
        return new Outcome(plan, placement, PlanScorer.score(solution, placement), millis, solution);
    }
}
