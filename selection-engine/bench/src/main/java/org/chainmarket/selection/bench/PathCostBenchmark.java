package org.chainmarket.selection.bench;

import org.chainmarket.selection.network.PathFinder;
import org.chainmarket.selection.testing.CapacityCheck;
import org.chainmarket.selection.testing.GeneratedProblem;
import org.chainmarket.selection.testing.ProblemGenerator;
import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.Objective;
import org.chainmarket.selection.Steering;
import org.chainmarket.selection.exact.LayeredParetoSelector;
import org.chainmarket.selection.network.MultiDomainNetwork;
import org.chainmarket.selection.network.NetLink;
import org.chainmarket.selection.solver.OptaPlannerSelector;
import org.chainmarket.selection.solver.SelectionWeights;
import org.jgrapht.Graph;
import org.jgrapht.alg.shortestpath.DijkstraShortestPath;
import org.jgrapht.graph.AsWeightedGraph;
import org.jgrapht.graph.MaskSubgraph;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where single-chain time goes: for the single-chain cases of {@link SelectionBenchmark}, the shortest-path work one
 * selection needs on a fresh snapshot (single-source shortest paths from the ingress and from every switch that hosts
 * a candidate offer, to every switch), done two ways: JGraphT's {@link DijkstraShortestPath} over the bandwidth-masked,
 * latency-weighted view of the graph (how paths were computed before), and {@link PathFinder}
 * (Dijkstra over index arrays). Next to them the solver's and the exact selector's whole single-chain time.
 * All columns are p50 over the runs, in ms. Run with {@code --quick} for fewer runs.
 */
public final class PathCostBenchmark {
    private PathCostBenchmark() {
    }

    public static void main(String[] args) {
        int runs = Arrays.asList(args).contains("--quick") ? 20 : 60;
        OptaPlannerSelector solver = new OptaPlannerSelector(SelectionWeights.objectiveOnly(Objective.DEFAULT), Steering.NO_PROXIES);
        LayeredParetoSelector exact = new LayeredParetoSelector(Objective.DEFAULT, Steering.NO_PROXIES);
        for (int i = 0; i < 300; i++) { // warm up every path
            GeneratedProblem p = ProblemGenerator.generate(i % 2 == 0 ? "Abilene" : "Interoute", 4, 3, 20, 1, 1000 + i);
            solver.select(p.market(), p.requests().get(0));
            exact.select(p.market(), p.requests().get(0));
            jgraphtTrees(p);
            pathFinderTrees(p);
        }
        String header = String.format(Locale.ROOT, "| %-9s | %4s | %6s | %7s | %14s | %14s | %10s | %10s |",
                "topology", "hops", "offers", "sources", "JGraphT paths", "PathFinder", "solver", "exact");
        System.out.println(header);
        System.out.println(header.replaceAll("[^|]", "-"));
        String[][] topologies = {{"Abilene", "2"}, {"Geant2012", "3"}, {"Interoute", "4"}};
        for (String[] t : topologies) {
            for (int hops : new int[]{3, 5}) {
                for (int offers : new int[]{5, 20, 50, 200}) {
                    double[] jgrapht = new double[runs];
                    double[] finder = new double[runs];
                    double[] solverMs = new double[runs];
                    double[] exactMs = new double[runs];
                    double sources = 0;
                    for (int r = 0; r < runs; r++) {
                        GeneratedProblem p = ProblemGenerator.generate(t[0], Integer.parseInt(t[1]), hops, offers, 1, 31L * r + hops * 7L + offers);
                        ChainRequest req = p.requests().get(0);
                        long t0 = System.nanoTime();
                        sources += jgraphtTrees(p);
                        long t1 = System.nanoTime();
                        pathFinderTrees(p);
                        long t2 = System.nanoTime();
                        solver.select(p.market(), req);
                        long t3 = System.nanoTime();
                        exact.select(p.market(), req);
                        long t4 = System.nanoTime();
                        jgrapht[r] = (t1 - t0) / 1e6;
                        finder[r] = (t2 - t1) / 1e6;
                        solverMs[r] = (t3 - t2) / 1e6;
                        exactMs[r] = (t4 - t3) / 1e6;
                    }
                    System.out.println(String.format(Locale.ROOT, "| %-9s | %4d | %6d | %7.0f | %14.2f | %14.2f | %10.2f | %10.2f |",
                            t[0], hops, offers, sources / runs, p50(jgrapht), p50(finder), p50(solverMs), p50(exactMs)));
                }
            }
        }
    }

    /** Sources a selection needs paths from: the ingress and every switch hosting an offer of the chain's types. */
    private static Set<String> sources(GeneratedProblem p) {
        ChainRequest req = p.requests().get(0);
        Set<String> out = new LinkedHashSet<>();
        out.add(req.order().ingress());
        p.market().offers().stream().filter(o -> req.order().vnfTypes().contains(o.offer().vnfType()))
                .forEach(o -> out.add(o.switchId()));
        return out;
    }

    private static int jgraphtTrees(GeneratedProblem p) {
        double mbps = p.requests().get(0).order().bandwidthMbps();
        Map<String, Double> usage = p.market().linkUsageMbps();
        Graph<String, NetLink> usable = new MaskSubgraph<>(p.market().network().graph(), v -> false,
                e -> e.bandwidthMbps() - usage.getOrDefault(e.key(), 0.0) < mbps);
        DijkstraShortestPath<String, NetLink> dijkstra = new DijkstraShortestPath<>(new AsWeightedGraph<>(usable, NetLink::latencyMs, false, false));
        Set<String> sources = sources(p);
        double sink = 0;
        for (String s : sources) {
            sink += dijkstra.getPaths(s).getWeight(p.requests().get(0).order().egress());
        }
        return sink >= 0 ? sources.size() : -1;
    }

    private static void pathFinderTrees(GeneratedProblem p) {
        MultiDomainNetwork network = p.market().network();
        PathFinder finder = network.pathFinder(p.requests().get(0).order().bandwidthMbps(), p.market().linkUsageMbps());
        int egress = network.switchIndex(p.requests().get(0).order().egress());
        for (String s : sources(p)) {
            finder.latency(network.switchIndex(s), egress);
        }
    }

    private static double p50(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.ceil(0.5 * sorted.length) - 1];
    }
}
