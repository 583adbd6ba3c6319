package org.chainmarket.placement.solver;

import org.chainmarket.placement.domain.CellAllocation;
import org.chainmarket.placement.domain.DemandAssignment;
import org.chainmarket.placement.domain.PlacementSolution;
import org.chainmarket.placement.plan.Placement;
import org.chainmarket.placement.plan.Planner;
import org.optaplanner.core.api.score.stream.ConstraintStreamImplType;
import org.optaplanner.core.api.solver.SolverFactory;
import org.optaplanner.core.config.heuristic.selector.entity.EntitySelectorConfig;
import org.optaplanner.core.config.heuristic.selector.entity.pillar.PillarSelectorConfig;
import org.optaplanner.core.config.heuristic.selector.move.composite.UnionMoveSelectorConfig;
import org.optaplanner.core.config.heuristic.selector.move.factory.MoveIteratorFactoryConfig;
import org.optaplanner.core.config.heuristic.selector.move.generic.ChangeMoveSelectorConfig;
import org.optaplanner.core.config.heuristic.selector.move.generic.PillarChangeMoveSelectorConfig;
import org.optaplanner.core.config.heuristic.selector.move.generic.SwapMoveSelectorConfig;
import org.optaplanner.core.config.heuristic.selector.value.ValueSelectorConfig;
import org.optaplanner.core.config.localsearch.LocalSearchPhaseConfig;
import org.optaplanner.core.config.localsearch.decider.acceptor.LocalSearchAcceptorConfig;
import org.optaplanner.core.config.localsearch.decider.forager.LocalSearchForagerConfig;
import org.optaplanner.core.config.phase.custom.CustomPhaseConfig;
import org.optaplanner.core.config.solver.SolverConfig;
import org.optaplanner.core.config.solver.termination.TerminationConfig;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

/**
 * Placement with OptaPlanner (Bavet): starts from a cheapest-insertion plan ({@link InsertionInitializer}), then late-acceptance
 * local search over instance counts and unit assignments: change moves on both, swaps of units, pillar moves that
 * carry every unit of a cell to another at once, and {@link CellMoveFactory}'s moves that close or open one instance
 * and move the units that follow from it in the same step.
 * Thread-safe: solver factories are shared, every call builds its own solver.
 */
public final class SolverPlanner implements Planner {
    private static final Map<SolverLimits, SolverFactory<PlacementSolution>> FACTORIES = new ConcurrentHashMap<>();

    private final IntFunction<SolverLimits> limits;

    public SolverPlanner(IntFunction<SolverLimits> limits) {
        this.limits = limits;
    }

    public SolverPlanner() {
        this(SolverLimits::forSize);
    }

    @Override
    public String name() {
        return "solver";
    }

    @Override
    public Placement plan(PlacementSolution problem) {
        if (problem.getCells().isEmpty()) {
            return new Placement(new int[0], problem.getUnits().stream().mapToInt(u -> -1).toArray());
        }
        SolverLimits l = limits.apply(problem.getCells().size() + problem.getUnits().size());
        PlacementSolution solved = FACTORIES.computeIfAbsent(l, x -> SolverFactory.create(solverConfig(x))).buildSolver().solve(problem);
        return Placement.of(solved);
    }

    private static TerminationConfig termination(SolverLimits limits) {
        TerminationConfig t = new TerminationConfig().withSpentLimit(limits.spent()).withUnimprovedSpentLimit(limits.unimproved());
        return limits.calculations() > 0 ? t.withScoreCalculationCountLimit(limits.calculations()) : t;
    }

    /** The configuration: cheapest insertion, then local search within {@code limits}. */
    public static SolverConfig solverConfig(SolverLimits limits) {
        EntitySelectorConfig units = new EntitySelectorConfig(DemandAssignment.class);
        EntitySelectorConfig cells = new EntitySelectorConfig(CellAllocation.class);
        UnionMoveSelectorConfig moves = new UnionMoveSelectorConfig(List.of(
                new ChangeMoveSelectorConfig().withEntitySelectorConfig(units).withValueSelectorConfig(new ValueSelectorConfig("cell"))
                        .withFixedProbabilityWeight(4.0),
                new ChangeMoveSelectorConfig().withEntitySelectorConfig(cells).withValueSelectorConfig(new ValueSelectorConfig("count"))
                        .withFixedProbabilityWeight(1.0),
                new SwapMoveSelectorConfig().withEntitySelectorConfig(units).withFixedProbabilityWeight(2.0),
                new PillarChangeMoveSelectorConfig()
                        .withPillarSelectorConfig(new PillarSelectorConfig().withEntitySelectorConfig(units))
                        .withValueSelectorConfig(new ValueSelectorConfig("cell")).withFixedProbabilityWeight(1.0),
                new MoveIteratorFactoryConfig().withMoveIteratorFactoryClass(CellMoveFactory.class).withFixedProbabilityWeight(4.0)));
        return new SolverConfig()
                .withSolutionClass(PlacementSolution.class)
                .withEntityClasses(CellAllocation.class, DemandAssignment.class)
                .withConstraintProviderClass(PlacementConstraintProvider.class)
                .withConstraintStreamImplType(ConstraintStreamImplType.BAVET)
                .withRandomSeed(42L)
                .withPhases(new CustomPhaseConfig().withCustomPhaseCommandList(List.of(new InsertionInitializer())),
                        new LocalSearchPhaseConfig()
                                .withMoveSelectorConfig(moves)
                                .withAcceptorConfig(new LocalSearchAcceptorConfig().withLateAcceptanceSize(20))
                                .withForagerConfig(new LocalSearchForagerConfig().withAcceptedCountLimit(1))
                                .withTerminationConfig(termination(limits)));
    }
}
