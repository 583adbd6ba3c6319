package org.chainmarket.selection.network;

import org.jgrapht.GraphPath;
import org.jgrapht.graph.GraphWalk;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Shortest and k-shortest paths of one {@link MultiDomainNetwork} for one bandwidth and link usage: only links with
 * the bandwidth free are used, and a path's weight is its latency. Shortest paths come from one single-source tree
 * per source switch, computed on first use with Dijkstra over the network's index arrays (the usable links are
 * decided once, as a boolean per link, not on every edge visit), so a selection pays only for the sources it asks
 * about. {@link #spread} runs one multi-source Dijkstra for a whole layer of a chain at once. Alternative paths
 * ({@link #paths(String, String, int)}) come from Yen's algorithm over the same arrays (JGraphT's
 * {@code YenKShortestPath} is the reference the tests compare it with). Not thread-safe: one per selection.
 */
public final class PathFinder {
    private final MultiDomainNetwork net;
    private final double bandwidthMbps;
    private final boolean[] usable;
    private final Tree[] trees;
    private KShortestPaths yen;
    /** Scratch of {@link #spread}: its heap, and per switch the round in which it was settled or made a target. */
    private int[] heapNode;
    private double[] heapKey;
    private int[] settledIn;
    private int[] targetIn;
    private int round;

    PathFinder(MultiDomainNetwork net, double bandwidthMbps, Map<String, Double> usedMbps) {
        this.net = net;
        this.bandwidthMbps = bandwidthMbps;
        this.usable = new boolean[net.linkByIndex.length];
        for (int i = 0; i < usable.length; i++) {
            usable[i] = net.linkByIndex[i].freeMbps(usedMbps) >= bandwidthMbps;
        }
        this.trees = new Tree[net.switchIds.length];
    }

    public MultiDomainNetwork network() {
        return net;
    }

    public double bandwidthMbps() {
        return bandwidthMbps;
    }

    /** Whether link {@code index} has the bandwidth free. */
    public boolean usable(int linkIndex) {
        return usable[linkIndex];
    }

    /** The lowest-latency usable path, or empty when none exists (or a switch is unknown). */
    public Optional<GraphPath<String, NetLink>> path(String from, String to) {
        int a = net.switchIndex(from);
        int b = net.switchIndex(to);
        if (a < 0 || b < 0) {
            return Optional.empty();
        }
        return Optional.ofNullable(path(a, b));
    }

    /** The lowest-latency usable path between switch indices, or null when there is none. */
    public GraphPath<String, NetLink> path(int a, int b) {
        Tree t = tree(a);
        if (t.dist[b] == Double.POSITIVE_INFINITY) {
            return null;
        }
        int[] links = t.linksTo(b);
        List<String> vertices = new ArrayList<>(links.length + 1);
        List<NetLink> edges = new ArrayList<>(links.length);
        vertices.add(net.switchIds[a]);
        int at = a;
        for (int l : links) {
            at = net.adjacentEnd(l, at);
            vertices.add(net.switchIds[at]);
            edges.add(net.linkByIndex[l]);
        }
        return new GraphWalk<>(net.graph(), net.switchIds[a], net.switchIds[b], vertices, edges, t.dist[b]);
    }

    /** Indices of the links on the lowest-latency usable path, in order from {@code a}; null when there is none. */
    public int[] linkIndices(int a, int b) {
        Tree t = tree(a);
        return t.dist[b] == Double.POSITIVE_INFINITY ? null : t.linksTo(b);
    }

    /** Latency of the usable shortest path, or infinity when there is none. */
    public double latency(String from, String to) {
        int a = net.switchIndex(from);
        int b = net.switchIndex(to);
        if (a < 0 || b < 0) {
            return Double.POSITIVE_INFINITY;
        }
        return tree(a).dist[b];
    }

    /** Latency of the usable shortest path between switch indices, or infinity when there is none. */
    public double latency(int a, int b) {
        return tree(a).dist[b];
    }

    /** Border links on the usable shortest path between switch indices (0 when there is none). */
    public int crossings(int a, int b) {
        return tree(a).crossings[b];
    }

    /**
     * Latencies of the usable shortest paths from switch {@code a} to every switch (by index; infinity where
     * unreachable). The array is shared: do not modify it.
     */
    public double[] latenciesFrom(int a) {
        return tree(a).dist;
    }

    /**
     * One multi-source Dijkstra over the usable links: for every switch {@code v}, the least
     * {@code start[u] + latencyWeight x latency(u, v) + crossingWeight x border links(u, v)} over all switches
     * {@code u} (infinity where {@code start} is infinite or nothing is reachable), and in {@code origin} (when not
     * null) the {@code u} that attains it. With {@code crossingWeight} 0 the path behind each value is a
     * lowest-latency one, so this is what a layer of a chain costs at once, without a tree per switch.
     */
    public double[] spread(double[] start, double latencyWeight, double crossingWeight, int[] origin) {
        return spread(start, latencyWeight, crossingWeight, origin, null);
    }

    /**
     * As {@link #spread(double[], double, double, int[])}, also leaving out the links marked in {@code blocked} (by
     * index; null = none): links the chain may not use although the snapshot has its bandwidth free, because other
     * chains of a batch took it.
     */
    public double[] spread(double[] start, double latencyWeight, double crossingWeight, int[] origin, boolean[] blocked) {
        return spread(start, latencyWeight, crossingWeight, origin, blocked, null);
    }

    /**
     * As {@link #spread(double[], double, double, int[], boolean[])}, stopping as soon as every switch in
     * {@code targets} (null = every switch) is settled: only the entries of the targets (and their origins) are then
     * final, the others may be too high. A search that reads a layer's values only at its candidates' switches pays
     * only for the part of the network up to the farthest of them.
     */
    public double[] spread(double[] start, double latencyWeight, double crossingWeight, int[] origin, boolean[] blocked,
                           int[] targets) {
        return spread(start, latencyWeight, crossingWeight, origin, blocked, targets, Double.POSITIVE_INFINITY);
    }

    /**
     * As {@link #spread(double[], double, double, int[], boolean[], int[])}, also stopping once the least value still
     * open exceeds {@code cutoff}: a switch whose value is above it may be left with a value that is too high, but
     * still above the cutoff, or infinite (a search that only wants chains within a bound need not look further).
     */
    public double[] spread(double[] start, double latencyWeight, double crossingWeight, int[] origin, boolean[] blocked,
                           int[] targets, double cutoff) {
        double[] dist = start.clone();
        int n = dist.length;
        if (heapNode == null) {
            heapNode = new int[net.adjTarget.length + n + 1];
            heapKey = new double[heapNode.length];
            settledIn = new int[n];
            targetIn = new int[n];
        }
        if (++round == Integer.MAX_VALUE) {
            round = 1;
            Arrays.fill(settledIn, 0);
            Arrays.fill(targetIn, 0);
        }
        int remaining = 0;
        if (targets != null) {
            for (int t : targets) {
                if (targetIn[t] != round) {
                    targetIn[t] = round;
                    remaining++;
                }
            }
        }
        int size = 0;
        for (int v = 0; v < n; v++) {
            if (origin != null) {
                origin[v] = dist[v] < Double.POSITIVE_INFINITY ? v : -1;
            }
            if (dist[v] < Double.POSITIVE_INFINITY) {
                size = IndexHeap.push(heapNode, heapKey, size, v, dist[v]);
            }
        }
        while (size > 0) {
            int u = heapNode[0];
            double du = heapKey[0];
            size = IndexHeap.pop(heapNode, heapKey, size);
            if (settledIn[u] == round || du > dist[u]) {
                continue;
            }
            if (du > cutoff) {
                break;
            }
            settledIn[u] = round;
            if (targets != null && targetIn[u] == round && --remaining == 0) {
                break;
            }
            for (int e = net.adjStart[u]; e < net.adjStart[u + 1]; e++) {
                int link = net.adjLink[e];
                if (!usable[link] || blocked != null && blocked[link]) {
                    continue;
                }
                int v = net.adjTarget[e];
                double nd = du + latencyWeight * net.linkLatency[link] + (net.linkBorder[link] ? crossingWeight : 0);
                if (nd < dist[v]) {
                    dist[v] = nd;
                    if (origin != null) {
                        origin[v] = origin[u];
                    }
                    size = IndexHeap.push(heapNode, heapKey, size, v, nd);
                }
            }
        }
        return dist;
    }

    /**
     * Up to {@code k} loopless usable paths from {@code from} to {@code to} in order of latency, the first being
     * {@link #path(String, String)}; empty when there is none. Yen's algorithm over the index arrays (one
     * shortest-path search per spur switch, each stopping at the target), so callers ask only where an alternative
     * can matter.
     */
    public List<GraphPath<String, NetLink>> paths(String from, String to, int k) {
        int a = net.switchIndex(from);
        int b = net.switchIndex(to);
        if (a < 0 || b < 0 || k < 1) {
            return List.of();
        }
        List<GraphPath<String, NetLink>> out = new ArrayList<>(k);
        for (int[] links : linkPaths(a, b, k)) {
            out.add(walk(a, b, links));
        }
        return out;
    }

    /** As {@link #paths(String, String, int)}, as link indices from {@code a}. */
    public List<int[]> linkPaths(int a, int b, int k) {
        int[] shortest = linkIndices(a, b);
        if (shortest == null) {
            return List.of();
        }
        if (k == 1 || a == b) {
            return List.of(shortest);
        }
        if (yen == null) {
            yen = new KShortestPaths(net, usable);
        }
        Tree toB = tree(b); // undirected: the tree from b holds every switch's shortest path to b
        return yen.paths(a, b, shortest, k, toB.dist, toB.predLink);
    }

    /** The path from switch {@code a} along {@code links} (indices, in order) to {@code b}. */
    public GraphPath<String, NetLink> walk(int a, int b, int[] links) {
        List<String> vertices = new ArrayList<>(links.length + 1);
        List<NetLink> edges = new ArrayList<>(links.length);
        vertices.add(net.switchIds[a]);
        int at = a;
        double latency = 0;
        for (int l : links) {
            at = net.adjacentEnd(l, at);
            vertices.add(net.switchIds[at]);
            edges.add(net.linkByIndex[l]);
            latency += net.linkLatency[l];
        }
        return new GraphWalk<>(net.graph(), net.switchIds[a], net.switchIds[b], vertices, edges, latency);
    }

    private Tree tree(int source) {
        Tree t = trees[source];
        if (t == null) {
            t = new Tree(source);
            trees[source] = t;
        }
        return t;
    }

    /** One single-source shortest-path tree over the usable links (Dijkstra with a binary heap and lazy deletion). */
    private final class Tree {
        final double[] dist;
        final int[] predLink;
        /** Border links on the tree path to each switch. */
        final int[] crossings;

        Tree(int source) {
            int n = net.switchIds.length;
            dist = new double[n];
            predLink = new int[n];
            Arrays.fill(dist, Double.POSITIVE_INFINITY);
            Arrays.fill(predLink, -1);
            boolean[] done = new boolean[n];
            int[] settled = new int[n];
            int settledCount = 0;
            int[] heapNode = new int[net.adjTarget.length + 1];
            double[] heapKey = new double[heapNode.length];
            dist[source] = 0;
            int size = IndexHeap.push(heapNode, heapKey, 0, source, 0);
            while (size > 0) {
                int u = heapNode[0];
                double du = heapKey[0];
                size = IndexHeap.pop(heapNode, heapKey, size);
                if (done[u]) {
                    continue;
                }
                done[u] = true;
                settled[settledCount++] = u;
                for (int e = net.adjStart[u]; e < net.adjStart[u + 1]; e++) {
                    int link = net.adjLink[e];
                    if (!usable[link]) {
                        continue;
                    }
                    int v = net.adjTarget[e];
                    double nd = du + net.linkLatency[link];
                    if (nd < dist[v]) {
                        dist[v] = nd;
                        predLink[v] = link;
                        size = IndexHeap.push(heapNode, heapKey, size, v, nd);
                    }
                }
            }
            crossings = new int[n];
            for (int i = 1; i < settledCount; i++) { // parents are settled before their children
                int v = settled[i];
                int link = predLink[v];
                crossings[v] = crossings[net.adjacentEnd(link, v)] + (net.linkBorder[link] ? 1 : 0);
            }
        }

        /** Link indices from the source to {@code target}, in order. */
        int[] linksTo(int target) {
            int count = 0;
            for (int v = target; predLink[v] >= 0; v = net.adjacentEnd(predLink[v], v)) {
                count++;
            }
            int[] out = new int[count];
            for (int v = target; predLink[v] >= 0; v = net.adjacentEnd(predLink[v], v)) {
                out[--count] = predLink[v];
            }
            return out;
        }
    }
}
