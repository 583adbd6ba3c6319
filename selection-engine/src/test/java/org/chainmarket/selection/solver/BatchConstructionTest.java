package org.chainmarket.selection.solver;

import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.Objective;
import org.chainmarket.selection.SelectionResult;
import org.chainmarket.selection.Steering;
import org.chainmarket.selection.domain.ChainFact;
import org.chainmarket.selection.domain.OfferFact;
import org.chainmarket.selection.greedy.NearestInstanceSelector;
import org.chainmarket.selection.testing.CapacityCheck;
import org.chainmarket.selection.testing.CarrierProblems;
import org.chainmarket.selection.testing.GeneratedProblem;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chainmarket.selection.solver.Fixture.P2;
import static org.chainmarket.selection.solver.Fixture.offer;
import static org.chainmarket.selection.solver.Fixture.order;

/** The batch construction's steps on their own: footprint order, ejection, and what a whole batch guarantees. */
class BatchConstructionTest {
    private static final SelectionWeights OBJECTIVE_ONLY = SelectionWeights.objectiveOnly(Objective.DEFAULT);
    private final OptaPlannerSelector solver = new OptaPlannerSelector(OBJECTIVE_ONLY, Steering.NO_PROXIES);

    /**
     * One firewall slot at a (cheap) and one at c (dearer). "v" (a to b, may use either) has the smaller footprint
     * and goes in first, taking the cheap slot; "u" (a to c, excludes c's provider) can then use nothing. Ejecting the
     * holder of what u lacks serves both: u on fw-a, v moved to fw-c.
     */
    private static final MarketSnapshot SCARCE = Fixture.market(1000, List.of(offer("fw-a", "firewall", "a", 1.0, 500, 1, true),
            offer("fw-c", "firewall", "c", 2.0, 500, 1, true)));
    private static final List<ChainRequest> SCARCE_BATCH = List.of(
            ChainRequest.of("u", order(List.of("firewall"), "a", "c", 10, 100, 100, List.of(P2))),
            ChainRequest.of("v", order(List.of("firewall"), "a", "b", 15, 100, 100, List.of())));

    @Test
    void constructionLeavesAChainOutThatEjectingTheHolderOfItsOfferServes() {
        Placements p = new Placements(solver.problem(SCARCE, SCARCE_BATCH).solution());
        SequentialInitializer.Batch b = new SequentialInitializer.Batch(p);
        ChainFact u = chain(p, "u");
        ChainFact v = chain(p, "v");
        assertThat(b.order).as("smallest footprint first").containsExactly(v, u);

        b.construct();
        assertThat(offers(p.plan(v))).containsExactly("fw-a");
        assertThat(p.plan(u)).as("construction alone").isNull();
        assertThat(b.holders(u, b.alone.get(u))).containsExactly(v);

        assertThat(b.ejectFor(u)).isTrue();
        assertThat(offers(p.plan(u))).containsExactly("fw-a");
        assertThat(offers(p.plan(v))).containsExactly("fw-c");
        assertThat(p.served()).isEqualTo(2);
        assertThat(Arrays.stream(p.residual.freeChains).min().orElseThrow()).as("no slot overbooked").isZero();
    }

    @Test
    void theSelectorServesBothChainsOfTheScarceBatch() {
        List<SelectionResult> results = solver.selectBatch(SCARCE, SCARCE_BATCH);
        assertThat(results).allMatch(r -> r instanceof SelectionResult.Selected);
        assertThat(CapacityCheck.violations(SCARCE, SCARCE_BATCH, results)).isEmpty();
    }

    @Test
    void anEjectionThatServesNoMoreIsUndone() {
        // only one firewall slot for two chains that both need it: ejecting one to serve the other gains nothing
        MarketSnapshot market = Fixture.market(1000, List.of(offer("fw-a", "firewall", "a", 1.0, 500, 1, true)));
        List<ChainRequest> batch = List.of(ChainRequest.of("x", order(List.of("firewall"), "a", "c", 10, 100, 100, List.of())),
                ChainRequest.of("y", order(List.of("firewall"), "a", "b", 10, 100, 100, List.of())));
        Placements p = new Placements(solver.problem(market, batch).solution());
        SequentialInitializer.Batch b = new SequentialInitializer.Batch(p);
        b.construct();
        ChainFact served = p.plan(chain(p, "x")) != null ? chain(p, "x") : chain(p, "y");
        ChainFact left = served == chain(p, "x") ? chain(p, "y") : chain(p, "x");
        ChainPlacer.Plan kept = p.plan(served);

        assertThat(b.ejectFor(left)).isFalse();
        assertThat(p.plan(served)).isSameAs(kept);
        assertThat(p.plan(left)).isNull();
        assertThat(p.residual.freeChains).containsOnly(0);
    }

