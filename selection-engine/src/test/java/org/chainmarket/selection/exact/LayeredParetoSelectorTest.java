package org.chainmarket.selection.exact;

import org.chainmarket.selection.network.PathFinder;
import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfOffer;
import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.Objective;
import org.chainmarket.selection.OfferState;
import org.chainmarket.selection.SelectionResult;
import org.chainmarket.selection.Steering;
import org.chainmarket.selection.testing.CapacityCheck;
import org.chainmarket.selection.network.MultiDomainNetwork;
import org.chainmarket.selection.network.NetLink;
import org.jgrapht.GraphPath;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The exact selector against brute force on small random networks whose links are often too narrow for all of a
 * chain's legs at once: every combination of distinct offers and of each leg's k shortest usable paths, checked
 * against link capacity (counting every crossing), the latency bound and the budget.
 */
class LayeredParetoSelectorTest {
    private static final ProviderId P = ProviderId.of("p");
    private static final int K = 3;

    @Test
    void isOptimalOverOffersAndEachLegsKShortestPathsWithSharedLinkCapacity() {
        Random rnd = new Random(17);
        int served = 0;
        int rerouted = 0;
        for (int run = 0; run < 120; run++) {
            MarketSnapshot market = randomMarket(rnd);
            List<String> types = rnd.nextBoolean() ? List.of("fw", "nat") : List.of("fw", "nat", "fw");
            String in = "s" + rnd.nextInt(7);
            String out = "s" + rnd.nextInt(7);
            ChainOrder order = new ChainOrder("b", types, in, out, 100, 8 + 20 * rnd.nextDouble(), 2 + 4 * rnd.nextDouble(),
                    List.of(), List.of());
            double brute = bruteForce(market, order);
            SelectionResult r = new LayeredParetoSelector(Objective.DEFAULT, Steering.NO_PROXIES, K).select(market, order);
            if (Double.isInfinite(brute)) {
                assertThat(r).as("run " + run).isInstanceOf(SelectionResult.Rejected.class);
                continue;
            }
            assertThat(r).as("run " + run).isInstanceOf(SelectionResult.Selected.class);
            SelectionResult.Selected s = (SelectionResult.Selected) r;
            assertThat(s.objective()).as("run " + run).isCloseTo(brute, within(1e-9));
            assertThat(CapacityCheck.violations(market, List.of(ChainRequest.of("c", order)), List.of(r))).as("run " + run).isEmpty();
            served++;
            SelectionResult shortestOnly = new LayeredParetoSelector(Objective.DEFAULT, Steering.NO_PROXIES, 1).select(market, order);
            if (!(shortestOnly instanceof SelectionResult.Selected so) || so.objective() > s.objective() + 1e-9) {
                rerouted++;
            }
        }
        assertThat(served).isGreaterThan(40);
        assertThat(rerouted).as("runs where an alternative path is needed").isGreaterThan(5);
    }

