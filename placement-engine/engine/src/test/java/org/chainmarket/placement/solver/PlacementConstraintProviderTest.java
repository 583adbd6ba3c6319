package org.chainmarket.placement.solver;

import org.chainmarket.placement.Fixture;
import org.chainmarket.placement.domain.CellAllocation;
import org.chainmarket.placement.domain.DemandAssignment;
import org.chainmarket.placement.domain.PlacementSolution;
import org.chainmarket.placement.model.Demand;
import org.chainmarket.placement.model.PlacementProblem;
import org.chainmarket.placement.model.SiteSpec;
import org.chainmarket.schemas.model.OfferId;
import org.junit.jupiter.api.Test;
import org.optaplanner.core.api.score.stream.ConstraintStreamImplType;
import org.optaplanner.test.api.score.stream.ConstraintVerifier;

import java.util.List;

import static org.chainmarket.placement.Fixture.P1;
import static org.chainmarket.placement.Fixture.P2;
import static org.chainmarket.placement.Fixture.all;
import static org.chainmarket.placement.Fixture.assign;
import static org.chainmarket.placement.Fixture.cell;
import static org.chainmarket.placement.Fixture.instance;

/** One test per constraint: a case penalized by the expected amount and a case that must not be. */
class PlacementConstraintProviderTest {
    private static final PlacementWeights W = new PlacementWeights(0.05, 0.0002, 1.0, 0.2, 0.1, 0.25, 0.05, 0.5, 0.3);
    private final ConstraintVerifier<PlacementConstraintProvider, PlacementSolution> verifier = ConstraintVerifier
            .build(new PlacementConstraintProvider(), PlacementSolution.class, CellAllocation.class, DemandAssignment.class)
            .withConstraintStreamImplType(ConstraintStreamImplType.BAVET);

    /** No instances, 300 Mbit/s (3 units, 6 chains) of new firewall demand at a. */
    private static PlacementSolution fresh() {
        PlacementSolution s = Fixture.build(Fixture.problem(List.of(), List.of(Demand.unmet("firewall", "a", 300, 6, 20))), W);
        Fixture.zero(s);
        return s;
    }

    /** p1 runs fw-1 at a-dc carrying 200 Mbit/s (4 chains) entering at a. */
    private static PlacementSolution running() {
        PlacementSolution s = Fixture.build(Fixture.problem(List.of(instance("fw-1", P1, "a-dc", "firewall")),
                List.of(Demand.carried("firewall", "a", 200, 4, 20, OfferId.of("fw-1")))), W);
        Fixture.zero(s);
        CellAllocation a = cell(s, P1, "a-dc", "firewall");
        a.setCount(1);
        assign(s, s.getUnits(), a);
        return s;
    }

    @Test
    void siteCpu() {
        PlacementSolution s = fresh();
        cell(s, P1, "b-dc", "firewall").setCount(3); // 6 vCPU of 4
        verifier.verifyThat(PlacementConstraintProvider::siteCpu).given(all(s)).penalizesBy(2);
        cell(s, P1, "b-dc", "firewall").setCount(2); // 4 of 4
        verifier.verifyThat(PlacementConstraintProvider::siteCpu).given(all(s)).penalizesBy(0);
    }

    @Test
    void siteMemory() {
        PlacementSolution s = fresh();
        cell(s, P2, "c-dc", "firewall").setCount(2); // 8 GB
        cell(s, P2, "c-dc", "dpi").setCount(2);      // 16 GB: 24 of 16
        verifier.verifyThat(PlacementConstraintProvider::siteMemory).given(all(s)).penalizesBy(8 * 1024);
        cell(s, P2, "c-dc", "dpi").setCount(1);      // 16 of 16
        verifier.verifyThat(PlacementConstraintProvider::siteMemory).given(all(s)).penalizesBy(0);
    }

    @Test
    void catalogue() {
        // p2 runs a firewall at d-dc, which its catalogue does not allow (firewalls only at c-dc)
        PlacementSolution s = Fixture.build(Fixture.problem(List.of(instance("fw-d", P2, "d-dc", "firewall")), List.of()), W);
        Fixture.zero(s);
        cell(s, P2, "d-dc", "firewall").setCount(1);
        verifier.verifyThat(PlacementConstraintProvider::catalogue).given(all(s)).penalizesBy(1);
        cell(s, P2, "d-dc", "firewall").setCount(0);
        cell(s, P2, "c-dc", "firewall").setCount(1);
        verifier.verifyThat(PlacementConstraintProvider::catalogue).given(all(s)).penalizesBy(0);
    }