    /**
     * Generated carrier batches with scarce offers and tight links: nothing overbooked, every bound met, and at least
     * as many chains served as the nearest-instance baseline serves one after another.
     */
    @Test
    void scarceCarrierBatchesOverbookNothingAndServeAtLeastAsManyAsGreedy() {
        NearestInstanceSelector greedy = new NearestInstanceSelector(Objective.DEFAULT, Steering.NO_PROXIES);
        for (long seed = 1; seed <= 3; seed++) {
            GeneratedProblem p = CarrierProblems.generate(CarrierProblems.Spec.batch(200, 20, 40, seed));
            List<SelectionResult> s = solver.selectBatch(p.market(), p.requests());
            List<SelectionResult> g = greedy.selectBatch(p.market(), p.requests());
            assertThat(CapacityCheck.violations(p.market(), p.requests(), s)).as(p.name()).isEmpty();
            assertThat(served(s)).as(p.name()).isGreaterThanOrEqualTo(served(g));
        }
    }

    /**
     * The benchmark's 500-chain batch on 1,000 switches (scarce offers, tight links): at least 15 % more chains served
     * than the nearest-instance baseline, nothing overbooked, every bound met.
     */
    @Test
    void aLargeCarrierBatchServesAtLeastFifteenPercentMoreThanGreedy() {
        NearestInstanceSelector greedy = new NearestInstanceSelector(Objective.DEFAULT, Steering.NO_PROXIES);
        GeneratedProblem p = CarrierProblems.generate(CarrierProblems.Spec.batch(1000, 100, 500, 31L * 500));
        List<SelectionResult> s = solver.selectBatch(p.market(), p.requests());
        List<SelectionResult> g = greedy.selectBatch(p.market(), p.requests());
        assertThat(CapacityCheck.violations(p.market(), p.requests(), s)).as(p.name()).isEmpty();
        assertThat((double) served(s)).as(p.name() + ": solver vs greedy (" + served(g) + ")")
                .isGreaterThanOrEqualTo(1.15 * served(g));
    }

    /**
     * A chain the batch leaves unserved is rejected by what its search alone found: a plan (then for the capacity the
     * others took), none after a finished search (its own reason, the one the exact selector gives), or none before
     * the search's budget ran out (that reason, saying the search stopped).
     */
    @Test
    void anUnservedChainIsRejectedByWhatItsSearchAloneFound() {
        // "slow" cannot meet its latency bound with any firewall: its own reason is the latency
        List<ChainRequest> batch = List.of(ChainRequest.of("slow", order(List.of("firewall"), "a", "c", 10, 0.01, 100, List.of())));
        MarketSnapshot market = Fixture.market(1000, List.of(offer("fw-a", "firewall", "a", 1.0, 500, 1, true)));
        ChainFact slow = solver.problem(market, batch).solution().getChains().get(0);
        org.chainmarket.selection.exact.LayeredParetoSelector exact =
                new org.chainmarket.selection.exact.LayeredParetoSelector(Objective.DEFAULT, Steering.NO_PROXIES, 3);
        SelectionResult.Rejected own = (SelectionResult.Rejected) exact.select(market, batch.get(0));
        var explainer = exact.explainer(market);

        org.chainmarket.selection.domain.ServableAlone fits = new org.chainmarket.selection.domain.ServableAlone();
        fits.add(slow);
        fits.complete();
        assertThat(OptaPlannerSelector.rejection(fits, slow, explainer).constraint()).isEqualTo(SelectionResult.Constraint.OFFER_CAPACITY);

        org.chainmarket.selection.domain.ServableAlone none = new org.chainmarket.selection.domain.ServableAlone();
        none.addInfeasible(slow);
        none.complete();
        assertThat(OptaPlannerSelector.rejection(none, slow, explainer)).isEqualTo(own);

        org.chainmarket.selection.domain.ServableAlone undecided = new org.chainmarket.selection.domain.ServableAlone();
        undecided.complete();
        SelectionResult.Rejected stopped = OptaPlannerSelector.rejection(undecided, slow, explainer);
        assertThat(stopped.constraint()).isEqualTo(own.constraint());
        assertThat(stopped.reason()).startsWith(own.reason()).contains("before the search reached its budget");
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