    /** Seven switches on a ring with random chords; links hold 1-3 crossings of 100 Mbit/s; 2 firewalls and 2 nats. */
    private static MarketSnapshot randomMarket(Random rnd) {
        int n = 7;
        List<ProviderDomain.Switch> switches = new ArrayList<>();
        List<ProviderDomain.Site> sites = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            switches.add(new ProviderDomain.Switch("s" + i, "s" + i, 0.0, 0.0));
            sites.add(new ProviderDomain.Site("s" + i + "-dc", "s" + i, 8, 16));
        }
        List<ProviderDomain.Link> links = new ArrayList<>();
        Map<String, Double> usage = new HashMap<>();
        for (int i = 0; i < n; i++) {
            addLink(links, usage, rnd, "s" + i, "s" + ((i + 1) % n));
        }
        for (int c = 0; c < 3; c++) {
            int a = rnd.nextInt(n);
            int b = rnd.nextInt(n);
            if (a != b && Math.abs(a - b) != 1 && Math.abs(a - b) != n - 1
                    && links.stream().noneMatch(l -> NetLink.key(l.from(), l.to()).equals(NetLink.key("s" + a, "s" + b)))) {
                addLink(links, usage, rnd, "s" + a, "s" + b);
            }
        }
        List<VnfOffer> offers = new ArrayList<>();
        for (String type : List.of("fw", "nat")) {
            for (int k = 0; k < 2; k++) {
                offers.add(new VnfOffer(OfferId.of(type + k), P, type, "s" + rnd.nextInt(n) + "-dc", 1000, 10,
                        0.5 * rnd.nextDouble(), 0.2 + 1.5 * rnd.nextDouble(), 0.0, 0.999, true, true, null, null));
            }
        }
        ProviderDomain domain = new ProviderDomain(P, "p", switches, sites, links, List.of());
        return MarketSnapshot.of(List.of(domain), offers, Map.of(), usage, Instant.EPOCH);
    }

    private static void addLink(List<ProviderDomain.Link> links, Map<String, Double> usage, Random rnd, String a, String b) {
        links.add(new ProviderDomain.Link(a, b, 0.5 + 3 * rnd.nextDouble(), 1000));
        usage.put(NetLink.key(a, b), 1000 - (50 + 100.0 * (1 + rnd.nextInt(3)))); // 150, 250 or 350 Mbit/s free
    }

    private static double bruteForce(MarketSnapshot market, ChainOrder order) {
        PathFinder paths = market.network().pathFinder(order.bandwidthMbps(), market.linkUsageMbps());
        List<List<OfferState>> layers = new ArrayList<>();
        for (String type : order.vnfTypes()) {
            layers.add(market.offers().stream().filter(o -> o.offer().vnfType().equals(type)).toList());
        }
        double[] best = {Double.POSITIVE_INFINITY};
        offers(market, order, paths, layers, new ArrayList<>(), best);
        return best[0];
    }

    private static void offers(MarketSnapshot market, ChainOrder order, PathFinder paths,
                               List<List<OfferState>> layers, List<OfferState> chosen, double[] best) {
        if (chosen.size() == layers.size()) {
            List<String> stops = new ArrayList<>();
            stops.add(order.ingress());
            chosen.forEach(o -> stops.add(o.switchId()));
            stops.add(order.egress());
            List<List<GraphPath<String, NetLink>>> legs = new ArrayList<>();
            for (int i = 0; i + 1 < stops.size(); i++) {
                legs.add(paths.paths(stops.get(i), stops.get(i + 1), K));
            }
            double processing = chosen.stream().mapToDouble(OfferState::processingLatencyMs).sum();
            double price = chosen.stream().mapToDouble(o -> o.offer().priceFor(order.bandwidthMbps())).sum();
            routes(market, order, legs, 0, processing, new HashMap<>(), price, best);
            return;
        }
        for (OfferState o : layers.get(chosen.size())) {
            if (chosen.stream().noneMatch(c -> c.offer().offerId().equals(o.offer().offerId()))) {
                chosen.add(o);
                offers(market, order, paths, layers, chosen, best);
                chosen.remove(chosen.size() - 1);
            }
        }
    }

    private static void routes(MarketSnapshot market, ChainOrder order, List<List<GraphPath<String, NetLink>>> legs, int i,
                               double latency, Map<String, Double> use, double price, double[] best) {
        if (i == legs.size()) {
            if (latency <= order.maxLatencyMs() && price <= order.maxPricePerHour()) {
                best[0] = Math.min(best[0], Objective.DEFAULT.of(latency, price));
            }
            return;
        }
        for (GraphPath<String, NetLink> p : legs.get(i)) {
            Map<String, Double> more = new HashMap<>(use);
            boolean fits = true;
            for (NetLink l : p.getEdgeList()) {
                double u = more.merge(l.key(), order.bandwidthMbps(), Double::sum);
                fits &= u <= l.bandwidthMbps() - market.linkUsageMbps().getOrDefault(l.key(), 0.0) + 1e-9;
            }
            if (fits) {
                routes(market, order, legs, i + 1, latency + p.getWeight(), more, price, best);
            }
        }
    }
}