    @Test
    void instanceBandwidth() {
        PlacementSolution s = Fixture.build(Fixture.problem(List.of(), List.of(Demand.unmet("firewall", "a", 1200, 6, 20))), W);
        Fixture.zero(s);
        CellAllocation a = cell(s, P1, "a-dc", "firewall");
        a.setCount(1);
        assign(s, s.getUnits(), a);
        verifier.verifyThat(PlacementConstraintProvider::instanceBandwidth).given(all(s)).penalizesBy(200_000);
        a.setCount(2);
        verifier.verifyThat(PlacementConstraintProvider::instanceBandwidth).given(all(s)).penalizesBy(0);
    }

    @Test
    void instanceChains() {
        PlacementSolution s = Fixture.build(Fixture.problem(List.of(), List.of(Demand.unmet("firewall", "a", 100, 13, 20))), W);
        Fixture.zero(s);
        CellAllocation a = cell(s, P1, "a-dc", "firewall");
        a.setCount(1);
        assign(s, s.getUnits(), a);
        verifier.verifyThat(PlacementConstraintProvider::instanceChains).given(all(s)).penalizesBy(3);
        a.setCount(2);
        verifier.verifyThat(PlacementConstraintProvider::instanceChains).given(all(s)).penalizesBy(0);
    }

    @Test
    void carriedChainsKept() {
        PlacementSolution s = running();
        cell(s, P1, "a-dc", "firewall").setCount(0);
        assign(s, s.getUnits(), null); // stopped with its chains dropped: 4 chains in 2 units
        verifier.verifyThat(PlacementConstraintProvider::carriedChainsKept).given(all(s)).penalizesBy(4);
        CellAllocation b = cell(s, P1, "b-dc", "firewall");
        b.setCount(1);
        assign(s, s.getUnits(), b); // stopped after its chains moved to b-dc
        verifier.verifyThat(PlacementConstraintProvider::carriedChainsKept).given(all(s)).penalizesBy(0);
    }

    @Test
    void idleGrace() {
        // p1 runs two idle firewalls at a-dc; fw-new started moments ago (in its grace period), fw-old has been idle long
        PlacementSolution s = Fixture.build(Fixture.problem(List.of(instance("fw-new", P1, "a-dc", "firewall").withIdleGrace(true),
                instance("fw-old", P1, "a-dc", "firewall")), List.of()), W);
        Fixture.zero(s);
        CellAllocation a = cell(s, P1, "a-dc", "firewall");
        a.setCount(0); // both stopped: one within its grace
        verifier.verifyThat(PlacementConstraintProvider::idleGrace).given(all(s)).penalizesBy(1);
        a.setCount(1); // the long-idle one stopped, the one in grace kept
        verifier.verifyThat(PlacementConstraintProvider::idleGrace).given(all(s)).penalizesBy(0);
    }

    @Test
    void idleGraceDoesNotHoldAnInstanceWhereItMayNotStay() {
        // a firewall in its grace period at d-dc, where p2's catalogue does not allow firewalls: it goes anyway
        PlacementSolution s = Fixture.build(Fixture.problem(List.of(instance("fw-d", P2, "d-dc", "firewall").withIdleGrace(true)),
                List.of()), W);
        Fixture.zero(s);
        verifier.verifyThat(PlacementConstraintProvider::idleGrace).given(all(s)).penalizesBy(0);

        // a firewall in its grace period at a-dc, which failed: it moves anyway
        List<SiteSpec> sites = Fixture.sites().stream().map(x -> x.siteId().equals("a-dc") ? x.failed() : x).toList();
        PlacementSolution failed = Fixture.build(new PlacementProblem(sites, Fixture.catalogue(),
                List.of(instance("fw-a", P1, "a-dc", "firewall").withIdleGrace(true)), List.of(), Fixture.LINE), W);
        Fixture.zero(failed);
        verifier.verifyThat(PlacementConstraintProvider::idleGrace).given(all(failed)).penalizesBy(0);
    }

