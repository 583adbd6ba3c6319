package org.chainmarket.selection.solver;

import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.Objective;
import org.chainmarket.selection.SelectionResult;
import org.chainmarket.selection.Steering;
import org.chainmarket.selection.domain.ChainFact;
import org.chainmarket.selection.domain.OfferFact;
import org.chainmarket.selection.testing.CapacityCheck;
import org.chainmarket.selection.testing.CarrierProblems;
import org.chainmarket.selection.testing.GeneratedProblem;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chainmarket.selection.solver.Fixture.P2;
import static org.chainmarket.selection.solver.Fixture.offer;
import static org.chainmarket.selection.solver.Fixture.order;

/** The construction's column packing: alternative whole-chain plans and the moves that pack them. */
class ColumnPackingTest {
    private static final SelectionWeights OBJECTIVE_ONLY = SelectionWeights.objectiveOnly(Objective.DEFAULT);
    private final OptaPlannerSelector solver = new OptaPlannerSelector(OBJECTIVE_ONLY, Steering.NO_PROXIES);

    /**
     * fw-a (at a: 500 Mbit/s, 5 chains) and fw-c (at c: 500 Mbit/s, 1 chain). w1..w4 (a to b, 100 Mbit/s) exclude c's
     * provider, so only fw-a serves them; v (a to b, 100 Mbit/s) may use either; u (a to b, 400 Mbit/s) too, fastest on
     * fw-a. All six fit: w1..w4 and v on fw-a, u on fw-c.
     */
    private static final MarketSnapshot MARKET = Fixture.market(1000, List.of(offer("fw-a", "firewall", "a", 1.0, 500, 5, true),
            offer("fw-c", "firewall", "c", 2.0, 500, 1, true)));
    private static final List<ChainRequest> BATCH = batch();

