package org.chainmarket.selection.network;

import org.chainmarket.selection.testing.GeneratedProblem;
import org.chainmarket.selection.testing.ProblemGenerator;
import org.jgrapht.Graph;
import org.jgrapht.GraphPath;
import org.jgrapht.alg.shortestpath.DijkstraShortestPath;
import org.jgrapht.graph.AsWeightedGraph;
import org.jgrapht.graph.MaskSubgraph;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PathFinderTest {

    /** JGraphT's Dijkstra over the bandwidth-masked, latency-weighted graph: the reference. */
    private static DijkstraShortestPath<String, NetLink> reference(MultiDomainNetwork network, double mbps, Map<String, Double> usage) {
        Graph<String, NetLink> usable = new MaskSubgraph<>(network.graph(), v -> false,
                e -> e.bandwidthMbps() - usage.getOrDefault(e.key(), 0.0) < mbps);
        return new DijkstraShortestPath<>(new AsWeightedGraph<>(usable, NetLink::latencyMs, false, false));
    }

    @Test
    void shortestPathsMatchJGraphTDijkstraOnEveryPairWithLinksMaskedByBandwidth() {
        Random rnd = new Random(5);
        for (String topology : List.of("Abilene", "Geant2012", "Interoute")) {
            GeneratedProblem p = ProblemGenerator.generate(topology, 3, 2, 5, 1, 11);
            MultiDomainNetwork network = p.market().network();
            Map<String, Double> usage = new HashMap<>();
            for (NetLink l : network.links()) { // about a quarter of the links too full for the chain
                usage.put(l.key(), rnd.nextDouble() < 0.25 ? l.bandwidthMbps() - 50 : 0.0);
            }
            PathFinder finder = network.pathFinder(100, usage);
            DijkstraShortestPath<String, NetLink> jgrapht = reference(network, 100, usage);
            for (String from : network.graph().vertexSet()) {
                var tree = jgrapht.getPaths(from);
                for (String to : network.graph().vertexSet()) {
                    double expected = tree.getWeight(to);
                    assertThat(finder.latency(from, to)).as(topology + " " + from + "->" + to).isCloseTo(expected, within(1e-9));
                    var path = finder.path(from, to);
                    assertThat(path.isPresent()).isEqualTo(expected < Double.POSITIVE_INFINITY);
                    path.ifPresent(gp -> {
                        assertThat(gp.getStartVertex()).isEqualTo(from);
                        assertThat(gp.getEndVertex()).isEqualTo(to);
                        assertThat(gp.getEdgeList().stream().mapToDouble(NetLink::latencyMs).sum()).isCloseTo(expected, within(1e-9));
                        assertThat(gp.getEdgeList()).allMatch(e -> e.bandwidthMbps() - usage.get(e.key()) >= 100);
                        int crossings = (int) gp.getEdgeList().stream().filter(NetLink::isBorder).count();
                        assertThat(finder.crossings(network.switchIndex(from), network.switchIndex(to))).isEqualTo(crossings);
                    });
                }
            }
        }
    }

    @Test
    void kShortestPathsAreLooplessUsableDistinctAndInOrderOfLatency() {
        GeneratedProblem p = ProblemGenerator.generate("Geant2012", 3, 2, 5, 1, 3);
        MultiDomainNetwork network = p.market().network();
        Map<String, Double> usage = Map.of();
        PathFinder finder = network.pathFinder(10, usage);
        List<String> switches = List.copyOf(network.graph().vertexSet());
        Random rnd = new Random(9);
        for (int i = 0; i < 40; i++) {
            String from = switches.get(rnd.nextInt(switches.size()));
            String to = switches.get(rnd.nextInt(switches.size()));
            if (from.equals(to)) {
                continue;
            }
            List<GraphPath<String, NetLink>> paths = finder.paths(from, to, 3);
            assertThat(paths).isNotEmpty().hasSizeLessThanOrEqualTo(3);
            assertThat(paths.get(0).getWeight()).isCloseTo(finder.latency(from, to), within(1e-9));
            Set<List<String>> seen = new HashSet<>();
            double last = 0;
            for (GraphPath<String, NetLink> gp : paths) {
                List<String> vertices = gp.getVertexList();
                assertThat(Set.copyOf(vertices)).as("loopless").hasSize(vertices.size());
                assertThat(seen.add(vertices)).as("distinct").isTrue();
                assertThat(gp.getWeight()).isGreaterThanOrEqualTo(last - 1e-9);
                last = gp.getWeight();
                for (int e = 0; e < gp.getEdgeList().size(); e++) { // the edges join consecutive vertices
                    NetLink l = gp.getEdgeList().get(e);
                    assertThat(NetLink.key(vertices.get(e), vertices.get(e + 1))).isEqualTo(l.key());
                }
            }
        }
    }

    /** The k shortest paths have the latencies JGraphT's Yen finds on the same usable links (ties may pick other paths). */
    @Test
    void kShortestPathsHaveTheLatenciesOfJGraphTsYen() {
        GeneratedProblem p = ProblemGenerator.generate("Interoute", 4, 2, 5, 1, 5);
        MultiDomainNetwork network = p.market().network();
        Map<String, Double> usage = p.market().linkUsageMbps();
        PathFinder finder = network.pathFinder(30_000, usage); // about half the links are too full
        org.jgrapht.Graph<String, NetLink> usable = new org.jgrapht.graph.AsWeightedGraph<>(new org.jgrapht.graph.MaskSubgraph<>(
                network.graph(), v -> false, e -> e.freeMbps(usage) < 30_000), NetLink::latencyMs, false, false);
        org.jgrapht.alg.shortestpath.YenKShortestPath<String, NetLink> yen = new org.jgrapht.alg.shortestpath.YenKShortestPath<>(usable);
        List<String> switches = List.copyOf(network.graph().vertexSet());
        Random rnd = new Random(4);
        int compared = 0;
        for (int i = 0; i < 60; i++) {
            String from = switches.get(rnd.nextInt(switches.size()));
            String to = switches.get(rnd.nextInt(switches.size()));
            if (from.equals(to)) {
                continue;
            }
            List<Double> ours = finder.paths(from, to, 4).stream().map(GraphPath::getWeight).toList();
            List<Double> theirs = yen.getPaths(from, to, 4).stream().map(GraphPath::getWeight).toList();
            assertThat(ours).hasSameSizeAs(theirs);
            for (int k = 0; k < ours.size(); k++) {
                assertThat(ours.get(k)).as(from + " -> " + to + " path " + k).isCloseTo(theirs.get(k), within(1e-9));
            }
            compared++;
        }
        assertThat(compared).isGreaterThan(50);
    }

    /**
     * A multi-source spread that stops once its targets are settled gives, at the targets, the values and origins of
     * the full spread, which are the least start value plus path latency over every source (checked against the
     * single-source trees); repeated spreads on one finder do not disturb each other.
     */
    @Test
    void aSpreadStoppedAtItsTargetsIsExactThere() {
        GeneratedProblem p = ProblemGenerator.generate("Interoute", 3, 2, 5, 1, 7);
        MultiDomainNetwork network = p.market().network();
        PathFinder finder = network.pathFinder(100, p.market().linkUsageMbps());
        int n = network.switchCount();
        Random rnd = new Random(9);
        for (int round = 0; round < 40; round++) {
            double[] start = new double[n];
            java.util.Arrays.fill(start, Double.POSITIVE_INFINITY);
            for (int k = 0; k < 1 + rnd.nextInt(5); k++) {
                start[rnd.nextInt(n)] = 10 * rnd.nextDouble();
            }
            int[] targets = new int[1 + rnd.nextInt(4)];
            for (int k = 0; k < targets.length; k++) {
                targets[k] = rnd.nextInt(n);
            }
            int[] fullOrigin = new int[n];
            int[] stoppedOrigin = new int[n];
            double[] full = finder.spread(start, 1, 0, fullOrigin, null);
            double[] stopped = finder.spread(start, 1, 0, stoppedOrigin, null, targets);
            for (int t : targets) {
                double expected = Double.POSITIVE_INFINITY;
                for (int u = 0; u < n; u++) {
                    if (start[u] < Double.POSITIVE_INFINITY) {
                        expected = Math.min(expected, start[u] + finder.latency(u, t));
                    }
                }
                assertThat(stopped[t]).as("round " + round + " target " + t).isEqualTo(full[t]);
                if (expected == Double.POSITIVE_INFINITY) {
                    assertThat(full[t]).isInfinite();
                } else {
                    assertThat(full[t]).isCloseTo(expected, within(1e-9));
                    assertThat(start[stoppedOrigin[t]] + finder.latency(stoppedOrigin[t], t)).isCloseTo(expected, within(1e-9));
                }
            }
        }
    }
}
