package org.chainmarket.selection.network;

import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.jgrapht.Graph;
import org.jgrapht.GraphPath;
import org.jgrapht.alg.shortestpath.YenKShortestPath;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.GraphWalk;
import org.jgrapht.graph.SimpleWeightedGraph;
import org.jgrapht.graph.builder.GraphTypeBuilder;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every advertised domain joined into one graph: switches are vertices (ids are global), intra-domain links
 * belong to their provider, border links join two providers' switches. A border link is kept once, whichever
 * side advertised it, and only once both of its switches are known. Immutable once built.
 */
public final class MultiDomainNetwork {
    private final Graph<String, NetLink> graph;
    private final Map<String, ProviderId> ownerOfSwitch;
    private final Map<String, String> switchOfSite;
    private final Map<String, NetLink> links;
    // index arrays for path searches: switches and links numbered from 0, adjacency in compressed rows
    private final String[] switchIds;
    private final Map<String, Integer> switchIndexById = new HashMap<>();
    private final NetLink[] linkByIndex;
    private final String[] linkKeys;
    private final Map<NetLink, Integer> linkIndexOf = new IdentityHashMap<>();
    private final int[] linkEndA;
    private final int[] linkEndB;
    private final double[] linkLatency;
    private final boolean[] linkBorder;
    private final int[] adjStart;
    private final int[] adjTarget;
    private final int[] adjLink;

    private MultiDomainNetwork(Graph<String, NetLink> graph, Map<String, ProviderId> ownerOfSwitch,
                               Map<String, String> switchOfSite, Map<String, NetLink> links) {
        this.graph = graph;
        this.ownerOfSwitch = ownerOfSwitch;
        this.switchOfSite = switchOfSite;
        this.links = links;
        this.switchIds = graph.vertexSet().toArray(new String[0]);
        for (String sw : switchIds) {
            switchIndexById.put(sw, switchIndexById.size());
        }
        this.linkByIndex = graph.edgeSet().toArray(new NetLink[0]);
        int m = linkByIndex.length;
        this.linkKeys = new String[m];
        this.linkEndA = new int[m];
        this.linkEndB = new int[m];
        this.linkLatency = new double[m];
        this.linkBorder = new boolean[m];
        this.adjStart = new int[switchIds.length + 1];
        for (int i = 0; i < m; i++) {
            NetLink l = linkByIndex[i];
            linkIndexOf.put(l, i);
            linkKeys[i] = l.key();
            linkEndA[i] = switchIndexById.get(l.a());
            linkEndB[i] = switchIndexById.get(l.b());
            linkLatency[i] = l.latencyMs();
            linkBorder[i] = l.isBorder();
            adjStart[linkEndA[i] + 1]++;
            adjStart[linkEndB[i] + 1]++;
        }
        for (int v = 0; v < switchIds.length; v++) {
            adjStart[v + 1] += adjStart[v];
        }
        this.adjTarget = new int[2 * m];
        this.adjLink = new int[2 * m];
        int[] fill = java.util.Arrays.copyOf(adjStart, switchIds.length);
        for (int i = 0; i < m; i++) {
            adjTarget[fill[linkEndA[i]]] = linkEndB[i];
            adjLink[fill[linkEndA[i]]++] = i;
            adjTarget[fill[linkEndB[i]]] = linkEndA[i];
            adjLink[fill[linkEndB[i]]++] = i;
        }
    }

    /** How many alternative paths per leg selection considers by default (the shortest and the next two). */
    public static final int DEFAULT_K_PATHS = 3;

    public static MultiDomainNetwork of(Collection<ProviderDomain> domains) {
        Graph<String, NetLink> g = GraphTypeBuilder.<String, NetLink>undirected()
                .allowingMultipleEdges(false).allowingSelfLoops(false).weighted(false).buildGraph();
        Map<String, ProviderId> owner = new HashMap<>();
        Map<String, String> sites = new HashMap<>();
        Map<String, NetLink> links = new HashMap<>();
        for (ProviderDomain d : domains) {
            for (ProviderDomain.Switch s : d.switches()) {
                g.addVertex(s.switchId());
                owner.put(s.switchId(), d.providerId());
            }
            for (ProviderDomain.Site s : d.sites()) {
                sites.put(s.siteId(), s.switchId());
            }
        }
        for (ProviderDomain d : domains) {
            for (ProviderDomain.Link l : d.links()) {
                add(g, links, owner, new NetLink(l.from(), l.to(), l.latencyMs(), l.bandwidthMbps(), d.providerId()));
            }
        }
        for (ProviderDomain d : domains) {
            for (ProviderDomain.BorderLink b : d.borderLinks()) {
                if (b.remoteProvider().equals(owner.get(b.remoteSwitch()))) {
                    add(g, links, owner, new NetLink(b.localSwitch(), b.remoteSwitch(), b.latencyMs(), b.bandwidthMbps(), null));
                }
            }
        }
        return new MultiDomainNetwork(g, Collections.unmodifiableMap(owner), Collections.unmodifiableMap(sites),
                Collections.unmodifiableMap(links));
    }