    private static List<ChainRequest> batch() {
        List<ChainRequest> out = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            out.add(ChainRequest.of("w" + i, order(List.of("firewall"), "a", "b", 100, 100, 100, List.of(P2))));
        }
        out.add(ChainRequest.of("v", order(List.of("firewall"), "a", "b", 100, 100, 100, List.of())));
        out.add(ChainRequest.of("u", order(List.of("firewall"), "a", "b", 400, 100, 100, List.of())));
        return out;
    }

    /**
     * The packing a construction can end in: w1..w4 on fw-a, v on fw-c, u unserved (its fastest plan, fw-a, lacks 300
     * Mbit/s). Serving more cannot serve u: ejecting the three holders of what fw-a lacks puts u in but leaves two of
     * them out (they have no other offer), so it is undone. A column that leaves fw-a out (u on fw-c) needs only v out,
     * and v's own alone plan (fw-a) still fits: all six served, nothing overbooked.
     */
    @Test
    void aColumnSwapServesAChainThatServingMoreLeavesOut() {
        Packing k = packingServingMoreLeaves();
        ColumnPacking columns = new ColumnPacking(k.b());
        columns.generate(CpuBudget.of(Long.MAX_VALUE));
        assertThat(columns.columns(k.u())).extracting(ColumnPackingTest::offers).contains(List.of("fw-c"));
        columns.pack(CpuBudget.of(Long.MAX_VALUE));

        allSixServed(k);
    }

    /**
     * The same packing, packed by the integer program over the columns column generation leaves (no ejection move):
     * it finds the packing that serves all six.
     */
    @Test
    void theIntegerProgramOverTheColumnsServesTheChainServingMoreLeavesOut() {
        Packing k = packingServingMoreLeaves();
        ColumnPacking columns = new ColumnPacking(k.b());
        columns.generate(CpuBudget.of(Long.MAX_VALUE));
        columns.integerPacking(CpuBudget.of(Long.MAX_VALUE));

        allSixServed(k);
    }

    /** The hand-set packing and its batch, with u (unserved) and v (on fw-c). */
    private record Packing(Placements p, SequentialInitializer.Batch b, ChainFact u, ChainFact v) {
    }

    private Packing packingServingMoreLeaves() {
        Placements p = new Placements(solver.problem(MARKET, BATCH).solution());
        SequentialInitializer.Batch b = new SequentialInitializer.Batch(p);
        ChainFact u = chain(p, "u");
        ChainFact v = chain(p, "v");
        for (int i = 1; i <= 4; i++) {
            ChainFact w = chain(p, "w" + i);
            p.restore(w, b.alone.get(w));
        }
        double[] offFwA = new double[p.residual.freeKbps.length];
        OfferFact fwA = b.alone.get(v).offers()[0];
        assertThat(fwA.toString()).isEqualTo("fw-a");
        offFwA[fwA.id()] = 1e6;
        ChainPlacer.Plan vOnFwC = ChainPlacer.priced(v, p.byChain.get(v), p.solution.getPaths(), p.residual, p.byChain.size(),
                offFwA, p.residual.freeMbps());
        assertThat(offers(vOnFwC)).containsExactly("fw-c");
        p.restore(v, vOnFwC);
        assertThat(p.served()).isEqualTo(5);

        assertThat(b.ejectFor(u)).as("serving more").isFalse();
        assertThat(p.plan(u)).isNull();
        assertThat(p.served()).isEqualTo(5);
        return new Packing(p, b, u, v);
    }

    private static void allSixServed(Packing k) {
        Placements p = k.p();
        assertThat(p.served()).isEqualTo(6);
        assertThat(offers(p.plan(k.u()))).containsExactly("fw-c");
        assertThat(offers(p.plan(k.v()))).containsExactly("fw-a");
        assertThat(Arrays.stream(p.residual.freeChains).min().orElseThrow()).as("no slot overbooked").isGreaterThanOrEqualTo(0);
        assertThat(Arrays.stream(p.residual.freeKbps).min().orElseThrow()).as("no bandwidth overbooked").isGreaterThanOrEqualTo(0);
    }

    @Test
    void theSelectorServesTheWholeBatchOverbookingNothing() {
        List<SelectionResult> results = solver.selectBatch(MARKET, BATCH);
        assertThat(results).allMatch(r -> r instanceof SelectionResult.Selected);
        assertThat(CapacityCheck.violations(MARKET, BATCH, results)).isEmpty();
    }

    /**
     * Generated scarce carrier batches (50 chains on 200 and 1,000 switches): the solver with column packing serves at
     * least as many chains as without it and overbooks nothing. Limited by score calculations, not time.
     */
    @Test
    void onScarceCarrierBatchesColumnPackingServesAtLeastAsManyAndOverbooksNothing() {
        OptaPlannerSelector with = new OptaPlannerSelector(OBJECTIVE_ONLY, Steering.NO_PROXIES, hops -> SolverLimits.calculations(2_000));
        OptaPlannerSelector without = with.withColumnPacking(false);
        for (GeneratedProblem p : List.of(CarrierProblems.generate(CarrierProblems.Spec.batch(200, 20, 50, 31L * 50)),
                CarrierProblems.generate(CarrierProblems.Spec.batch(1000, 50, 50, 31L * 50)))) {
            List<SelectionResult> s = with.selectBatch(p.market(), p.requests());
            List<SelectionResult> before = without.selectBatch(p.market(), p.requests());
            assertThat(CapacityCheck.violations(p.market(), p.requests(), s)).as(p.name()).isEmpty();
            assertThat(CapacityCheck.violations(p.market(), p.requests(), before)).as(p.name()).isEmpty();
            assertThat(served(s)).as(p.name() + ": with column packing vs without (" + served(before) + ")")
                    .isGreaterThanOrEqualTo(served(before));
        }
    }

    private static long served(List<SelectionResult> results) {
        return results.stream().filter(r -> r instanceof SelectionResult.Selected).count();
    }

    private static ChainFact chain(Placements p, String id) {
        return p.chains().stream().filter(c -> c.request().id().equals(id)).findFirst().orElseThrow();
    }

    private static List<String> offers(ChainPlacer.Plan plan) {
        assertThat(plan).isNotNull();
        return Arrays.stream(plan.offers()).map(OfferFact::toString).toList();
    }
}
