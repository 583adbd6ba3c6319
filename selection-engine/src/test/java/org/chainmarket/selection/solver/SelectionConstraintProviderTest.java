package org.chainmarket.selection.solver;

import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.Encapsulation;
import org.chainmarket.selection.domain.HopAssignment;
import org.chainmarket.selection.domain.SelectionSolution;
import org.junit.jupiter.api.Test;
import org.optaplanner.core.api.score.stream.ConstraintStreamImplType;
import org.optaplanner.test.api.score.stream.ConstraintVerifier;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.chainmarket.selection.solver.Fixture.P2;
import static org.chainmarket.selection.solver.Fixture.order;

/** One test per constraint: a case that is penalized by the expected amount and a case that must not be. */
class SelectionConstraintProviderTest {
    private static final SelectionWeights W = new SelectionWeights(1.0, 0.05, 0.1, 2.0, 3.0, 0.7);
    private final ConstraintVerifier<SelectionConstraintProvider, SelectionSolution> verifier = ConstraintVerifier
            .build(new SelectionConstraintProvider(), SelectionSolution.class, HopAssignment.class)
            .withConstraintStreamImplType(ConstraintStreamImplType.BAVET);

    private static Fixture.Problem problem() {
        return new Fixture.Problem(Fixture.market(1000, Fixture.standardOffers()));
    }

    private static ChainRequest fwNat(String in, String out, double mbps) {
        return Fixture.request(order(List.of("firewall", "nat"), in, out, mbps, 100, 100, List.of()));
    }

    private static Object[] all(List<HopAssignment> hops) {
        return hops.toArray();
    }

    @Test
    void offerReused() {
        Fixture.Problem p = problem();
        ChainRequest twoFirewalls = Fixture.request(order(List.of("firewall", "firewall"), "a", "c", 10, 100, 100, List.of()));
        verifier.verifyThat(SelectionConstraintProvider::offerReused)
                .given(all(p.chain(twoFirewalls, W, p.offer("fw-a"), p.offer("fw-a")))).penalizesBy(1);
        Fixture.Problem q = problem();
        verifier.verifyThat(SelectionConstraintProvider::offerReused)
                .given(all(q.chain(twoFirewalls, W, q.offer("fw-a"), q.offer("fw-c")))).penalizesBy(0);
    }

    @Test
    void offerBandwidth() {
        Fixture.Problem p = problem(); // fw-a has 500 Mbit/s free
        List<HopAssignment> hops = new ArrayList<>(p.chain(fwNat("a", "c", 300), W, p.offer("fw-a"), p.offer("nat-b")));
        hops.addAll(p.chain(fwNat("a", "c", 300), W, p.offer("fw-a"), p.offer("nat-c")));
        verifier.verifyThat(SelectionConstraintProvider::offerBandwidth).given(all(hops)).penalizesBy(100_000L); // kbit/s
        Fixture.Problem q = problem();
        verifier.verifyThat(SelectionConstraintProvider::offerBandwidth)
                .given(all(q.chain(fwNat("a", "c", 300), W, q.offer("fw-a"), q.offer("nat-b")))).penalizesBy(0);
    }

    @Test
    void offerChainSlots() {
        Fixture.Problem p = new Fixture.Problem(Fixture.market(1000, List.of(
                Fixture.offer("fw-a", "firewall", "a", 1.0, 500, 1, true), Fixture.offer("nat-b", "nat", "b", 1.0, 500, 5, true))));
        List<HopAssignment> hops = new ArrayList<>(p.chain(fwNat("a", "c", 10), W, p.offer("fw-a"), p.offer("nat-b")));
        hops.addAll(p.chain(fwNat("b", "c", 10), W, p.offer("fw-a"), p.offer("nat-b")));
        verifier.verifyThat(SelectionConstraintProvider::offerChainSlots).given(all(hops)).penalizesBy(1);
        verifier.verifyThat(SelectionConstraintProvider::offerChainSlots).given(all(hops.subList(0, 2))).penalizesBy(0);
    }

