package org.chainmarket.selection.solver;

import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.Encapsulation;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.Objective;
import org.chainmarket.selection.SelectionResult;
import org.chainmarket.selection.SelectionResult.Constraint;
import org.chainmarket.selection.Steering;
import org.chainmarket.selection.testing.CapacityCheck;
import org.chainmarket.selection.testing.GeneratedProblem;
import org.chainmarket.selection.testing.ProblemGenerator;
import org.chainmarket.selection.exact.ExhaustiveBatchSelector;
import org.chainmarket.selection.exact.LayeredParetoSelector;
import org.chainmarket.selection.greedy.NearestInstanceSelector;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.chainmarket.selection.solver.Fixture.P1;
import static org.chainmarket.selection.solver.Fixture.P2;
import static org.chainmarket.selection.solver.Fixture.offer;
import static org.chainmarket.selection.solver.Fixture.order;

class OptaPlannerSelectorTest {
    private static final SelectionWeights OBJECTIVE_ONLY = SelectionWeights.objectiveOnly(Objective.DEFAULT);
    private final OptaPlannerSelector solver = new OptaPlannerSelector(OBJECTIVE_ONLY, Steering.NO_PROXIES);

    private static List<String> offers(SelectionResult r) {
        assertThat(r).isInstanceOf(SelectionResult.Selected.class);
        return ((SelectionResult.Selected) r).chain().hops().stream().map(h -> h.offerId().value()).toList();
    }

    private static double objective(SelectionResult r) {
        return ((SelectionResult.Selected) r).objective();
    }

    @Test
    void findsTheKnownOptimumOfASmallChain() {
        // a -1ms- b -2ms- c, no processing latency. firewall: a 1.0, c 0.5 EUR/h; nat: b 1.0, c 2.0 EUR/h.
        // a->fw-c->nat-b->c: 1.5 EUR/h + 0.05 x (3 + 2 + 2) ms = 1.85; a->fw-a->nat-b->c: 2.0 + 0.05 x 3 = 2.15;
        // fw-a, nat-c: 3.0 + 0.15 = 3.15; fw-c, nat-c: 2.5 + 0.15 = 2.65. Optimum: fw-c, nat-b at 1.85.
        List<org.chainmarket.schemas.model.VnfOffer> offers = List.of(
                withoutProcessing(offer("fw-a", "firewall", "a", 1.0, 500, 5, true)),
                withoutProcessing(offer("fw-c", "firewall", "c", 0.5, 500, 5, true)),
                withoutProcessing(offer("nat-b", "nat", "b", 1.0, 500, 5, true)),
                withoutProcessing(offer("nat-c", "nat", "c", 2.0, 500, 5, true)));
        MarketSnapshot market = Fixture.market(1000, offers);
        ChainOrder order = order(List.of("firewall", "nat"), "a", "c", 10, 100, 100, List.of());

        SelectionResult result = solver.select(market, order);

        assertThat(offers(result)).containsExactly("fw-c", "nat-b");
        assertThat(objective(result)).isCloseTo(1.85, within(1e-9));
        assertThat(objective(new LayeredParetoSelector().select(market, order))).isCloseTo(1.85, within(1e-9));
        SelectionResult.Selected s = (SelectionResult.Selected) result;
        assertThat(s.breakdown()).containsEntry(SelectionConstraintProvider.PRICE, 1.5);
        assertThat(s.breakdown().get(SelectionConstraintProvider.LATENCY)).isCloseTo(0.35, within(1e-9));
    }

    private static org.chainmarket.schemas.model.VnfOffer withoutProcessing(org.chainmarket.schemas.model.VnfOffer o) {
        return new org.chainmarket.schemas.model.VnfOffer(o.offerId(), o.providerId(), o.vnfType(), o.siteId(), o.capacityMbps(),
                o.maxChains(), 0.0, o.pricePerHour(), o.pricePerMbpsHour(), o.availability(), o.srAware(), o.nshAware(), null, null);
    }

