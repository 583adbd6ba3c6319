package org.chainmarket.placement;

import org.chainmarket.placement.greedy.FirstFitPlanner;
import org.chainmarket.placement.model.Demand;
import org.chainmarket.placement.model.PlacementProblem;
import org.chainmarket.placement.model.SiteSpec;
import org.chainmarket.placement.solver.PlacementWeights;
import org.chainmarket.placement.solver.SolverLimits;
import org.chainmarket.placement.solver.SolverPlanner;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.PlacementPlan;
import org.chainmarket.schemas.model.PlacementPlan.Action;
import org.chainmarket.schemas.model.PlacementPlan.Decision;
import org.chainmarket.schemas.model.PlacementPlan.UnservedConstraint;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chainmarket.placement.Fixture.P1;
import static org.chainmarket.placement.Fixture.P2;
import static org.chainmarket.placement.Fixture.instance;

/** Whole rounds on the line fixture, as a provider or operator reads the plan. */
class PlacementEngineTest {
    private static final Instant AT = Instant.parse("2026-11-20T10:00:00Z");
    private final PlacementEngine engine = PlacementEngine.defaults();
    /** A limit in score calculations, not time, so that the outcome does not depend on how busy the machine is. */
    private static SolverPlanner solver() {
        return new SolverPlanner(n -> SolverLimits.calculations(20_000));
    }

    private PlacementEngine.Outcome solve(PlacementProblem p) {
        return engine.plan(p, solver(), "plan-1", PlacementPlan.Trigger.PERIODIC, AT, id -> PlacementPlan.Approval.AUTOMATIC);
    }

    private PlacementEngine.Outcome greedy(PlacementProblem p) {
        return engine.plan(p, new FirstFitPlanner(), "plan-1", PlacementPlan.Trigger.PERIODIC, AT, id -> PlacementPlan.Approval.AUTOMATIC);
    }

    @Test
    void rejectedDemandStartsAnInstanceNearItAtTheCheapestAllowedSite() {
        // 400 Mbit/s of firewall demand at b, within 6 ms: p1 at a-dc or b-dc, p2 at c-dc (cheaper, 5 ms away) can serve it
        PlacementEngine.Outcome o = solve(Fixture.problem(List.of(), List.of(Demand.unmet("firewall", "b", 400, 4, 6))));
        assertThat(o.score().feasible()).isTrue();
        assertThat(o.plan().unserved()).isEmpty();
        assertThat(o.plan().decisions()).singleElement().satisfies(d -> {
            assertThat(d.action()).isEqualTo(Action.START);
            assertThat(d.vnfType()).isEqualTo("firewall");
            assertThat(d.serves()).singleElement().satisfies(x -> assertThat(x.bandwidthMbps()).isEqualTo(400));
            assertThat(d.reason()).contains("400 Mbit/s entering at b").contains("4 orders rejected");
        });
    }

    @Test
    void aFailedSiteMovesItsInstanceAndTheChainsMoveFirst() {
        List<SiteSpec> sites = Fixture.sites().stream().map(s -> s.siteId().equals("a-dc") ? s.failed() : s).toList();
        PlacementProblem p = new PlacementProblem(sites, Fixture.catalogue(), List.of(instance("fw-1", P1, "a-dc", "firewall")),
                List.of(Demand.carried("firewall", "a", 300, 3, 20, OfferId.of("fw-1"))), Fixture.LINE);
        PlacementEngine.Outcome o = solve(p);
        assertThat(o.score().hardTotals().values()).allMatch(v -> v == 0);
        Decision move = o.plan().decisions().stream().filter(d -> d.offerId().value().equals("fw-1")).findFirst().orElseThrow();
        assertThat(move.action()).isEqualTo(Action.MOVE);
        assertThat(move.fromSiteId()).isEqualTo("a-dc");
        assertThat(move.chainsToMove()).isEqualTo(3);
        assertThat(move.reason()).contains("site a-dc failed").contains("3 chains");
    }

    @Test
    void theSolverStopsHalfEmptyInstancesThatFirstFitKeeps() {
        // three p1 firewalls at a-dc each carry 200 Mbit/s: one instance holds all of it
        PlacementProblem p = Fixture.problem(
                List.of(instance("fw-1", P1, "a-dc", "firewall"), instance("fw-2", P1, "a-dc", "firewall"), instance("fw-3", P1, "a-dc", "firewall")),
                List.of(Demand.carried("firewall", "a", 200, 2, 20, OfferId.of("fw-1")),
                        Demand.carried("firewall", "a", 200, 2, 20, OfferId.of("fw-2")),
                        Demand.carried("firewall", "a", 200, 2, 20, OfferId.of("fw-3"))));
        PlacementEngine.Outcome g = greedy(p);
        PlacementEngine.Outcome s = solve(p);
        assertThat(g.placement().instances()).isEqualTo(3);
        assertThat(s.placement().instances()).isEqualTo(1);
        assertThat(s.score().feasible()).isTrue();
        assertThat(s.score().objective()).isLessThan(g.score().objective());
        assertThat(s.plan().decisions()).hasSize(2).allSatisfy(d -> {
            assertThat(d.action()).isEqualTo(Action.STOP);
            assertThat(d.chainsToMove()).isEqualTo(2);
            assertThat(d.reason()).contains("move to a-dc first");
        });
    }

