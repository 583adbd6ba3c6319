package org.chainmarket.placement.bench;

import org.chainmarket.placement.PlacementEngine;
import org.chainmarket.placement.domain.PlacementSolution;
import org.chainmarket.placement.domain.SolutionBuilder;
import org.chainmarket.placement.greedy.FirstFitPlanner;
import org.chainmarket.placement.model.PlacementProblem;
import org.chainmarket.placement.plan.PlanScorer;
import org.chainmarket.placement.plan.Placement;
import org.chainmarket.placement.solver.PlacementWeights;
import org.chainmarket.placement.solver.SolverLimits;
import org.chainmarket.placement.solver.SolverPlanner;
import org.chainmarket.selection.topology.Topology;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The solver against the exact MILP on small generated problems (Abilene, 2 providers, about 10 instances, about 100
 * demand units): feasible, within 1 % of the proven optimum, no worse than greedy. The solver is limited by score
 * calculations (30,000), not time, so that the outcome does not depend on how busy the machine is.
 */
class ExactReferenceTest {

    @ParameterizedTest(name = "Abilene, 10 instances, seed {0}")
    @ValueSource(longs = {1, 3, 4, 5, 6})
    void theSolverIsWithinOnePercentOfTheExactOptimum(long seed) {
        Scenarios.Market market = Scenarios.market(Topology.bundled("Abilene"), 2, 10, seed);
        PlacementProblem problem = Scenarios.problem(market, 10, seed);
        PlacementSolution forExact = SolutionBuilder.build(problem, PlacementWeights.DEFAULT, PlacementEngine.DEFAULT_UNIT_MBPS);
        MilpPlanner milp = new MilpPlanner(120_000);
        Placement exact = milp.plan(forExact);
        PlanScorer.Scored exactScore = PlanScorer.score(forExact, exact);
        assertThat(milp.lastOptimal()).isTrue();
        assertThat(exactScore.feasible()).isTrue();

        PlacementSolution forSolver = SolutionBuilder.build(problem, PlacementWeights.DEFAULT, PlacementEngine.DEFAULT_UNIT_MBPS);
        PlanScorer.Scored solver = PlanScorer.score(forSolver, new SolverPlanner(n -> SolverLimits.calculations(30_000)).plan(forSolver));
        PlacementSolution forGreedy = SolutionBuilder.build(problem, PlacementWeights.DEFAULT, PlacementEngine.DEFAULT_UNIT_MBPS);
        PlanScorer.Scored greedy = PlanScorer.score(forGreedy, new FirstFitPlanner().plan(forGreedy));

        assertThat(solver.feasible()).isTrue();
        assertThat(solver.objective()).isGreaterThanOrEqualTo(exactScore.objective() - 1e-3);
        assertThat(solver.objective()).isLessThanOrEqualTo(exactScore.objective() * 1.01 + 1e-6);
        assertThat(solver.objective()).isLessThanOrEqualTo(greedy.objective());
    }
}
