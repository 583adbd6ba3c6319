package org.chainmarket.selection.testing;

import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.Objective;
import org.chainmarket.selection.SelectionResult;
import org.chainmarket.selection.Steering;
import org.chainmarket.selection.exact.LayeredParetoSelector;
import org.chainmarket.selection.solver.OptaPlannerSelector;
import org.chainmarket.selection.solver.SelectionWeights;
import org.chainmarket.selection.solver.SolverLimits;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The engine against an independent optimum (a MILP solved by SCIP) on small generated problems with tight links,
 * repeated VNF types and scarce offers: the exact single-chain selector finds the MILP's optimum, and the batch solver
 * serves as many chains as the MILP's optimum, within 2 % of its objective, overbooking nothing.
 */
class MilpReferenceTest {
    private static final MilpReference MILP = new MilpReference(Objective.DEFAULT, 3);
    private static final long LIMIT_MS = 120_000;

    @Test
    void theExactSelectorFindsTheMilpOptimumOfSingleChains() {
        LayeredParetoSelector exact = new LayeredParetoSelector(Objective.DEFAULT, Steering.NO_PROXIES, 3);
        int served = 0;
        for (long seed = 0; seed < 12; seed++) {
            GeneratedProblem p = CarrierProblems.generate(new CarrierProblems.Spec(30, 3, 3, 5, 3, 5, 1, 50, 0.3, 40 + seed));
            ChainRequest r = p.requests().get(0);
            MilpReference.Result m = MILP.solve(p.market(), p.requests(), LIMIT_MS);
            assertThat(m.optimal()).as(p.name()).isTrue();
            SelectionResult e = exact.select(p.market(), r);
            if (m.served() == 0) {
                assertThat(e).as(p.name()).isInstanceOf(SelectionResult.Rejected.class);
                continue;
            }
            served++;
            assertThat(e).as(p.name()).isInstanceOf(SelectionResult.Selected.class);
            assertThat(((SelectionResult.Selected) e).objective()).as(p.name()).isCloseTo(m.objective(), within(1e-6));
        }
        assertThat(served).isGreaterThanOrEqualTo(6);
    }

    @Test
    void theSolverServesAsManyChainsAsTheMilpOptimumOfSmallScarceBatches() {
        // limited by score calculations, not time, so that the answer does not depend on how busy the machine is
        OptaPlannerSelector solver = new OptaPlannerSelector(SelectionWeights.objectiveOnly(Objective.DEFAULT), Steering.NO_PROXIES,
                hops -> SolverLimits.calculations(200_000));
        for (long seed = 0; seed < 4; seed++) {
            GeneratedProblem p = CarrierProblems.generate(new CarrierProblems.Spec(30, 3, 3, 5, 5, 4, 6, 0.7, 0.2, 70 + seed));
            MilpReference.Result m = MILP.solve(p.market(), p.requests(), LIMIT_MS);
            assertThat(m.optimal()).as(p.name()).isTrue();
            List<SelectionResult> s = solver.selectBatch(p.market(), p.requests());
            List<SelectionResult.Selected> selected = s.stream().filter(x -> x instanceof SelectionResult.Selected)
                    .map(x -> (SelectionResult.Selected) x).toList();
            assertThat(selected.size()).as(p.name()).isEqualTo(m.served());
            double objective = selected.stream().mapToDouble(SelectionResult.Selected::objective).sum();
            assertThat(objective).as(p.name()).isBetween(m.objective() - 1e-6, m.objective() * 1.02 + 1e-6);
            assertThat(CapacityCheck.violations(p.market(), p.requests(), s)).as(p.name()).isEmpty();
        }
    }

    /**
     * Started from the solver's chains, SCIP takes every one of them as its hint (each chain's offers and routes are
     * variables of the model) and ends at the same optimum as without a start.
     */
    @Test
    void aStartFromTheSolversChainsIsTakenWholeAndLeavesTheOptimumAsItWas() {
        OptaPlannerSelector solver = new OptaPlannerSelector(SelectionWeights.objectiveOnly(Objective.DEFAULT), Steering.NO_PROXIES,
                hops -> SolverLimits.calculations(200_000));
        for (long seed = 0; seed < 2; seed++) {
            GeneratedProblem p = CarrierProblems.generate(new CarrierProblems.Spec(30, 3, 3, 5, 5, 4, 6, 0.7, 0.2, 70 + seed));
            List<SelectionResult> s = solver.selectBatch(p.market(), p.requests());
            long served = s.stream().filter(x -> x instanceof SelectionResult.Selected).count();
            MilpReference.Result cold = MILP.solve(p.market(), p.requests(), LIMIT_MS);
            MilpReference.Result warm = MILP.solve(p.market(), p.requests(), LIMIT_MS, s);
            assertThat(warm.hintedChains()).as(p.name()).isEqualTo(served);
            assertThat(warm.optimal()).as(p.name()).isTrue();
            assertThat(warm.served()).as(p.name()).isEqualTo(cold.served());
            assertThat(warm.objective()).as(p.name()).isCloseTo(cold.objective(), within(1e-6));
        }
    }

    /** A chain's path splits into its legs at the hops' switches: each leg ends where the next begins. */
    @Test
    void aChainsPathSplitsIntoItsLegsAtTheHops() {
        int checked = 0;
        for (long seed = 0; seed < 10; seed++) {
            GeneratedProblem q = CarrierProblems.generate(CarrierProblems.Spec.single(200, 5, 20, 11 + seed));
            SelectionResult r = new LayeredParetoSelector(Objective.DEFAULT, Steering.NO_PROXIES, 3).select(q.market(), q.requests().get(0));
            if (!(r instanceof SelectionResult.Selected sel)) {
                continue;
            }
            checked++;
            List<List<String>> legs = MilpReference.legs(sel.chain());
            assertThat(legs).hasSize(sel.chain().hops().size() + 1);
            assertThat(legs.get(0).get(0)).isEqualTo(q.requests().get(0).order().ingress());
            assertThat(legs.get(legs.size() - 1).get(legs.get(legs.size() - 1).size() - 1)).isEqualTo(q.requests().get(0).order().egress());
            for (int h = 0; h < sel.chain().hops().size(); h++) {
                String at = sel.chain().hops().get(h).switchId();
                assertThat(legs.get(h).get(legs.get(h).size() - 1)).isEqualTo(at);
                assertThat(legs.get(h + 1).get(0)).isEqualTo(at);
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(3);
    }
}
