package org.chainmarket.selection.exact;

import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.selection.HopCandidates;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.OfferState;
import org.chainmarket.selection.Steering;
import org.chainmarket.selection.domain.PathTable;
import org.chainmarket.selection.network.MultiDomainNetwork;
import org.chainmarket.selection.testing.CarrierProblems;
import org.chainmarket.selection.testing.GeneratedProblem;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** What the single-chain search proves before it creates a label. */
class ChainSearchTest {

    private static ChainSearch search(MarketSnapshot market, ChainOrder order) {
        MultiDomainNetwork network = market.network();
        HopCandidates candidates = HopCandidates.of(market, org.chainmarket.selection.ChainRequest.of("c", order), Steering.NO_PROXIES);
        PathTable.Paths paths = new PathTable(network, market.linkUsageMbps(), 3).forBandwidth(order.bandwidthMbps());
        List<List<ChainSearch.Candidate>> layers = new ArrayList<>();
        for (List<OfferState> hop : candidates.fitting()) {
            layers.add(hop.stream().map(o -> new ChainSearch.Candidate(o, network.switchIndex(o.switchId()),
                    o.offer().priceFor(order.bandwidthMbps()), o.processingLatencyMs(), 0)).toList());
        }
        double[] free = new double[network.linkCount()];
        for (int l = 0; l < free.length; l++) {
            free[l] = market.freeMbps(network.link(l));
        }
        return new ChainSearch(paths, network.switchIndex(order.ingress()), network.switchIndex(order.egress()), layers, free,
                order.bandwidthMbps(), 50_000);
    }

    /**
     * The fastest chain's search with a latency bound just below the least latency any chain has proves, without a
     * label, that none fits; with the bound at that latency it finds the chain. A budget below the cheapest offers'
     * sum is refused the same way, whatever the cost.
     */
    @Test
    void boundsNoChainCanMeetAreProvenWithoutALabel() {
        int checked = 0;
        for (long seed = 0; seed < 12; seed++) {
            GeneratedProblem p = CarrierProblems.generate(CarrierProblems.Spec.single(200, 2 + (int) (seed % 5), 20, 300 + seed));
            ChainOrder order = p.requests().get(0).order();
            ChainSearch.Outcome fastest = search(p.market(), order).best(ChainSearch.Costs.FASTEST, Double.POSITIVE_INFINITY,
                    Double.POSITIVE_INFINITY);
            if (fastest.found() == null) {
                continue;
            }
            checked++;
            double least = fastest.found().latency();
            ChainSearch.Outcome below = search(p.market(), order).best(ChainSearch.Costs.FASTEST, least - 1e-3, Double.POSITIVE_INFINITY);
            assertThat(below.found()).as(p.name()).isNull();
            assertThat(below.complete()).isTrue();
            ChainSearch.Outcome at = search(p.market(), order).best(ChainSearch.Costs.FASTEST, least, Double.POSITIVE_INFINITY);
            assertThat(at.found()).as(p.name()).isNotNull();
            assertThat(at.found().latency()).isCloseTo(least, within(1e-9));

            ChainSearch s = search(p.market(), order);
            double cheapest = s.best(ChainSearch.Costs.CHEAPEST, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY).found().price();
            assertThat(cheapest).isGreaterThanOrEqualTo(s.leastPrice - 1e-9);
            ChainSearch.Outcome tooDear = s.best(new ChainSearch.Costs(1, 0.05, 0), Double.POSITIVE_INFINITY, s.leastPrice - 1e-3);
            assertThat(tooDear.found()).isNull();
            assertThat(tooDear.complete()).isTrue();
            assertThat(tooDear.labels()).isZero();
        }
        assertThat(checked).isGreaterThanOrEqualTo(8);
    }

    /**
     * One explainer for many requests on a snapshot (sharing its paths) gives every request the rejection the exact
     * selector gives it.
     */
    @Test
    void anExplainerGivesEveryRequestTheExactSelectorsRejection() {
        LayeredParetoSelector exact = new LayeredParetoSelector(org.chainmarket.selection.Objective.DEFAULT, Steering.NO_PROXIES, 3);
        int rejected = 0;
        for (long seed = 0; seed < 3; seed++) {
            GeneratedProblem p = CarrierProblems.generate(CarrierProblems.Spec.batch(200, 20, 40, 500 + seed));
            LayeredParetoSelector.Explainer explainer = exact.explainer(p.market());
            for (org.chainmarket.selection.ChainRequest r : p.requests()) {
                if (exact.select(p.market(), r) instanceof org.chainmarket.selection.SelectionResult.Rejected why) {
                    rejected++;
                    assertThat(explainer.explain(r)).as(p.name() + " " + r.id()).isEqualTo(why);
                }
            }
        }
        assertThat(rejected).isGreaterThanOrEqualTo(5);
    }
}
