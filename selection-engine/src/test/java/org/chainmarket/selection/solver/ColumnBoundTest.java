package org.chainmarket.selection.solver;

import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.Objective;
import org.chainmarket.selection.SelectionResult;
import org.chainmarket.selection.Steering;
import org.chainmarket.selection.testing.CarrierProblems;
import org.chainmarket.selection.testing.ColumnBound;
import org.chainmarket.selection.testing.GeneratedProblem;
import org.chainmarket.selection.testing.MilpReference;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chainmarket.selection.solver.Fixture.offer;
import static org.chainmarket.selection.solver.Fixture.order;

/**
 * The column-generation bound of chains served ({@link ColumnBound} over {@link PlanPricing}): never below the optimum,
 * and tighter than counting the chains that have a plan where offers or links are scarce.
 */
class ColumnBoundTest {
    private static final long CPU = 60_000_000_000L;
    private final OptaPlannerSelector solver = new OptaPlannerSelector(SelectionWeights.objectiveOnly(Objective.DEFAULT),
            Steering.NO_PROXIES, hops -> SolverLimits.calculations(200_000));

    private static List<ChainRequest> chains(int count, double mbps) {
        List<ChainRequest> out = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            out.add(ChainRequest.of("c" + i, order(List.of("firewall"), "a", "b", mbps, 100, 100, List.of())));
        }
        return out;
    }

    /** Two firewalls with one chain slot each, three chains that could each use either: 2, where 3 have a plan. */
    @Test
    void slotsForTwoBoundThreeChainsAtTwo() {
        MarketSnapshot scarce = Fixture.market(1000, List.of(offer("fw-a", "firewall", "a", 1.0, 500, 1, true),
                offer("fw-c", "firewall", "c", 2.0, 500, 1, true)));
        ColumnBound.Result r = ColumnBound.of(solver.pricing(scarce, chains(3, 100)), 0, CPU);
        assertThat(r.servable()).isEqualTo(3);
        assertThat(r.bound()).isEqualTo(2);
        assertThat(r.converged()).isTrue();

        MarketSnapshot roomy = Fixture.market(1000, List.of(offer("fw-a", "firewall", "a", 1.0, 500, 2, true),
                offer("fw-c", "firewall", "c", 2.0, 500, 1, true)));
        assertThat(ColumnBound.of(solver.pricing(roomy, chains(3, 100)), 0, CPU).bound()).isEqualTo(3);
    }

    /** Mbit/s bind like slots: 500 Mbit/s on the only firewall, four chains of 200 Mbit/s, ten slots: 2. */
    @Test
    void anOffersBandwidthBounds() {
        MarketSnapshot market = Fixture.market(1000, List.of(offer("fw-a", "firewall", "a", 1.0, 500, 10, true)));
        assertThat(ColumnBound.of(solver.pricing(market, chains(4, 200)), 0, CPU).bound()).isEqualTo(2);
    }

    /**
     * Links bind too: every link 250 Mbit/s and two firewalls with room for all, four chains of 100 Mbit/s from a to b.
     * Whichever firewall a chain takes (at a, or at c behind b), it crosses link a-b, which holds two of them: 2, as
     * served, where all 4 have a plan alone.
     */
    @Test
    void sharedLinksBound() {
        MarketSnapshot market = Fixture.market(250, List.of(offer("fw-a", "firewall", "a", 1.0, 5000, 10, true),
                offer("fw-c", "firewall", "c", 2.0, 5000, 10, true)));
        long served = solver.selectBatch(market, chains(4, 100)).stream().filter(x -> x instanceof SelectionResult.Selected).count();
        ColumnBound.Result r = ColumnBound.of(solver.pricing(market, chains(4, 100)), 0, CPU);
        assertThat(r.servable()).isEqualTo(4);
        assertThat(served).isEqualTo(2);
        assertThat(r.bound()).isEqualTo(2);
    }

    /**
     * Generated scarce batches (tight links, repeated VNF types) whose optimum SCIP proves: the bound is never below the
     * optimum, and on some it is below the count of chains with a plan.
     */
    @Test
    void neverBelowTheMilpOptimumOfGeneratedBatches() {
        MilpReference milp = new MilpReference(Objective.DEFAULT, 3);
        int tighter = 0;
        for (long seed = 0; seed < 4; seed++) {
            GeneratedProblem p = CarrierProblems.generate(new CarrierProblems.Spec(30, 3, 3, 5, 5, 4, 6, 0.7, 0.2, 70 + seed));
            MilpReference.Result m = milp.solve(p.market(), p.requests(), 120_000);
            assertThat(m.optimal()).as(p.name()).isTrue();
            ColumnBound.Result r = ColumnBound.of(solver.pricing(p.market(), p.requests()), 0, CPU);
            assertThat(r.bound()).as(p.name()).isGreaterThanOrEqualTo(m.served()).isLessThanOrEqualTo(r.servable());
            tighter += r.bound() < r.servable() ? 1 : 0;
        }
        assertThat(tighter).as("problems where the bound beats counting the chains with a plan").isPositive();
    }
}
