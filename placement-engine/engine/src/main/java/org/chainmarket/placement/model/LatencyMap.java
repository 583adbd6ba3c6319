package org.chainmarket.placement.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Lowest latency between any two switches (ms), over undirected links: one Dijkstra per switch, computed once.
 * Unreachable pairs are {@link Double#POSITIVE_INFINITY}.
 */
public final class LatencyMap {
    private final Map<String, Integer> index = new HashMap<>();
    private final double[][] ms;

    /** An undirected link and its latency. */
    public record Link(String a, String b, double latencyMs) {
    }

    private LatencyMap(List<String> switches, List<Link> links) {
        for (String s : switches) {
            index.putIfAbsent(s, index.size());
        }
        int n = index.size();
        List<List<double[]>> adj = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            adj.add(new ArrayList<>());
        }
        for (Link l : links) {
            Integer a = index.get(l.a());
            Integer b = index.get(l.b());
            if (a == null || b == null) {
                throw new IllegalArgumentException("link " + l.a() + "-" + l.b() + " names an unknown switch");
            }
            adj.get(a).add(new double[]{b, l.latencyMs()});
            adj.get(b).add(new double[]{a, l.latencyMs()});
        }
        ms = new double[n][];
        for (int s = 0; s < n; s++) {
            double[] d = new double[n];
            Arrays.fill(d, Double.POSITIVE_INFINITY);
            d[s] = 0;
            PriorityQueue<double[]> queue = new PriorityQueue<>((x, y) -> Double.compare(x[1], y[1]));
            queue.add(new double[]{s, 0});
            while (!queue.isEmpty()) {
                double[] top = queue.poll();
                int u = (int) top[0];
                if (top[1] > d[u]) {
                    continue;
                }
                for (double[] e : adj.get(u)) {
                    int v = (int) e[0];
                    double nd = d[u] + e[1];
                    if (nd < d[v]) {
                        d[v] = nd;
                        queue.add(new double[]{v, nd});
                    }
                }
            }
            ms[s] = d;
        }
    }

    /** The map of {@code switches} joined by {@code links}. */
    public static LatencyMap of(Collection<String> switches, List<Link> links) {
        Set<String> all = new LinkedHashSet<>(switches);
        for (Link l : links) {
            all.add(l.a());
            all.add(l.b());
        }
        return new LatencyMap(new ArrayList<>(all), links);
    }

    /** Index of {@code switchId}; throws if unknown. */
    public int indexOf(String switchId) {
        Integer i = index.get(switchId);
        if (i == null) {
            throw new IllegalArgumentException("unknown switch '" + switchId + "'");
        }
        return i;
    }

    public boolean knows(String switchId) {
        return index.containsKey(switchId);
    }

    /** Latency in ms between two switches by index. */
    public double ms(int a, int b) {
        return ms[a][b];
    }

    /** Latency in ms between two switches. */
    public double ms(String a, String b) {
        return ms[indexOf(a)][indexOf(b)];
    }
}