    @Test
    void unserved() {
        PlacementSolution s = fresh();
        assign(s, s.getUnits(), null);
        // 300 Mbit/s x 0.05 EUR/h = 15 EUR/h
        verifier.verifyThat(PlacementConstraintProvider::unserved).given(all(s)).penalizesBy(15_000_000);
        CellAllocation a = cell(s, P1, "a-dc", "firewall");
        a.setCount(1);
        assign(s, s.getUnits(), a);
        verifier.verifyThat(PlacementConstraintProvider::unserved).given(all(s)).penalizesBy(0);
    }

    @Test
    void latency() {
        PlacementSolution s = fresh();
        CellAllocation b = cell(s, P1, "b-dc", "firewall");
        b.setCount(1);
        assign(s, s.getUnits(), b);
        // 300 Mbit/s at 5 ms x 0.0002 = 0.3 EUR/h
        verifier.verifyThat(PlacementConstraintProvider::latency).given(all(s)).penalizesBy(300_000);
        CellAllocation a = cell(s, P1, "a-dc", "firewall");
        a.setCount(1);
        b.setCount(0);
        assign(s, s.getUnits(), a);
        verifier.verifyThat(PlacementConstraintProvider::latency).given(all(s)).penalizesBy(0);
    }

    @Test
    void instanceCost() {
        PlacementSolution s = fresh();
        cell(s, P1, "a-dc", "firewall").setCount(2);
        cell(s, P2, "c-dc", "firewall").setCount(1);
        verifier.verifyThat(PlacementConstraintProvider::instanceCost).given(all(s)).penalizesBy(2_800_000);
        Fixture.zero(s);
        verifier.verifyThat(PlacementConstraintProvider::instanceCost).given(all(s)).penalizesBy(0);
    }

    @Test
    void stability() {
        PlacementSolution s = running();
        // the a-dc instance moves to b-dc (0.25) and another starts at b-dc (0.2)
        cell(s, P1, "a-dc", "firewall").setCount(0);
        cell(s, P1, "b-dc", "firewall").setCount(2);
        verifier.verifyThat(PlacementConstraintProvider::stability).given(all(s)).penalizesBy(450_000);
        // a p2 instance starts too (0.2), and with nothing else changed p1 only stops (0.1)
        cell(s, P1, "b-dc", "firewall").setCount(0);
        cell(s, P2, "c-dc", "firewall").setCount(1);
        verifier.verifyThat(PlacementConstraintProvider::stability).given(all(s)).penalizesBy(300_000);
        PlacementSolution same = running();
        verifier.verifyThat(PlacementConstraintProvider::stability).given(all(same)).penalizesBy(0);
    }

    @Test
    void chainMoves() {
        PlacementSolution s = running();
        CellAllocation b = cell(s, P1, "b-dc", "firewall");
        b.setCount(1);
        assign(s, s.getUnits().subList(0, 1), b); // one unit (2 chains) moves
        verifier.verifyThat(PlacementConstraintProvider::chainMoves).given(all(s)).penalizesBy(100_000);
        verifier.verifyThat(PlacementConstraintProvider::chainMoves).given(all(running())).penalizesBy(0);
    }

    @Test
    void siteBalance() {
        PlacementSolution s = fresh();
        cell(s, P1, "a-dc", "firewall").setCount(2); // 4 of 8 vCPU: 0.25
        cell(s, P1, "b-dc", "firewall").setCount(1); // 2 of 4 vCPU: 0.25
        verifier.verifyThat(PlacementConstraintProvider::siteBalance).given(all(s)).penalizesBy(250_000);
        Fixture.zero(s);
        verifier.verifyThat(PlacementConstraintProvider::siteBalance).given(all(s)).penalizesBy(0);
    }

    @Test
    void consolidation() {
        PlacementSolution s = fresh();
        CellAllocation a = cell(s, P1, "a-dc", "firewall");
        a.setCount(2);
        assign(s, s.getUnits(), a); // 300 of 2000 Mbit/s: 1.7 idle instances x 0.3
        verifier.verifyThat(PlacementConstraintProvider::consolidation).given(all(s)).penalizesBy(510_000);
        PlacementSolution full = Fixture.build(Fixture.problem(List.of(), List.of(Demand.unmet("firewall", "a", 1000, 6, 20))), W);
        Fixture.zero(full);
        CellAllocation af = cell(full, P1, "a-dc", "firewall");
        af.setCount(1);
        assign(full, full.getUnits(), af);
        verifier.verifyThat(PlacementConstraintProvider::consolidation).given(all(full)).penalizesBy(0);
    }
}