    @Test
    void linkBandwidth() {
        Fixture.Problem p = problem(); // b-c has 1000 Mbit/s
        List<HopAssignment> hops = new ArrayList<>(p.chain(fwNat("a", "c", 600), W, p.offer("fw-a"), p.offer("nat-b")));
        hops.addAll(p.chain(fwNat("a", "c", 500), W, p.offer("fw-a"), p.offer("nat-b")));
        verifier.verifyThat(SelectionConstraintProvider::linkBandwidth).given(all(hops)).penalizesBy(100_000L + 100_000L); // a-b and b-c
        verifier.verifyThat(SelectionConstraintProvider::linkBandwidth).given(all(hops.subList(0, 2))).penalizesBy(0);
    }

    @Test
    void noUsablePath() {
        Fixture.Problem p = problem();
        verifier.verifyThat(SelectionConstraintProvider::noUsablePath)
                .given(all(p.chain(fwNat("a", "c", 1500), W, p.offer("fw-a"), p.offer("nat-b")))).penalizesBy(1); // nat-b: a-b and b-c full
        Fixture.Problem q = problem();
        verifier.verifyThat(SelectionConstraintProvider::noUsablePath)
                .given(all(q.chain(fwNat("a", "c", 100), W, q.offer("fw-a"), q.offer("nat-b")))).penalizesBy(0);
    }

    @Test
    void latencyBound() {
        // a -> fw-a (0 + 1 ms) -> nat-b (1 + 1 ms) -> c (2 ms) = 5 ms
        Fixture.Problem p = problem();
        ChainRequest tight = Fixture.request(order(List.of("firewall", "nat"), "a", "c", 10, 4.0, 100, List.of()));
        verifier.verifyThat(SelectionConstraintProvider::latencyBound)
                .given(all(p.chain(tight, W, p.offer("fw-a"), p.offer("nat-b")))).penalizesBy(1000L);
        Fixture.Problem q = problem();
        ChainRequest loose = Fixture.request(order(List.of("firewall", "nat"), "a", "c", 10, 5.0, 100, List.of()));
        verifier.verifyThat(SelectionConstraintProvider::latencyBound)
                .given(all(q.chain(loose, W, q.offer("fw-a"), q.offer("nat-b")))).penalizesBy(0);
        Fixture.Problem r = problem(); // an incomplete chain is rejected anyway: not counted here
        verifier.verifyThat(SelectionConstraintProvider::latencyBound)
                .given(all(r.chain(tight, W, r.offer("fw-c"), null))).penalizesBy(0);
    }

    @Test
    void budget() {
        Fixture.Problem p = problem();
        ChainRequest tight = Fixture.request(order(List.of("firewall", "nat"), "a", "c", 10, 100, 1.5, List.of()));
        verifier.verifyThat(SelectionConstraintProvider::budget)
                .given(all(p.chain(tight, W, p.offer("fw-a"), p.offer("nat-b")))).penalizesBy(500_000L);
        Fixture.Problem q = problem();
        ChainRequest enough = Fixture.request(order(List.of("firewall", "nat"), "a", "c", 10, 100, 2.0, List.of()));
        verifier.verifyThat(SelectionConstraintProvider::budget)
                .given(all(q.chain(enough, W, q.offer("fw-a"), q.offer("nat-b")))).penalizesBy(0);
    }

    @Test
    void unservedChain() {
        // a chain is served whole or not at all: one unassigned hop or two cost the same, one per chain
        Fixture.Problem p = problem();
        verifier.verifyThat(SelectionConstraintProvider::unservedChain)
                .given(all(p.chain(fwNat("a", "c", 10), W, p.offer("fw-a"), null))).penalizesBy(1);
        Fixture.Problem n = problem();
        verifier.verifyThat(SelectionConstraintProvider::unservedChain)
                .given(all(n.chain(fwNat("a", "c", 10), W, null, null))).penalizesBy(1);
        Fixture.Problem q = problem();
        verifier.verifyThat(SelectionConstraintProvider::unservedChain)
                .given(all(q.chain(fwNat("a", "c", 10), W, q.offer("fw-a"), q.offer("nat-b")))).penalizesBy(0);
    }

