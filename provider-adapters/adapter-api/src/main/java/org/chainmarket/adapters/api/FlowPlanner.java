package org.chainmarket.adapters.api;

import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck.FlowEntry;
import org.chainmarket.schemas.model.DomainSegment;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.jgrapht.Graph;
import org.jgrapht.GraphPath;
import org.jgrapht.alg.interfaces.ShortestPathAlgorithm.SingleSourcePaths;
import org.jgrapht.alg.shortestpath.DijkstraShortestPath;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one intra-domain planner of every domain kind that routes hop by hop (the emulated domain, OpenFlow): it turns
 * a chain's segments into per-switch flow entries along the lowest-latency intra-domain path from the entry through
 * each waypoint in order to the exit. Ports are named {@code host}, {@code border:<peer>}, {@code to:<neighbour>} and
 * {@code vnf:<offerId>}; an entry matches {@code (chain, stage, in_port)}, the stage being how many of the chain's
 * VNFs the packet has visited (it starts at the segment's {@code hopsBefore} and goes up by one at each VNF), so a
 * switch that a chain leaves for a VNF and re-enters on the same port is told apart by the stage. Of parallel links
 * between two switches the lowest-latency one counts.
 *
 * <p>{@link #check} holds the checks every domain kind makes on a segment (its provider; entry, exit and waypoint
 * switches its own; a waypoint at a switch with a site; a border peer outside the domain), so a domain that does not
 * route hop by hop (SRv6) refuses the same commands with the same reasons. Pure: it reads the domain description and
 * touches no switch. Thread-safe.
 */
public final class FlowPlanner {
    /** The priority of every entry the planner produces. */
    public static final int PRIORITY = 100;

    private final ProviderDomain domain;
    private final String name;
    private final Set<String> ownSwitches;
    private final Set<String> siteSwitches;
    private final Map<String, ProviderId> foreignSwitches;
    private final DijkstraShortestPath<String, DefaultWeightedEdge> dijkstra;
    private final Map<String, SingleSourcePaths<String, DefaultWeightedEdge>> pathsFrom = new ConcurrentHashMap<>();

    /**
     * A planner for {@code domain}.
     *
     * @throws IllegalArgumentException when the description is inconsistent (a duplicate switch; a link, site or
     *                                  border link at an unknown switch; a loop; a negative latency)
     */
    public FlowPlanner(ProviderDomain domain) {
        this.domain = domain;
        this.name = "domain " + domain.providerId();
        Set<String> own = new LinkedHashSet<>();
        for (ProviderDomain.Switch s : domain.switches()) {
            if (!own.add(s.switchId())) {
                throw new IllegalArgumentException(name + ": switch '" + s.switchId() + "' is listed twice");
            }
        }
        Graph<String, DefaultWeightedEdge> graph = new SimpleWeightedGraph<>(DefaultWeightedEdge.class);
        own.forEach(graph::addVertex);
        for (ProviderDomain.Link l : domain.links()) {
            String label = "link " + l.from() + "-" + l.to();
            for (String end : List.of(l.from(), l.to())) {
                if (!own.contains(end)) {
                    throw new IllegalArgumentException(name + ": " + label + " names unknown switch '" + end + "'");
                }
            }
            if (l.from().equals(l.to())) {
                throw new IllegalArgumentException(name + ": " + label + " is a loop");
            }
            if (!(l.latencyMs() >= 0)) {
                throw new IllegalArgumentException(name + ": " + label + " has latency " + l.latencyMs() + " ms; it must be 0 or more");
            }
            DefaultWeightedEdge existing = graph.getEdge(l.from(), l.to());
            if (existing == null) {
                graph.setEdgeWeight(graph.addEdge(l.from(), l.to()), l.latencyMs());
            } else if (l.latencyMs() < graph.getEdgeWeight(existing)) {
                graph.setEdgeWeight(existing, l.latencyMs());
            }
        }
        Set<String> sites = new HashSet<>();
        for (ProviderDomain.Site s : domain.sites()) {
            if (!own.contains(s.switchId())) {
                throw new IllegalArgumentException(name + ": site " + s.siteId() + " is at unknown switch '" + s.switchId() + "'");
            }
            sites.add(s.switchId());
        }
        Map<String, ProviderId> foreign = new HashMap<>();
        for (ProviderDomain.BorderLink b : domain.borderLinks()) {
            if (!own.contains(b.localSwitch())) {
                throw new IllegalArgumentException(name + ": border link " + b.localSwitch() + "-" + b.remoteSwitch()
                        + " starts at unknown switch '" + b.localSwitch() + "'");
            }
            foreign.put(b.remoteSwitch(), b.remoteProvider());
        }
        this.ownSwitches = Set.copyOf(own);
        this.siteSwitches = Set.copyOf(sites);
        this.foreignSwitches = Map.copyOf(foreign);
        this.dijkstra = new DijkstraShortestPath<>(graph);
    }

    /**
     * The entries that steer {@code chain} through every segment, in path order, without duplicates.
     *
     * @throws PlanException naming the segment and what is wrong with it
     */
    public List<FlowEntry> plan(ChainId chain, List<DomainSegment> segments) {
        Map<Match, FlowEntry> entries = new LinkedHashMap<>();
        for (DomainSegment segment : segments) {
            check(segment);
            plan(chain, segment, "segment " + segment.sequence(), entries);
        }
        return List.copyOf(entries.values());
    }

    /**
     * Checks that {@code segment} can be carried out in this domain: it is this provider's; its entry, exit and
     * waypoint switches are this domain's; every waypoint is at a switch with a site; a border peer is another
     * provider's switch.
     *
     * @throws PlanException naming the segment and what is wrong with it
     */
    public void check(DomainSegment segment) {
        String where = "segment " + segment.sequence();
        if (!segment.providerId().equals(domain.providerId())) {
            throw new PlanException(where + " belongs to provider " + segment.providerId() + ", not " + domain.providerId());
        }
        check(where, "entry", segment.entry());
        for (DomainSegment.Waypoint w : segment.waypoints()) {
            String problem = problemWith(w.switchId());
            String vnf = where + ": waypoint hop " + w.hopIndex() + " (offer " + w.offerId() + ") is at switch '"
                    + w.switchId() + "', which ";
            if (problem != null) {
                throw new PlanException(vnf + problem);
            }
            if (!siteSwitches.contains(w.switchId())) {
                throw new PlanException(vnf + "has no site in " + name);
            }
        }
        check(where, "exit", segment.exit());
    }

    private void plan(ChainId chain, DomainSegment segment, String where, Map<Match, FlowEntry> entries) {
        String at = segment.entry().switchId();
        String inPort = segment.entry().port();
        int stage = segment.hopsBefore();
        List<DomainSegment.Waypoint> waypoints = segment.waypoints();
        for (int leg = 0; leg <= waypoints.size(); leg++) {
            String target = leg < waypoints.size() ? waypoints.get(leg).switchId() : segment.exit().switchId();
            List<String> hops = path(where, at, target);
            for (int i = 0; i + 1 < hops.size(); i++) {
                add(chain, where, entries, hops.get(i), stage, inPort, "to:" + hops.get(i + 1));
                inPort = "to:" + hops.get(i);
            }
            at = target;
            if (leg < waypoints.size()) {
                String vnfPort = "vnf:" + waypoints.get(leg).offerId().value();
                add(chain, where, entries, at, stage, inPort, vnfPort);
                inPort = vnfPort;
                stage++;
            }
        }
        add(chain, where, entries, at, stage, inPort, segment.exit().port());
    }

    private List<String> path(String where, String from, String to) {
        GraphPath<String, DefaultWeightedEdge> p = pathsFrom.computeIfAbsent(from, dijkstra::getPaths).getPath(to);
        if (p == null) {
            throw new PlanException(where + ": no path inside " + name + " from " + from + " to " + to);
        }
        return p.getVertexList();
    }

    private static void add(ChainId chain, String where, Map<Match, FlowEntry> entries, String switchId, int stage,
                            String inPort, String outPort) {
        FlowEntry entry = new FlowEntry(switchId, chain.value(), stage, PRIORITY, inPort, List.of("output:" + outPort));
        FlowEntry earlier = entries.putIfAbsent(new Match(switchId, stage, inPort), entry);
        if (earlier != null && !earlier.equals(entry)) {
            throw new PlanException(where + ": switch '" + switchId + "' would receive chain " + chain + " twice at stage "
                    + stage + " on in_port '" + inPort + "' with different actions (" + String.join(",", earlier.actions())
                    + ", then " + String.join(",", entry.actions()) + "); a (chain, stage, in_port) match cannot tell the visits apart");
        }
    }

    private void check(String where, String role, DomainSegment.Attachment attachment) {
        String problem = problemWith(attachment.switchId());
        if (problem != null) {
            throw new PlanException(where + ": " + role + " switch '" + attachment.switchId() + "' " + problem);
        }
        if (attachment.peerSwitch() != null && ownSwitches.contains(attachment.peerSwitch())) {
            throw new PlanException(where + ": " + role + " peer switch '" + attachment.peerSwitch() + "' is a switch of "
                    + name + "; a border hand-off leads to another provider");
        }
    }

    /** Why {@code switchId} cannot be used here, or null when it is one of this domain's switches. */
    private String problemWith(String switchId) {
        if (ownSwitches.contains(switchId)) {
            return null;
        }
        ProviderId owner = foreignSwitches.get(switchId);
        return owner == null ? "is unknown in " + name : "belongs to provider " + owner + ", outside " + name;
    }

    private record Match(String switchId, int stage, String inPort) {
    }
}
