package org.chainmarket.selection.network;

import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.jgrapht.Graph;
import org.jgrapht.graph.builder.GraphTypeBuilder;

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
    final String[] switchIds;
    private final Map<String, Integer> switchIndexById = new HashMap<>();
    final NetLink[] linkByIndex;
    final String[] linkKeys;
    private final Map<NetLink, Integer> linkIndexOf = new IdentityHashMap<>();
    final int[] linkEndA;
    final int[] linkEndB;
    final double[] linkLatency;
    final boolean[] linkBorder;
    final int[] adjStart;
    final int[] adjTarget;
    final int[] adjLink;

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

    /** The link a {@link NetLink#key() key} names ("a|b", its ends in either order); empty when it names none. */
    public Optional<NetLink> linkByKey(String key) {
        int bar = key.indexOf('|');
        return bar < 0 ? Optional.empty() : link(key.substring(0, bar), key.substring(bar + 1));
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
        return new PathFinder(this, bandwidthMbps, usedMbps);
    }

    /** The other end of {@code link} seen from switch {@code from} (indices). */
    int adjacentEnd(int link, int from) {
        return linkEndA[link] == from ? linkEndB[link] : linkEndA[link];
    }

}