    private static void add(Graph<String, NetLink> g, Map<String, NetLink> links, Map<String, ProviderId> owner, NetLink link) {
        if (!owner.containsKey(link.a()) || !owner.containsKey(link.b()) || link.a().equals(link.b())
                || links.containsKey(link.key())) {
            return;
        }
        g.addEdge(link.a(), link.b(), link);
        links.put(link.key(), link);
    }

    public Graph<String, NetLink> graph() {
        return graph;
    }

    public boolean hasSwitch(String switchId) {
        return ownerOfSwitch.containsKey(switchId);
    }

    public Optional<ProviderId> owner(String switchId) {
        return Optional.ofNullable(ownerOfSwitch.get(switchId));
    }

    public Optional<String> switchOfSite(String siteId) {
        return Optional.ofNullable(switchOfSite.get(siteId));
    }

    public Optional<NetLink> link(String x, String y) {
        return Optional.ofNullable(links.get(NetLink.key(x, y)));
    }

    public Collection<NetLink> links() {
        return links.values();
    }

    /** Index of a switch (0..{@link #switchCount()}-1), or -1 when unknown. */
    public int switchIndex(String switchId) {
        Integer i = switchIndexById.get(switchId);
        return i == null ? -1 : i;
    }

    /** The switch with index {@code index}. */
    public String switchId(int index) {
        return switchIds[index];
    }

    public int switchCount() {
        return switchIds.length;
    }

    /** Number of links; links are indexed 0..linkCount()-1 in a fixed order. */
    public int linkCount() {
        return linkByIndex.length;
    }

    /** The link with index {@code index}. */
    public NetLink link(int index) {
        return linkByIndex[index];
    }

    /** Index of a link of this network (by identity, as returned by {@link #graph()} and paths), or -1. */
    public int linkIndex(NetLink link) {
        Integer i = linkIndexOf.get(link);
        return i == null ? -1 : i;
    }

    /**
     * Lowest-latency paths over the links that still have {@code bandwidthMbps} free given {@code usedMbps}
     * (by {@link NetLink#key()}); shortest-path trees are cached per source, so one instance serves one selection.
     */
    public PathFinder pathFinder(double bandwidthMbps, Map<String, Double> usedMbps) {
        return new PathFinder(bandwidthMbps, usedMbps);
    }

    /**
     * Shortest and k-shortest paths for one bandwidth and link usage: only links with the bandwidth free are used,
     * and a path's weight is its latency. Shortest paths come from one single-source tree per source switch,
     * computed on first use with Dijkstra over the network's index arrays (the usable links are decided once, as a
     * boolean per link, not on every edge visit), so a selection pays only for the sources it asks about. Alternative
     * paths ({@link #paths(String, String, int)}) come from JGraphT's {@link YenKShortestPath} over a
     * latency-weighted copy of the usable links. Not thread-safe: one per selection.
     */
    public final class PathFinder {
        private final double bandwidthMbps;
        private final boolean[] usable;
        private final Tree[] trees = new Tree[switchIds.length];
        private Graph<String, RouteEdge> weighted;

        private PathFinder(double bandwidthMbps, Map<String, Double> usedMbps) {
            this.bandwidthMbps = bandwidthMbps;
            this.usable = new boolean[linkByIndex.length];
            for (int i = 0; i < linkByIndex.length; i++) {
                NetLink e = linkByIndex[i];
                usable[i] = e.bandwidthMbps() - usedMbps.getOrDefault(linkKeys[i], 0.0) >= bandwidthMbps;
            }
        }

        public MultiDomainNetwork network() {
            return MultiDomainNetwork.this;
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
            int a = switchIndex(from);
            int b = switchIndex(to);
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
            vertices.add(switchIds[a]);
            int at = a;
            for (int l : links) {
                at = adjacentEnd(l, at);
                vertices.add(switchIds[at]);
                edges.add(linkByIndex[l]);
            }
            return new GraphWalk<>(graph, switchIds[a], switchIds[b], vertices, edges, t.dist[b]);
        }

        /** Indices of the links on the lowest-latency usable path, in order from {@code a}; null when there is none. */
        public int[] linkIndices(int a, int b) {
            Tree t = tree(a);
            return t.dist[b] == Double.POSITIVE_INFINITY ? null : t.linksTo(b);
        }

