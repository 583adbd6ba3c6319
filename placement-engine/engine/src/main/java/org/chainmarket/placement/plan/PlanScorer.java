package org.chainmarket.placement.plan;

import org.chainmarket.placement.domain.PlacementSolution;
import org.chainmarket.placement.domain.Units;
import org.chainmarket.placement.solver.PlacementConstraintProvider;
import org.chainmarket.placement.solver.SolverLimits;
import org.chainmarket.placement.solver.SolverPlanner;
import org.optaplanner.core.api.score.ScoreExplanation;
import org.optaplanner.core.api.score.buildin.hardsoftlong.HardSoftLongScore;
import org.optaplanner.core.api.score.constraint.ConstraintMatchTotal;
import org.optaplanner.core.api.solver.SolutionManager;
import org.optaplanner.core.api.solver.SolverFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Scores any plan with the placement constraints (the one scoring every planner is judged by): hard violations per
 * constraint, and the soft objective in EUR/h-equivalents, in total and per constraint.
 */
public final class PlanScorer {
    private static final SolutionManager<PlacementSolution, HardSoftLongScore> MANAGER =
            SolutionManager.create(SolverFactory.<PlacementSolution>create(SolverPlanner.solverConfig(SolverLimits.forSize(0))));

    private PlanScorer() {
    }

    /** The score of a plan: {@code hard} (0 = feasible), {@code objective} (EUR/h-equivalents) and each constraint's total. */
    public record Scored(long hard, double objective, Map<String, Long> hardTotals, Map<String, Double> softTotals) {
        public boolean feasible() {
            return hard == 0;
        }
    }

    /** Writes {@code placement} into {@code solution} and scores it. */
    public static Scored score(PlacementSolution solution, Placement placement) {
        placement.applyTo(solution);
        return score(solution);
    }

    /** Scores the plan {@code solution} holds. */
    public static Scored score(PlacementSolution solution) {
        ScoreExplanation<PlacementSolution, HardSoftLongScore> ex = MANAGER.explain(solution);
        Map<String, Long> hard = new LinkedHashMap<>();
        Map<String, Double> soft = new LinkedHashMap<>();
        PlacementConstraintProvider.HARD.forEach(n -> hard.put(n, 0L));
        PlacementConstraintProvider.SOFT.forEach(n -> soft.put(n, 0.0));
        for (ConstraintMatchTotal<HardSoftLongScore> t : ex.getConstraintMatchTotalMap().values()) {
            String name = t.getConstraintName();
            if (hard.containsKey(name)) {
                hard.put(name, -t.getScore().hardScore());
            } else {
                soft.put(name, Units.eur(-t.getScore().softScore()));
            }
        }
        HardSoftLongScore s = ex.getScore();
        return new Scored(-s.hardScore(), Units.eur(-s.softScore()), hard, soft);
    }
}