    @Test
    void price() {
        Fixture.Problem p = problem();
        verifier.verifyThat(SelectionConstraintProvider::price)
                .given(all(p.chain(fwNat("a", "c", 10), W, p.offer("fw-a"), p.offer("nat-b")))).penalizesBy(2_000_000L);
        Fixture.Problem q = problem();
        verifier.verifyThat(SelectionConstraintProvider::price)
                .given(all(q.chain(fwNat("a", "c", 10), W, null, null))).penalizesBy(0);
    }

    @Test
    void latency() {
        Fixture.Problem p = problem(); // 5 ms x 0.05 EUR/h per ms = 0.25 EUR/h
        verifier.verifyThat(SelectionConstraintProvider::latency)
                .given(all(p.chain(fwNat("a", "c", 10), W, p.offer("fw-a"), p.offer("nat-b")))).penalizesBy(250_000L);
        Fixture.Problem q = problem();
        verifier.verifyThat(SelectionConstraintProvider::latency)
                .given(all(q.chain(fwNat("a", "c", 10), W, null, null))).penalizesBy(0);
    }

    @Test
    void interDomain() {
        Fixture.Problem p = problem(); // b -> c crosses the border once
        verifier.verifyThat(SelectionConstraintProvider::interDomain)
                .given(all(p.chain(fwNat("a", "c", 10), W, p.offer("fw-a"), p.offer("nat-b")))).penalizesBy(100_000L);
        Fixture.Problem q = problem();
        verifier.verifyThat(SelectionConstraintProvider::interDomain)
                .given(all(q.chain(fwNat("a", "b", 10), W, q.offer("fw-a"), q.offer("nat-b")))).penalizesBy(0);
    }

    @Test
    void instanceLoad() {
        Fixture.Problem p = problem(); // 100 of 500 Mbit/s on fw-a and nat-b: 2 x 0.2^2 x weight 2 = 0.16 EUR/h
        verifier.verifyThat(SelectionConstraintProvider::instanceLoad)
                .given(all(p.chain(fwNat("a", "c", 100), W, p.offer("fw-a"), p.offer("nat-b")))).penalizesBy(160_000L);
        Fixture.Problem q = problem();
        verifier.verifyThat(SelectionConstraintProvider::instanceLoad)
                .given(all(q.chain(fwNat("a", "c", 100), W, null, null))).penalizesBy(0);
    }

    @Test
    void switchLoad() {
        Fixture.Problem p = problem(); // two chains of 500 Mbit/s through VNFs at a: (1 Gbit/s)^2 x 3 = 3 EUR/h; at b likewise
        List<HopAssignment> hops = new ArrayList<>(p.chain(fwNat("a", "c", 500), W, p.offer("fw-a"), p.offer("nat-b")));
        hops.addAll(p.chain(fwNat("a", "c", 500), W, p.offer("fw-a"), p.offer("nat-b")));
        verifier.verifyThat(SelectionConstraintProvider::switchLoad).given(all(hops)).penalizesBy(6_000_000L);
        Fixture.Problem q = problem();
        verifier.verifyThat(SelectionConstraintProvider::switchLoad)
                .given(all(q.chain(fwNat("a", "c", 500), W, null, null))).penalizesBy(0);
    }

    @Test
    void changedHop() {
        ChainRequest reselect = new ChainRequest("c", order(List.of("firewall", "nat"), "a", "c", 10, 100, 100, List.of()),
                Encapsulation.NONE, List.of(OfferId.of("fw-c"), OfferId.of("nat-b")));
        Fixture.Problem p = problem();
        verifier.verifyThat(SelectionConstraintProvider::changedHop)
                .given(all(p.chain(reselect, W, p.offer("fw-a"), p.offer("nat-b")))).penalizesBy(700_000L);
        Fixture.Problem q = problem();
        verifier.verifyThat(SelectionConstraintProvider::changedHop)
                .given(all(q.chain(reselect, W, q.offer("fw-c"), q.offer("nat-b")))).penalizesBy(0);
    }
}
