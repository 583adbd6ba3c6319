package org.chainmarket.selection.network;

import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.jgrapht.Graph;
import org.jgrapht.GraphPath;
import org.jgrapht.alg.shortestpath.DijkstraShortestPath;
import org.jgrapht.graph.AsWeightedGraph;
import org.jgrapht.graph.MaskSubgraph;
import org.jgrapht.graph.builder.GraphTypeBuilder;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

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

    private MultiDomainNetwork(Graph<String, NetLink> graph, Map<String, ProviderId> ownerOfSwitch,
                               Map<String, String> switchOfSite, Map<String, NetLink> links) {
        this.graph = graph;
        this.ownerOfSwitch = ownerOfSwitch;
        this.switchOfSite = switchOfSite;
        this.links = links;
    }

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

    /**
     * Lowest-latency paths over the links that still have {@code bandwidthMbps} free given {@code usedMbps}
     * (by {@link NetLink#key()}); results are cached per source, so one instance serves one selection.
     */
    public PathFinder pathFinder(double bandwidthMbps, Map<String, Double> usedMbps) {
        return new PathFinder(bandwidthMbps, usedMbps);
    }

    /** Shortest paths for one bandwidth and link usage. Not thread-safe. */
    public final class PathFinder {
        private final DijkstraShortestPath<String, NetLink> dijkstra;
        private final Map<String, org.jgrapht.alg.interfaces.ShortestPathAlgorithm.SingleSourcePaths<String, NetLink>> bySource = new HashMap<>();

        private PathFinder(double bandwidthMbps, Map<String, Double> usedMbps) {
            // the set of too-full links is computed once, so the mask does not build link keys on every edge visit
            java.util.Set<NetLink> tooFull = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            for (NetLink e : graph.edgeSet()) {
                if (e.bandwidthMbps() - usedMbps.getOrDefault(e.key(), 0.0) < bandwidthMbps) {
                    tooFull.add(e);
                }
            }
            Graph<String, NetLink> usable = new MaskSubgraph<>(graph, v -> false, tooFull::contains);
            ToDoubleFunction<NetLink> latency = NetLink::latencyMs;
            this.dijkstra = new DijkstraShortestPath<>(new AsWeightedGraph<>(usable, latency::applyAsDouble, false, false));
        }

        /** The lowest-latency usable path, or empty when none exists (or a switch is unknown). */
        public Optional<GraphPath<String, NetLink>> path(String from, String to) {
            if (!hasSwitch(from) || !hasSwitch(to)) {
                return Optional.empty();
            }
            return Optional.ofNullable(bySource.computeIfAbsent(from, dijkstra::getPaths).getPath(to));
        }

        /** Latency of the usable shortest path, or infinity when there is none. */
        public double latency(String from, String to) {
            if (!hasSwitch(from) || !hasSwitch(to)) {
                return Double.POSITIVE_INFINITY;
            }
            return bySource.computeIfAbsent(from, dijkstra::getPaths).getWeight(to);
        }
    }
}
