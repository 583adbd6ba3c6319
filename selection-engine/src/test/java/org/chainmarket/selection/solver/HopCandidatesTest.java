package org.chainmarket.selection.solver;

import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.ChainSelector;
import org.chainmarket.selection.Encapsulation;
import org.chainmarket.selection.HopCandidates;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.Objective;
import org.chainmarket.selection.OfferState;
import org.chainmarket.selection.SelectionResult;
import org.chainmarket.selection.SelectionResult.Constraint;
import org.chainmarket.selection.Steering;
import org.chainmarket.selection.exact.ExhaustiveBatchSelector;
import org.chainmarket.selection.exact.LayeredParetoSelector;
import org.chainmarket.selection.greedy.NearestInstanceSelector;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chainmarket.selection.solver.Fixture.P1;
import static org.chainmarket.selection.solver.Fixture.P2;
import static org.chainmarket.selection.solver.Fixture.offer;
import static org.chainmarket.selection.solver.Fixture.order;

/**
 * Which offers may serve a hop is decided in one place, and every strategy rejects an order no offer can serve with
 * the same constraint and hop.
 */
class HopCandidatesTest {
    private static final SelectionWeights W = SelectionWeights.objectiveOnly(Objective.DEFAULT);
    private static final List<ChainSelector> ALL = List.of(new OptaPlannerSelector(W, Steering.NO_PROXIES),
            new LayeredParetoSelector(Objective.DEFAULT), new NearestInstanceSelector(),
            new ExhaustiveBatchSelector(Objective.DEFAULT));

    @Test
    void admissibleOffersHaveTheTypeAnAllowedProviderAndSteering() {
        MarketSnapshot market = Fixture.market(1000, Fixture.standardOffers()); // fw-c is SR-unaware
        ChainRequest sr = new ChainRequest("sr", order(List.of("firewall", "nat"), "a", "c", 10, 100, 100, List.of()),
                Encapsulation.SRV6, List.of());
        HopCandidates c = HopCandidates.of(market, sr, Steering.NO_PROXIES);
        assertThat(c.rejection()).isEmpty();
        assertThat(ids(c.admissible(0))).containsExactly("fw-a");
        assertThat(ids(c.admissible(1))).containsExactly("nat-b", "nat-c");

        ChainRequest excludesP1 = ChainRequest.of("x", order(List.of("firewall", "nat"), "a", "c", 10, 100, 100, List.of(P1)));
        HopCandidates proxied = HopCandidates.of(market, excludesP1, new Steering(Map.of(P2, Set.of(Encapsulation.SRV6))));
        assertThat(ids(proxied.admissible(0))).containsExactly("fw-c");
        assertThat(ids(proxied.admissible(1))).containsExactly("nat-c");
    }

    @Test
    void everyStrategyNamesTheSameConstraintAndHop() {
        MarketSnapshot market = Fixture.market(1000, List.of(offer("fw-a", "firewall", "a", 1.0, 500, 5, true),
                offer("fw-c", "firewall", "c", 1.0, 500, 5, false), offer("nat-b", "nat", "b", 1.0, 5, 5, true)));
        Map<ChainRequest, Constraint> cases = Map.of(
                ChainRequest.of("type", order(List.of("firewall", "dpi"), "a", "c", 10, 100, 100, List.of())), Constraint.VNF_TYPE,
                ChainRequest.of("policy", order(List.of("firewall", "nat"), "a", "c", 10, 100, 100, List.of(P1))), Constraint.PROVIDER_POLICY,
                new ChainRequest("steer", new ChainOrder("b", List.of("firewall", "nat"), "a", "c", 1, 100, 100, List.of(P2), List.of()),
                        Encapsulation.SRV6, List.of()), Constraint.STEERING_PROXY,
                ChainRequest.of("capacity", order(List.of("firewall", "nat"), "a", "c", 10, 100, 100, List.of())), Constraint.OFFER_CAPACITY,
                ChainRequest.of("endpoint", order(List.of("firewall"), "a", "zz", 10, 100, 100, List.of())), Constraint.UNKNOWN_ENDPOINT);
        cases.forEach((request, constraint) -> {
            for (ChainSelector s : ALL) {
                assertThat(s.select(market, request)).as(request.id() + " by " + s.getClass().getSimpleName())
                        .isInstanceOfSatisfying(SelectionResult.Rejected.class, r -> {
                            assertThat(r.constraint()).isEqualTo(constraint);
                            assertThat(r.reason()).isEqualTo(HopCandidates.of(market, request, Steering.NO_PROXIES).rejection().orElseThrow().reason());
                        });
            }
        });
    }

    /**
     * Processing latency depends on the snapshot's load only: a chain selected later in a batch on the same offer sees
     * the same processing latency as the first, and the capacity the first holds.
     */
    @Test
    void chainsOfABatchSeeTheSnapshotsProcessingLatencyAndTheCapacityLeft() {
        MarketSnapshot market = Fixture.market(1000, List.of(offer("fw-a", "firewall", "a", 1.0, 100, 5, true)));
        List<ChainRequest> batch = List.of(ChainRequest.of("one", order(List.of("firewall"), "a", "b", 40, 100, 100, List.of())),
                ChainRequest.of("two", order(List.of("firewall"), "a", "b", 40, 100, 100, List.of())),
                ChainRequest.of("three", order(List.of("firewall"), "a", "b", 40, 100, 100, List.of())));
        double snapshot = market.offers().get(0).processingLatencyMs();
        for (ChainSelector s : List.of(ALL.get(0), ALL.get(1), ALL.get(2))) {
            List<SelectionResult> results = s.selectBatch(market, batch);
            for (int i = 0; i < 2; i++) {
                assertThat(results.get(i)).as(s.getClass().getSimpleName()).isInstanceOfSatisfying(SelectionResult.Selected.class,
                        r -> assertThat(r.chain().hops().get(0).processingLatencyMs()).isEqualTo(snapshot));
            }
            assertThat(results.get(2)).as("only 100 Mbit/s free").isInstanceOf(SelectionResult.Rejected.class);
        }
    }

    private static List<String> ids(List<OfferState> offers) {
        return offers.stream().map(o -> o.offer().offerId().value()).toList();
    }
}
