package org.chainmarket.selection.network;

import org.jgrapht.Graph;
import org.jgrapht.GraphPath;
import org.jgrapht.alg.shortestpath.YenKShortestPath;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.GraphWalk;
import org.jgrapht.graph.SimpleWeightedGraph;

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
 * ({@link #paths(String, String, int)}) come from JGraphT's {@link YenKShortestPath} over a latency-weighted copy of
 * the usable links. Not thread-safe: one per selection.
 */
public final class PathFinder {
    private final MultiDomainNetwork net;
    private final double bandwidthMbps;
    private final boolean[] usable;
    private final Tree[] trees;
    private Graph<String, RouteEdge> weighted;

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
        double[] dist = start.clone();
        int n = dist.length;
        int[] heapNode = new int[net.adjTarget.length + n + 1];
        double[] heapKey = new double[heapNode.length];
        int size = 0;
        for (int v = 0; v < n; v++) {
            if (origin != null) {
                origin[v] = dist[v] < Double.POSITIVE_INFINITY ? v : -1;
            }
            if (dist[v] < Double.POSITIVE_INFINITY) {
                size = push(heapNode, heapKey, size, v, dist[v]);
            }
        }
        boolean[] done = new boolean[n];
        while (size > 0) {
            int u = heapNode[0];
            double du = heapKey[0];
            size = pop(heapNode, heapKey, size);
            if (done[u] || du > dist[u]) {
                continue;
            }
            done[u] = true;
            for (int e = net.adjStart[u]; e < net.adjStart[u + 1]; e++) {
                int link = net.adjLink[e];
                if (!usable[link]) {
                    continue;
                }
                int v = net.adjTarget[e];
                double nd = du + latencyWeight * net.linkLatency[link] + (net.linkBorder[link] ? crossingWeight : 0);
                if (nd < dist[v]) {
                    dist[v] = nd;
                    if (origin != null) {
                        origin[v] = origin[u];
                    }
                    size = push(heapNode, heapKey, size, v, nd);
                }
            }
        }
        return dist;
    }

    /**
     * Up to {@code k} loopless usable paths from {@code from} to {@code to} in order of latency, the first being
     * {@link #path(String, String)}; empty when there is none. Computed with JGraphT's Yen algorithm (one
     * shortest-path search per spur node), so callers ask only where an alternative can matter.
     */
    public List<GraphPath<String, NetLink>> paths(String from, String to, int k) {
        int a = net.switchIndex(from);
        int b = net.switchIndex(to);
        if (a < 0 || b < 0 || k < 1) {
            return List.of();
        }
        GraphPath<String, NetLink> shortest = path(a, b);
        if (shortest == null) {
            return List.of();
        }
        List<GraphPath<String, NetLink>> out = new ArrayList<>(k);
        out.add(shortest);
        if (k == 1 || a == b) {
            return out;
        }
        for (GraphPath<String, RouteEdge> p : new YenKShortestPath<>(weighted()).getPaths(from, to, k + 1)) {
            if (out.size() == k) {
                break;
            }
            if (!p.getVertexList().equals(shortest.getVertexList())) {
                List<NetLink> edges = new ArrayList<>(p.getLength());
                p.getEdgeList().forEach(e -> edges.add(net.linkByIndex[e.link]));
                out.add(new GraphWalk<>(net.graph(), from, to, p.getVertexList(), edges, p.getWeight()));
            }
        }
        return out;
    }

    /**
     * The usable links as a latency-weighted JGraphT graph, built once. Its edges carry their own endpoints and
     * weight (intrusive edges), which makes JGraphT's searches several times faster than over a masked view.
     */
    private Graph<String, RouteEdge> weighted() {
        if (weighted == null) {
            Graph<String, RouteEdge> g = new SimpleWeightedGraph<>(null, null);
            for (String sw : net.switchIds) {
                g.addVertex(sw);
            }
            for (int l = 0; l < net.linkByIndex.length; l++) {
                if (usable[l]) {
                    RouteEdge e = new RouteEdge(l);
                    g.addEdge(net.switchIds[net.linkEndA[l]], net.switchIds[net.linkEndB[l]], e);
                    g.setEdgeWeight(e, net.linkLatency[l]);
                }
            }
            weighted = g;
        }
        return weighted;
    }

    private Tree tree(int source) {
        Tree t = trees[source];
        if (t == null) {
            t = new Tree(source);
            trees[source] = t;
        }
        return t;
    }

    /** An edge of the JGraphT copy of the usable links: the index of the link it stands for. */
    private static final class RouteEdge extends DefaultWeightedEdge {
        private static final long serialVersionUID = 1L;
        final int link;

        RouteEdge(int link) {
            this.link = link;
        }
    }

    private static int push(int[] heapNode, double[] heapKey, int size, int node, double key) {
        int i = size;
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (heapKey[parent] <= key) {
                break;
            }
            heapNode[i] = heapNode[parent];
            heapKey[i] = heapKey[parent];
            i = parent;
        }
        heapNode[i] = node;
        heapKey[i] = key;
        return size + 1;
    }

    /** Removes the root (the caller has read it); returns the new size. */
    private static int pop(int[] heapNode, double[] heapKey, int size) {
        size--;
        if (size > 0) {
            int node = heapNode[size];
            double key = heapKey[size];
            int i = 0;
            while (true) {
                int c = 2 * i + 1;
                if (c >= size) {
                    break;
                }
                if (c + 1 < size && heapKey[c + 1] < heapKey[c]) {
                    c++;
                }
                if (heapKey[c] >= key) {
                    break;
                }
                heapNode[i] = heapNode[c];
                heapKey[i] = heapKey[c];
                i = c;
            }
            heapNode[i] = node;
            heapKey[i] = key;
        }
        return size;
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
            int size = push(heapNode, heapKey, 0, source, 0);
            while (size > 0) {
                int u = heapNode[0];
                double du = heapKey[0];
                size = pop(heapNode, heapKey, size);
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
                        size = push(heapNode, heapKey, size, v, nd);
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