        /** Latency of the usable shortest path, or infinity when there is none. */
        public double latency(String from, String to) {
            int a = switchIndex(from);
            int b = switchIndex(to);
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
         * Up to {@code k} loopless usable paths from {@code from} to {@code to} in order of latency, the first being
         * {@link #path(String, String)}; empty when there is none. Computed with JGraphT's Yen algorithm (one
         * shortest-path search per spur node), so callers ask only where an alternative can matter.
         */
        public List<GraphPath<String, NetLink>> paths(String from, String to, int k) {
            int a = switchIndex(from);
            int b = switchIndex(to);
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
                    p.getEdgeList().forEach(e -> edges.add(linkByIndex[e.link]));
                    out.add(new GraphWalk<>(graph, from, to, p.getVertexList(), edges, p.getWeight()));
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
                for (String sw : switchIds) {
                    g.addVertex(sw);
                }
                for (int l = 0; l < linkByIndex.length; l++) {
                    if (usable[l]) {
                        RouteEdge e = new RouteEdge(l);
                        g.addEdge(switchIds[linkEndA[l]], switchIds[linkEndB[l]], e);
                        g.setEdgeWeight(e, linkLatency[l]);
                    }
                }
                weighted = g;
            }
            return weighted;
        }

        private Tree tree(int source) {
            Tree t = trees[source];
            if (t == null) {
                t = new Tree(source, usable);
                trees[source] = t;
            }
            return t;
        }
    }

    /** An edge of {@link PathFinder}'s JGraphT copy of the usable links: the index of the link it stands for. */
    private static final class RouteEdge extends DefaultWeightedEdge {
        private static final long serialVersionUID = 1L;
        final int link;

        RouteEdge(int link) {
            this.link = link;
        }
    }

    private int adjacentEnd(int link, int from) {
        return linkEndA[link] == from ? linkEndB[link] : linkEndA[link];
    }

    /** One single-source shortest-path tree over the usable links (Dijkstra with a binary heap and lazy deletion). */
    private final class Tree {
        final double[] dist;
        final int[] predLink;
        /** Border links on the tree path to each switch. */
        final int[] crossings;

        Tree(int source, boolean[] usable) {
            int n = switchIds.length;
            dist = new double[n];
            predLink = new int[n];
            java.util.Arrays.fill(dist, Double.POSITIVE_INFINITY);
            java.util.Arrays.fill(predLink, -1);
            boolean[] done = new boolean[n];
            int[] settled = new int[n];
            int settledCount = 0;
            int capacity = adjTarget.length + 1;
            int[] heapNode = new int[capacity];
            double[] heapKey = new double[capacity];
            int size = 0;
            dist[source] = 0;
            heapNode[0] = source;
            heapKey[0] = 0;
            size = 1;
            while (size > 0) {
                int u = heapNode[0];
                double du = heapKey[0];
                size--;
                if (size > 0) { // move the last entry to the root and sift it down
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
                if (done[u]) {
                    continue;
                }
                done[u] = true;
                settled[settledCount++] = u;
                for (int e = adjStart[u]; e < adjStart[u + 1]; e++) {
                    int link = adjLink[e];
                    if (!usable[link]) {
                        continue;
                    }
                    int v = adjTarget[e];
                    double nd = du + linkLatency[link];
                    if (nd < dist[v]) {
                        dist[v] = nd;
                        predLink[v] = link;
                        int i = size++; // sift up
                        while (i > 0) {
                            int parent = (i - 1) / 2;
                            if (heapKey[parent] <= nd) {
                                break;
                            }
                            heapNode[i] = heapNode[parent];
                            heapKey[i] = heapKey[parent];
                            i = parent;
                        }
                        heapNode[i] = v;
                        heapKey[i] = nd;
                    }
                }
            }
            crossings = new int[n];
            for (int i = 1; i < settledCount; i++) { // parents are settled before their children
                int v = settled[i];
                int link = predLink[v];
                crossings[v] = crossings[adjacentEnd(link, v)] + (linkBorder[link] ? 1 : 0);
            }
        }

        /** Link indices from the source to {@code target}, in order. */
        int[] linksTo(int target) {
            int count = 0;
            for (int v = target; predLink[v] >= 0; v = adjacentEnd(predLink[v], v)) {
                count++;
            }
            int[] out = new int[count];
            for (int v = target; predLink[v] >= 0; v = adjacentEnd(predLink[v], v)) {
                out[--count] = predLink[v];
            }
            return out;
        }
    }
}