    @Test
    void agreesWithTheExactReferenceOnGeneratedSingleChains() {
        LayeredParetoSelector exact = new LayeredParetoSelector(Objective.DEFAULT, Steering.NO_PROXIES);
        int compared = 0;
        for (String topology : List.of("Abilene", "Geant2012")) {
            for (int hops : new int[]{3, 5}) {
                for (int offersPerType : new int[]{5, 20, 50}) {
                    for (long seed = 0; seed < 3; seed++) {
                        GeneratedProblem p = ProblemGenerator.generate(topology, 3, hops, offersPerType, 1, seed * 13 + hops + offersPerType);
                        ChainRequest r = p.requests().get(0);
                        SelectionResult s = solver.select(p.market(), r);
                        SelectionResult e = exact.select(p.market(), r);
                        assertThat(s.getClass()).as(p.name()).isEqualTo(e.getClass());
                        if (e instanceof SelectionResult.Selected es) {
                            assertThat(objective(s)).as(p.name()).isCloseTo(es.objective(), within(1e-6 * es.objective()));
                            compared++;
                        }
                    }
                }
            }
        }
        assertThat(compared).isGreaterThan(30);
    }

    @Test
    void agreesWithTheExhaustiveReferenceOnSmallBatchesThatShareCapacity() {
        ExhaustiveBatchSelector exact = new ExhaustiveBatchSelector(Objective.DEFAULT, Steering.NO_PROXIES, 3_000_000);
        for (long seed = 0; seed < 6; seed++) {
            GeneratedProblem p = ProblemGenerator.generate(seed % 2 == 0 ? "Abilene" : "Geant2012", 2, 3, 5, 3, 100 + seed);
            List<SelectionResult> s = solver.selectBatch(p.market(), p.requests());
            List<SelectionResult> e = exact.selectBatch(p.market(), p.requests());
            // batches are where the solver is a heuristic: same chains served, objective within 1 % of the optimum
            assertThat(served(s)).as(p.name()).isEqualTo(served(e));
            assertThat(sum(s)).as(p.name()).isGreaterThanOrEqualTo(sum(e) - 1e-9).isLessThanOrEqualTo(sum(e) * 1.01);
            assertThat(CapacityCheck.violations(p.market(), p.requests(), s)).as(p.name()).isEmpty();
        }
    }

    @Test
    void aBatchOfChainsSharingCapacityOverbooksNothing() {
        GeneratedProblem p = ProblemGenerator.generate("Interoute", 4, 3, 20, 150, 7);
        List<SelectionResult> results = solver.selectBatch(p.market(), p.requests());
        assertThat(CapacityCheck.violations(p.market(), p.requests(), results)).isEmpty();
        assertThat(served(results)).isEqualTo(150);
        List<SelectionResult> greedy = new NearestInstanceSelector(Objective.DEFAULT, Steering.NO_PROXIES).selectBatch(p.market(), p.requests());
        assertThat(sum(results)).isLessThan(sum(greedy));
    }

