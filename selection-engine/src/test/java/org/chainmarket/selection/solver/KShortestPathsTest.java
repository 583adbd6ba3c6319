package org.chainmarket.selection.solver;

import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfOffer;
import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.ChainSelector;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.Objective;
import org.chainmarket.selection.SelectionResult;
import org.chainmarket.selection.Steering;
import org.chainmarket.selection.testing.CapacityCheck;
import org.chainmarket.selection.exact.LayeredParetoSelector;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Legs on their second-shortest path. A ring a -1ms- b -1ms- c -2ms- d -2ms- a, 1000 Mbit/s per link; the b side
 * (a-b, b-c) has {@code bSideFree} Mbit/s free, the d side (c-d, d-a) {@code dSideFree}. A firewall at c (1 ms,
 * 1 EUR/h). From a to c the shortest path runs over b (2 ms), the second-shortest over d (4 ms).
 */
class KShortestPathsTest {
    private static final ProviderId P = ProviderId.of("p1");
    private static final SelectionWeights OBJECTIVE_ONLY = SelectionWeights.objectiveOnly(Objective.DEFAULT);

    private static MarketSnapshot ring(double bSideFree, double dSideFree) {
        ProviderDomain domain = new ProviderDomain(P, "ring",
                List.of(sw("a"), sw("b"), sw("c"), sw("d")),
                List.of(site("a"), site("b"), site("c"), site("d")),
                List.of(new ProviderDomain.Link("a", "b", 1.0, 1000), new ProviderDomain.Link("b", "c", 1.0, 1000),
                        new ProviderDomain.Link("c", "d", 2.0, 1000), new ProviderDomain.Link("d", "a", 2.0, 1000)),
                List.of());
        VnfOffer fw = new VnfOffer(OfferId.of("fw-c"), P, "firewall", "c-dc", 1000, 10, 1.0, 1.0, 0.0, 0.999, true, true, null, null);
        return MarketSnapshot.of(List.of(domain), List.of(fw), Map.of(),
                Map.of("a|b", 1000 - bSideFree, "b|c", 1000 - bSideFree, "c|d", 1000 - dSideFree, "a|d", 1000 - dSideFree),
                Instant.EPOCH);
    }

    private static ChainOrder order(String in, String out) {
        return new ChainOrder("buyer", List.of("firewall"), in, out, 100, 100, 100, List.of(), List.of());
    }

    private static List<String> switches(SelectionResult r) {
        assertThat(r).isInstanceOf(SelectionResult.Selected.class);
        return ((SelectionResult.Selected) r).chain().path().stream().map(ConcreteChain.PathNode::switchId).toList();
    }

    private static long served(List<SelectionResult> results) {
        return results.stream().filter(r -> r instanceof SelectionResult.Selected).count();
    }

    @Test
    void aChainWhoseTwoLegsWouldOverbookTheShortestPathReturnsOverTheSecondShortest() {
        // a -> fw at c -> a: both shortest legs cross a-b and b-c, which hold one crossing of 100 Mbit/s (150 free)
        MarketSnapshot market = ring(150, 350);
        ChainRequest request = ChainRequest.of("out-and-back", order("a", "a"));
        List<ChainSelector> selectors = List.of(new LayeredParetoSelector(Objective.DEFAULT, Steering.NO_PROXIES, 3),
                new OptaPlannerSelector(OBJECTIVE_ONLY, Steering.NO_PROXIES, SolverLimits::forHops, 3));
        for (ChainSelector selector : selectors) {
            SelectionResult r = selector.select(market, request);
            assertThat(switches(r)).as(selector.getClass().getSimpleName()).isIn(List.of("a", "b", "c", "d", "a"), List.of("a", "d", "c", "b", "a"));
            assertThat(((SelectionResult.Selected) r).chain().latencyMs()).isCloseTo(2 + 4 + 1.0, within(1e-9));
            assertThat(CapacityCheck.violations(market, List.of(request), List.of(r))).isEmpty();
        }
        // with shortest paths only, no chain fits: it is rejected, not overbooked
        for (ChainSelector selector : List.of(new LayeredParetoSelector(Objective.DEFAULT, Steering.NO_PROXIES, 1),
                new OptaPlannerSelector(OBJECTIVE_ONLY, Steering.NO_PROXIES, SolverLimits::forHops, 1))) {
            assertThat(selector.select(market, request)).as(selector.getClass().getSimpleName())
                    .isInstanceOfSatisfying(SelectionResult.Rejected.class,
                            rej -> assertThat(rej.constraint()).isEqualTo(SelectionResult.Constraint.LINK_BANDWIDTH));
        }
    }

    @Test
    void whenAnotherChainOfTheBatchTakesTheShortestPathTheNextChainIsServedAlongTheSecondShortest() {
        // a -> fw at c -> c: the b side holds one chain of 100 Mbit/s, the d side more
        MarketSnapshot market = ring(150, 350);
        List<ChainRequest> batch = List.of(ChainRequest.of("first", order("a", "c")), ChainRequest.of("second", order("a", "c")));
        List<SelectionResult> results = new OptaPlannerSelector(OBJECTIVE_ONLY, Steering.NO_PROXIES, SolverLimits::forHops, 3)
                .selectBatch(market, batch);
        assertThat(served(results)).isEqualTo(2);
        assertThat(List.of(switches(results.get(0)), switches(results.get(1))))
                .containsExactlyInAnyOrder(List.of("a", "b", "c"), List.of("a", "d", "c"));
        assertThat(CapacityCheck.violations(market, batch, results)).isEmpty();
    }

    @Test
    void kShortestPathsServeMoreChainsOfABatchWithoutOverbookingALink() {
        // three out-and-back chains a -> c -> a; b side: one crossing of 100 Mbit/s, d side: three
        MarketSnapshot market = ring(150, 350);
        List<ChainRequest> batch = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            batch.add(ChainRequest.of("chain-" + i, order("a", "a")));
        }
        OptaPlannerSelector shortestOnly = new OptaPlannerSelector(OBJECTIVE_ONLY, Steering.NO_PROXIES, SolverLimits::forHops, 1);
        OptaPlannerSelector kShortest = new OptaPlannerSelector(OBJECTIVE_ONLY, Steering.NO_PROXIES, SolverLimits::forHops, 3);
        List<SelectionResult> before = shortestOnly.selectBatch(market, batch);
        List<SelectionResult> after = kShortest.selectBatch(market, batch);
        assertThat(served(before)).isZero();
        // one chain goes out over b and back over d, one out and back over d: b and d sides then are full
        assertThat(served(after)).isEqualTo(2);
        assertThat(CapacityCheck.violations(market, batch, before)).isEmpty();
        assertThat(CapacityCheck.violations(market, batch, after)).isEmpty();
        // the exact selector, serving the chains one after another, finds the same
        List<SelectionResult> exact = new LayeredParetoSelector(Objective.DEFAULT, Steering.NO_PROXIES, 3).selectBatch(market, batch);
        assertThat(served(exact)).isEqualTo(2);
        assertThat(CapacityCheck.violations(market, batch, exact)).isEmpty();
    }

    private static ProviderDomain.Switch sw(String id) {
        return new ProviderDomain.Switch(id, id, 0.0, 0.0);
    }

    private static ProviderDomain.Site site(String id) {
        return new ProviderDomain.Site(id + "-dc", id, 8, 16);
    }
}
