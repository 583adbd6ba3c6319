package org.chainmarket.selection.domain;

import org.chainmarket.selection.network.MultiDomainNetwork;
import org.chainmarket.selection.network.NetLink;
import org.jgrapht.GraphPath;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Lowest-latency usable paths between switches (JGraphT Dijkstra over the links with enough bandwidth free),
 * one {@link Paths} per chain bandwidth, computed on demand and cached. Not thread-safe: one per problem.
 */
public final class PathTable {
    private final MultiDomainNetwork network;
    private final Map<String, Double> usageMbps;
    private final Map<String, Integer> switchIndex = new HashMap<>();
    private final Map<String, LinkFact> linkFacts = new HashMap<>();
    private final Map<Double, Paths> byBandwidth = new HashMap<>();

    public PathTable(MultiDomainNetwork network, Map<String, Double> usageMbps) {
        this.network = network;
        this.usageMbps = usageMbps;
        for (String sw : network.graph().vertexSet()) {
            switchIndex.put(sw, switchIndex.size());
        }
        for (NetLink l : network.links()) {
            linkFacts.put(l.key(), new LinkFact(l.key(), linkFacts.size(), Units.kbps(l.bandwidthMbps() - usageMbps.getOrDefault(l.key(), 0.0))));
        }
    }

    public MultiDomainNetwork network() {
        return network;
    }

    /** Index of a switch (0..switchCount-1), or -1 when unknown. */
    public int index(String switchId) {
        return switchIndex.getOrDefault(switchId, -1);
    }

    public int switchCount() {
        return switchIndex.size();
    }

    public LinkFact link(String key) {
        return linkFacts.get(key);
    }

    public java.util.Collection<LinkFact> links() {
        return linkFacts.values();
    }

    public Paths forBandwidth(double mbps) {
        return byBandwidth.computeIfAbsent(mbps, Paths::new);
    }

    /** The paths usable by chains of one bandwidth. */
    public final class Paths {
        private final double mbps;
        private final MultiDomainNetwork.PathFinder finder;
        private final Leg[][] legs;

        private Paths(double mbps) {
            this.mbps = mbps;
            this.finder = network.pathFinder(mbps, usageMbps);
            this.legs = new Leg[switchIndex.size()][switchIndex.size()];
        }

        /** The path finder the chain assembler must use so that the chain follows the paths the score counted. */
        public MultiDomainNetwork.PathFinder finder() {
            return finder;
        }

        public Leg leg(String from, String to) {
            int a = index(from);
            int b = index(to);
            if (a < 0 || b < 0) {
                return Leg.unreachable(from, to);
            }
            return leg(a, b, from, to);
        }

        /** The leg between switch indices {@code a} and {@code b} (whose ids are {@code from} and {@code to}). */
        public Leg leg(int a, int b, String from, String to) {
            Leg leg = legs[a][b];
            if (leg == null) {
                leg = compute(from, to);
                legs[a][b] = leg;
            }
            return leg;
        }

        private Leg compute(String from, String to) {
            Optional<GraphPath<String, NetLink>> p = finder.path(from, to);
            if (p.isEmpty()) {
                return Leg.unreachable(from, to);
            }
            List<LinkFact> links = new ArrayList<>();
            int crossings = 0;
            for (NetLink l : p.get().getEdgeList()) {
                links.add(linkFacts.get(l.key()));
                if (l.isBorder()) {
                    crossings++;
                }
            }
            return new Leg(from, to, true, p.get().getWeight(), Units.micros(p.get().getWeight()), List.copyOf(links), crossings);
        }

        public double mbps() {
            return mbps;
        }
    }
}