    @Test
    void whenCapacityRunsOutLaterChainsAreRejectedForCapacityNotOverbooked() {
        // one firewall and one nat slot each: only one of three chains fits
        MarketSnapshot market = Fixture.market(1000, List.of(offer("fw-a", "firewall", "a", 1.0, 500, 1, true),
                offer("nat-b", "nat", "b", 1.0, 500, 1, true)));
        List<ChainRequest> requests = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            requests.add(ChainRequest.of("c" + i, order(List.of("firewall", "nat"), "a", "c", 10, 100, 100, List.of())));
        }
        List<SelectionResult> results = solver.selectBatch(market, requests);
        assertThat(served(results)).isEqualTo(1);
        assertThat(CapacityCheck.violations(market, requests, results)).isEmpty();
        results.stream().filter(r -> r instanceof SelectionResult.Rejected).forEach(r -> {
            SelectionResult.Rejected rej = (SelectionResult.Rejected) r;
            assertThat(rej.constraint()).isEqualTo(Constraint.OFFER_CAPACITY);
            assertThat(rej.reason()).contains("other chains of this batch");
        });
    }

    @Test
    void rejectionsNameTheFailingConstraintAndHop() {
        MarketSnapshot market = Fixture.market(1000, Fixture.standardOffers());
        SelectionResult budget = solver.select(market, order(List.of("firewall", "nat"), "a", "c", 10, 100, 1.5, List.of()));
        assertThat(budget).isInstanceOfSatisfying(SelectionResult.Rejected.class, r -> {
            assertThat(r.constraint()).isEqualTo(Constraint.BUDGET);
            assertThat(r.reason()).contains("budget of 1.50 EUR/h");
        });
        SelectionResult latency = solver.select(market, order(List.of("firewall", "nat"), "a", "c", 10, 3.0, 100, List.of()));
        assertThat(latency).isInstanceOfSatisfying(SelectionResult.Rejected.class,
                r -> assertThat(r.constraint()).isEqualTo(Constraint.LATENCY));
        MarketSnapshot noNatAtP2 = Fixture.market(1000, List.of(offer("fw-a", "firewall", "a", 1.0, 500, 5, true),
                offer("fw-c", "firewall", "c", 1.0, 500, 5, true), offer("nat-b", "nat", "b", 1.0, 500, 5, true)));
        SelectionResult policy = solver.select(noNatAtP2, new ChainOrder("b", List.of("firewall", "nat"), "a", "c", 10, 100, 100,
                List.of(P2), List.of()));
        assertThat(policy).isInstanceOfSatisfying(SelectionResult.Rejected.class, r -> {
            assertThat(r.constraint()).isEqualTo(Constraint.PROVIDER_POLICY);
            assertThat(r.hopIndex()).isEqualTo(1); // p2 offers a firewall but no nat
        });
        SelectionResult type = solver.select(market, order(List.of("firewall", "dpi"), "a", "c", 10, 100, 100, List.of()));
        assertThat(type).isInstanceOfSatisfying(SelectionResult.Rejected.class, r -> {
            assertThat(r.constraint()).isEqualTo(Constraint.VNF_TYPE);
            assertThat(r.hopIndex()).isEqualTo(1);
            assertThat(r.reason()).isEqualTo("Hop 2 (dpi): no provider offers this VNF type.");
        });
    }

    @Test
    void anSrUnawareInstanceIsUsedOnlyWhereItsDomainProxiesIt() {
        // fw-c (p2) is the only firewall allowed and it is SR-unaware
        MarketSnapshot market = Fixture.market(1000, Fixture.standardOffers());
        ChainRequest sr = new ChainRequest("sr", order(List.of("firewall", "nat"), "a", "c", 10, 100, 100, List.of(P1)),
                Encapsulation.SRV6, List.of());
        ChainRequest srP2Only = new ChainRequest("sr", new ChainOrder("b", List.of("firewall", "nat"), "a", "c", 10, 100, 100,
                List.of(P2), List.of()), Encapsulation.SRV6, List.of());
        assertThat(solver.select(market, srP2Only)).isInstanceOfSatisfying(SelectionResult.Rejected.class, r -> {
            assertThat(r.constraint()).isEqualTo(Constraint.STEERING_PROXY);
            assertThat(r.hopIndex()).isEqualTo(0);
        });
        OptaPlannerSelector withProxy = new OptaPlannerSelector(OBJECTIVE_ONLY, new Steering(Map.of(P2, Set.of(Encapsulation.SRV6))));
        assertThat(offers(withProxy.select(market, srP2Only))).containsExactly("fw-c", "nat-c");
        assertThat(solver.select(market, sr)).isInstanceOf(SelectionResult.Rejected.class); // excludes p1: no other firewall
    }

    @Test
    void reselectionKeepsHopsWhenStabilityOutweighsTheSaving() {
        MarketSnapshot market = Fixture.market(1000, List.of(offer("fw-a", "firewall", "a", 1.0, 500, 5, true),
                offer("fw-b", "firewall", "b", 1.2, 500, 5, true), offer("nat-b", "nat", "b", 1.0, 500, 5, true)));
        ChainRequest before = new ChainRequest("c", order(List.of("firewall", "nat"), "a", "b", 10, 100, 100, List.of()),
                Encapsulation.NONE, List.of(OfferId.of("fw-b"), OfferId.of("nat-b")));
        SelectionWeights stable = new SelectionWeights(1.0, 0.05, 0, 0, 0, 1.0);
        SelectionWeights indifferent = new SelectionWeights(1.0, 0.05, 0, 0, 0, 0);
        assertThat(offers(new OptaPlannerSelector(stable, Steering.NO_PROXIES).select(market, before))).containsExactly("fw-b", "nat-b");
        assertThat(offers(new OptaPlannerSelector(indifferent, Steering.NO_PROXIES).select(market, before))).containsExactly("fw-a", "nat-b");
    }

    private static long served(List<SelectionResult> results) {
        return results.stream().filter(r -> r instanceof SelectionResult.Selected).count();
    }

    private static double sum(List<SelectionResult> results) {
        return results.stream().filter(r -> r instanceof SelectionResult.Selected).mapToDouble(OptaPlannerSelectorTest::objective).sum();
    }
}