    @Test
    void everyUnservedDemandIsExplainedByName() {
        PlacementProblem p = Fixture.problem(List.of(), List.of(
                Demand.unmet("nat", "a", 100, 1, 20),           // nobody runs nat
                Demand.unmet("dpi", "a", 100, 1, 3),            // dpi only at c-dc, d-dc: 10 ms and more away
                Demand.unmet("firewall", "a", 9000, 90, 4)));   // a-dc holds 4 firewalls (8 vCPU): 5000 Mbit/s short
        PlacementEngine.Outcome o = solve(p);
        assertThat(o.plan().unserved()).extracting(PlacementPlan.Unserved::constraint)
                .containsExactlyInAnyOrder(UnservedConstraint.NO_CATALOGUE, UnservedConstraint.OUT_OF_REACH, UnservedConstraint.SITE_CAPACITY);
        assertThat(o.plan().unserved()).filteredOn(u -> u.constraint() == UnservedConstraint.OUT_OF_REACH).singleElement()
                .satisfies(u -> assertThat(u.reason()).isEqualTo("no site may run dpi within 3 ms of a (nearest: c-dc at 10.0 ms)"));
        assertThat(o.plan().unserved()).filteredOn(u -> u.constraint() == UnservedConstraint.SITE_CAPACITY).singleElement()
                .satisfies(u -> assertThat(u.bandwidthMbps()).isEqualTo(5000));
        assertThat(o.plan().unserved()).filteredOn(u -> u.constraint() == UnservedConstraint.NO_CATALOGUE).singleElement()
                .satisfies(u -> assertThat(u.reason()).isEqualTo("no provider has nat in its catalogue at any site"));
        PlacementEngine cheap = new PlacementEngine(PlacementWeights.DEFAULT.with("unservedPerMbps", 0.0001), 100);
        PlacementEngine.Outcome notWorth = cheap.plan(Fixture.problem(List.of(), List.of(Demand.unmet("firewall", "a", 50, 1, 20))),
                solver(), "plan-2", PlacementPlan.Trigger.PERIODIC, AT, id -> PlacementPlan.Approval.AUTOMATIC);
        assertThat(notWorth.plan().decisions()).isEmpty();
        assertThat(notWorth.plan().unserved()).singleElement()
                .satisfies(u -> assertThat(u.constraint()).isEqualTo(UnservedConstraint.NOT_WORTH_AN_INSTANCE));
    }

    @Test
    void aTypeNoLongerAllowedAtASiteIsStoppedAfterItsChainsMove() {
        // p2 runs a firewall at d-dc, which its catalogue no longer allows
        PlacementEngine.Outcome o = solve(Fixture.problem(List.of(instance("fw-d", P2, "d-dc", "firewall")),
                List.of(Demand.carried("firewall", "d", 100, 1, 20, OfferId.of("fw-d")))));
        assertThat(o.score().feasible()).isTrue();
        assertThat(o.plan().decisions()).anySatisfy(d -> {
            assertThat(d.offerId().value()).isEqualTo("fw-d");
            assertThat(d.action()).isEqualTo(Action.MOVE);
            assertThat(d.reason()).contains("no longer allows firewall at d-dc");
        });
    }

    @Test
    void providersWhosePolicyAsksForApprovalGetDecisionsAwaitingIt() {
        PlacementEngine.Outcome o = engine.plan(Fixture.problem(List.of(), List.of(Demand.unmet("dpi", "d", 400, 2, 20))),
                solver(), "plan-3", PlacementPlan.Trigger.CAPACITY_REJECTIONS, AT,
                id -> id.equals(P2) ? PlacementPlan.Approval.AWAITING_APPROVAL : PlacementPlan.Approval.AUTOMATIC);
        assertThat(o.plan().decisions()).isNotEmpty().allSatisfy(d -> assertThat(d.approval()).isEqualTo(PlacementPlan.Approval.AWAITING_APPROVAL));
        assertThat(o.plan().trigger()).isEqualTo(PlacementPlan.Trigger.CAPACITY_REJECTIONS);
    }

    @Test
    void anIdleInstanceIsStoppedOnlyOnceItsGracePeriodIsOver() {
        // fw-1 at a-dc carries nothing: in its grace period (it just emptied, or just started) it stays, after it stops
        PlacementProblem inGrace = Fixture.problem(List.of(instance("fw-1", P1, "a-dc", "firewall").withIdleGrace(true)), List.of());
        for (PlacementEngine.Outcome o : List.of(solve(inGrace), greedy(inGrace))) {
            assertThat(o.score().feasible()).isTrue();
            assertThat(o.plan().decisions()).as("nothing stops within the grace period").isEmpty();
        }
        PlacementProblem past = Fixture.problem(List.of(instance("fw-1", P1, "a-dc", "firewall")), List.of());
        for (PlacementEngine.Outcome o : List.of(solve(past), greedy(past))) {
            assertThat(o.plan().decisions()).singleElement().satisfies(d -> {
                assertThat(d.action()).isEqualTo(Action.STOP);
                assertThat(d.offerId()).isEqualTo(OfferId.of("fw-1"));
                assertThat(d.reason()).contains("it carries no chains");
            });
        }
    }

    @Test
    void anInstanceInItsGraceTakesNewDemandAndALongIdleOneIsTheOneStopped() {
        // two idle firewalls at a-dc, fw-new in its grace period; 300 Mbit/s of new demand at a fits one instance
        PlacementProblem p = Fixture.problem(List.of(instance("fw-old", P1, "a-dc", "firewall"),
                instance("fw-new", P1, "a-dc", "firewall").withIdleGrace(true)), List.of(Demand.unmet("firewall", "a", 300, 3, 20)));
        PlacementEngine.Outcome o = solve(p);
        assertThat(o.score().feasible()).isTrue();
        assertThat(o.plan().unserved()).isEmpty();
        assertThat(o.plan().decisions()).singleElement().satisfies(d -> {
            assertThat(d.action()).isEqualTo(Action.STOP);
            assertThat(d.offerId()).isEqualTo(OfferId.of("fw-old"));
        });
    }
}
