package org.chainmarket.selection.domain;

import org.chainmarket.selection.network.PathFinder;
import org.chainmarket.selection.network.MultiDomainNetwork;
import org.chainmarket.selection.network.NetLink;
import org.jgrapht.GraphPath;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The legs chains can take between switches, one {@link Paths} per chain bandwidth: for every pair of switches the
 * lowest-latency path over the links with the bandwidth free, and up to {@code kPaths - 1} next-shortest loopless
 * alternatives ({@link PathFinder#linkPaths}) for when the shortest runs out of capacity. Everything is computed on
 * first use and cached. Not thread-safe: one per problem.
 */
public final class PathTable {
    private final MultiDomainNetwork network;
    private final Map<String, Double> usageMbps;
    private final int kPaths;
    private final LinkFact[] linkFacts;
    private final Map<Double, Paths> byBandwidth = new HashMap<>();
    /** Per offer id, 1 + the index of its switch (0 = not looked up yet). */
    private int[] offerSwitch = new int[0];

    public PathTable(MultiDomainNetwork network, Map<String, Double> usageMbps) {
        this(network, usageMbps, MultiDomainNetwork.DEFAULT_K_PATHS);
    }

    /** A table whose legs each have up to {@code kPaths} routes (1 = the shortest only). */
    public PathTable(MultiDomainNetwork network, Map<String, Double> usageMbps, int kPaths) {
        if (kPaths < 1) {
            throw new IllegalArgumentException("kPaths must be at least 1, got " + kPaths);
        }
        this.network = network;
        this.usageMbps = usageMbps;
        this.kPaths = kPaths;
        this.linkFacts = new LinkFact[network.linkCount()];
        for (int i = 0; i < linkFacts.length; i++) {
            NetLink l = network.link(i);
            linkFacts[i] = new LinkFact(l.key(), i, Units.kbps(l.freeMbps(usageMbps)));
        }
    }

    /** Index of a switch (0..switchCount-1), or -1 when unknown. */
    public int index(String switchId) {
        return network.switchIndex(switchId);
    }

    /** Index of the switch an offer runs at, or -1 when unknown (looked up once per offer). */
    public int index(OfferFact offer) {
        if (offer.id() >= offerSwitch.length) {
            offerSwitch = Arrays.copyOf(offerSwitch, Math.max(offer.id() + 1, 2 * offerSwitch.length));
        }
        int plusOne = offerSwitch[offer.id()];
        if (plusOne == 0) {
            plusOne = index(offer.switchId()) + 1;
            offerSwitch[offer.id()] = plusOne;
        }
        return plusOne - 1;
    }

    public int switchCount() {
        return network.switchCount();
    }

    /** Every link, by {@link LinkFact#index()}. */
    public Collection<LinkFact> links() {
        return Arrays.asList(linkFacts);
    }

    public Paths forBandwidth(double mbps) {
        return byBandwidth.computeIfAbsent(mbps, Paths::new);
    }

    /** The legs usable by chains of one bandwidth. */
    public final class Paths {
        private final PathFinder finder;
        private final Leg[][] shortest;
        private final Map<Long, Leg[]> alternatives = new HashMap<>();

        private Paths(double mbps) {
            this.finder = network.pathFinder(mbps, usageMbps);
            this.shortest = new Leg[network.switchCount()][];
        }

        /** The path finder behind these legs. */
        public PathFinder finder() {
            return finder;
        }

        public int kPaths() {
            return kPaths;
        }

        /** The shortest leg between two switches. */
        public Leg leg(String from, String to) {
            return leg(from, to, 0);
        }

        /** Route {@code route} (0 = shortest) between two switches; a route beyond the last alternative is the last one. */
        public Leg leg(String from, String to, int route) {
            int a = index(from);
            int b = index(to);
            if (a < 0 || b < 0) {
                return Leg.unreachable(from, to);
            }
            return route == 0 ? leg(a, b) : leg(a, b, route);
        }

        /** The shortest leg between switch indices. */
        public Leg leg(int a, int b) {
            Leg[] row = shortest[a];
            if (row == null) {
                row = new Leg[shortest.length];
                shortest[a] = row;
            }
            Leg leg = row[b];
            if (leg == null) {
                int[] links = finder.linkIndices(a, b);
                leg = links == null ? Leg.unreachable(network.switchId(a), network.switchId(b))
                        : leg(a, b, 0, finder.latency(a, b), links);
                row[b] = leg;
            }
            return leg;
        }

        /** Route {@code route} between switch indices; a route beyond the last alternative is the last one. */
        public Leg leg(int a, int b, int route) {
            if (route == 0) {
                return leg(a, b);
            }
            Leg[] routes = routes(a, b);
            return routes[Math.min(route, routes.length - 1)];
        }

        /**
         * Up to {@code kPaths} legs between switch indices in order of latency, the first being {@link #leg(int, int)};
         * just that one when it is unreachable or the table has {@code kPaths} 1.
         */
        public Leg[] routes(int a, int b) {
            Leg first = leg(a, b);
            if (!first.reachable() || kPaths == 1 || a == b) {
                return new Leg[]{first};
            }
            long key = (long) a * shortest.length + b;
            Leg[] out = alternatives.get(key);
            if (out == null) {
                List<int[]> paths = finder.linkPaths(a, b, kPaths);
                List<Leg> legs = new ArrayList<>(paths.size());
                legs.add(first);
                for (int r = 1; r < paths.size(); r++) {
                    int[] links = paths.get(r);
                    double latency = 0;
                    for (int l : links) {
                        latency += network.link(l).latencyMs();
                    }
                    legs.add(leg(a, b, r, latency, links));
                }
                out = legs.toArray(new Leg[0]);
                alternatives.put(key, out);
            }
            return out;
        }

        /** The path of a leg of this table, for assembling the chain that uses it. */
        public GraphPath<String, NetLink> path(Leg leg) {
            if (!leg.reachable()) {
                throw new IllegalArgumentException("leg " + leg.from() + " -> " + leg.to() + " has no path");
            }
            return finder.walk(index(leg.from()), index(leg.to()), leg.linkIndices());
        }

        private Leg leg(int a, int b, int route, double latency, int[] links) {
            List<LinkFact> facts = new ArrayList<>(links.length);
            int crossings = 0;
            for (int l : links) {
                facts.add(linkFacts[l]);
                if (network.link(l).isBorder()) {
                    crossings++;
                }
            }
            return new Leg(network.switchId(a), network.switchId(b), true, latency, Units.micros(latency), List.copyOf(facts),
                    crossings, links, route);
        }
    }
}
