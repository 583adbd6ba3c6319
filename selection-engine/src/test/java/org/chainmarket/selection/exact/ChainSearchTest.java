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

    /**
     * With a price on every link crossing (and on offers), the search's least cost is the least over every combination
     * of distinct candidates and every route of every leg (brute force) that meets the latency bound and budget and fits
     * the links' free bandwidth, the chain's own legs together: what the column bound's pricing relies on.
     */
    @Test
    void pricesOnLinksAreExactAgainstBruteForce() {
        int priced = 0;
        for (long seed = 0; seed < 20; seed++) {
            GeneratedProblem p = CarrierProblems.generate(CarrierProblems.Spec.single(200, 2 + (int) (seed % 2), 5, 700 + seed));
            ChainOrder order = p.requests().get(0).order();
            MultiDomainNetwork network = p.market().network();
            java.util.Random rnd = new java.util.Random(seed);
            double[] perLink = new double[network.linkCount()];
            for (int l = 0; l < perLink.length; l++) {
                perLink[l] = rnd.nextDouble() < 0.3 ? rnd.nextDouble() * 5 : 0;
            }
            ChainSearch s = search(p.market(), order, rnd);
            ChainSearch.Costs costs = new ChainSearch.Costs(0, 0.001, 0, perLink);
            ChainSearch.Outcome o = s.best(costs, order.maxLatencyMs(), order.maxPricePerHour());
            double[] free = new double[network.linkCount()];
            for (int l = 0; l < free.length; l++) {
                free[l] = p.market().freeMbps(network.link(l)) / order.bandwidthMbps();
            }
            double brute = brute(s, costs, order.maxLatencyMs(), order.maxPricePerHour(), free);
            assertThat(o.complete()).as(p.name()).isTrue();
            if (brute == Double.POSITIVE_INFINITY) {
                assertThat(o.found()).as(p.name()).isNull();
                continue;
            }
            priced++;
            assertThat(o.found().cost()).as(p.name()).isCloseTo(brute, within(1e-9));
        }
        assertThat(priced).isGreaterThanOrEqualTo(5);
    }

    /**
     * The least cost over every combination of distinct candidates and routes within the bounds, no link crossed more
     * often than {@code legsFit[link]} (its free bandwidth over the chain's).
     */
    private static double brute(ChainSearch s, ChainSearch.Costs costs, double maxLatency, double maxPrice, double[] legsFit) {
        int[] at = new int[s.hops + 2];
        at[0] = s.ingress;
        at[s.hops + 1] = s.egress;
        return brute(s, costs, maxLatency, maxPrice, legsFit, at, new int[s.hops], 0);
    }

    private static double brute(ChainSearch s, ChainSearch.Costs costs, double maxLatency, double maxPrice, double[] legsFit, int[] at,
                                int[] choice, int h) {
        if (h < s.hops) {
            double best = Double.POSITIVE_INFINITY;
            for (int c = 0; c < s.layers.get(h).size(); c++) {
                boolean reused = false;
                for (int e = 0; e < h; e++) {
                    reused |= s.layers.get(e).get(choice[e]).offer() == s.layers.get(h).get(c).offer();
                }
                if (!reused) {
                    choice[h] = c;
                    at[h + 1] = s.layers.get(h).get(c).sw();
                    best = Math.min(best, brute(s, costs, maxLatency, maxPrice, legsFit, at, choice, h + 1));
                }
            }
            return best;
        }
        return routesOf(s, costs, maxLatency, maxPrice, legsFit, at, choice, new org.chainmarket.selection.domain.Leg[s.hops + 1], 0);
    }

    private static double routesOf(ChainSearch s, ChainSearch.Costs costs, double maxLatency, double maxPrice, double[] legsFit, int[] at,
                                   int[] choice, org.chainmarket.selection.domain.Leg[] legs, int i) {
        if (i <= s.hops) {
            double best = Double.POSITIVE_INFINITY;
            for (org.chainmarket.selection.domain.Leg leg : s.paths.routes(at[i], at[i + 1])) {
                if (leg.reachable()) {
                    legs[i] = leg;
                    best = Math.min(best, routesOf(s, costs, maxLatency, maxPrice, legsFit, at, choice, legs, i + 1));
                }
            }
            return best;
        }
        double latency = 0;
        double price = 0;
        double cost = 0;
        java.util.Map<Integer, Integer> crossings = new java.util.HashMap<>();
        for (int h = 0; h <= s.hops; h++) {
            latency += legs[h].latencyMs();
            cost += costs.leg(legs[h]);
            for (int l : legs[h].linkIndices()) {
                crossings.merge(l, 1, Integer::sum);
            }
            if (h < s.hops) {
                ChainSearch.Candidate c = s.layers.get(h).get(choice[h]);
                latency += c.processingMs();
                price += c.price();
                cost += costs.hop(c);
            }
        }
        for (java.util.Map.Entry<Integer, Integer> e : crossings.entrySet()) {
            if (e.getValue() > legsFit[e.getKey()] + 1e-9) {
                return Double.POSITIVE_INFINITY;
            }
        }
        return latency <= maxLatency + 1e-9 && price <= maxPrice + 1e-9 ? cost : Double.POSITIVE_INFINITY;
    }

    private static ChainSearch search(MarketSnapshot market, ChainOrder order) {
        return search(market, order, null);
    }

    /** The search for {@code order}; with {@code extra}, each candidate costs a random extra of up to 3. */
    private static ChainSearch search(MarketSnapshot market, ChainOrder order, java.util.Random extra) {
        MultiDomainNetwork network = market.network();
        HopCandidates candidates = HopCandidates.of(market, org.chainmarket.selection.ChainRequest.of("c", order), Steering.NO_PROXIES);
        PathTable.Paths paths = new PathTable(network, market.linkUsageMbps(), 3).forBandwidth(order.bandwidthMbps());
        List<List<ChainSearch.Candidate>> layers = new ArrayList<>();
        for (List<OfferState> hop : candidates.fitting()) {
            layers.add(hop.stream().map(o -> new ChainSearch.Candidate(o, network.switchIndex(o.switchId()),
                    o.offer().priceFor(order.bandwidthMbps()), o.processingLatencyMs(), extra == null ? 0 : 3 * extra.nextDouble())).toList());
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
