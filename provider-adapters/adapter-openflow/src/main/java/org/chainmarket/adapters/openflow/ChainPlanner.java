package org.chainmarket.adapters.openflow;

import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck.FlowEntry;
import org.chainmarket.schemas.model.DomainSegment;
import org.chainmarket.schemas.model.ProviderDomain;
import org.jgrapht.Graph;
import org.jgrapht.GraphPath;
import org.jgrapht.alg.shortestpath.DijkstraShortestPath;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns a chain's segments into logical flow entries exactly as the emulated domain does: the lowest-latency path
 * from the entry through each waypoint's switch to the exit, one {@code (switch, in_port) -> output:<port>} entry
 * per switch visit, ports named {@code host}, {@code border:<peer>}, {@code to:<neighbour>}, {@code vnf:<offerId>}.
 */
final class ChainPlanner {
    static final int PRIORITY = 100;

    private final ProviderDomain domain;
    private final Set<String> own;
    private final DijkstraShortestPath<String, DefaultWeightedEdge> dijkstra;

    ChainPlanner(ProviderDomain domain) {
        this.domain = domain;
        this.own = domain.switches().stream().map(ProviderDomain.Switch::switchId).collect(Collectors.toUnmodifiableSet());
        Graph<String, DefaultWeightedEdge> graph = new SimpleWeightedGraph<>(DefaultWeightedEdge.class);
        own.forEach(graph::addVertex);
        for (ProviderDomain.Link l : domain.links()) {
            if (!own.contains(l.from()) || !own.contains(l.to()) || l.from().equals(l.to())) {
                throw new IllegalArgumentException("domain " + domain.providerId() + ": link " + l.from() + "-" + l.to()
                        + " must join two different switches of the domain");
            }
            if (graph.getEdge(l.from(), l.to()) == null) {
                graph.setEdgeWeight(graph.addEdge(l.from(), l.to()), l.latencyMs());
            }
        }
        this.dijkstra = new DijkstraShortestPath<>(graph);
    }

    /** The chain's entries in path order. @throws PlanException naming the segment and what is wrong */
    List<FlowEntry> plan(ChainId chain, List<DomainSegment> segments) {
        Map<String, FlowEntry> entries = new LinkedHashMap<>();
        for (DomainSegment segment : segments) {
            String where = "segment " + segment.sequence();
            if (!segment.providerId().equals(domain.providerId())) {
                throw new PlanException(where + " belongs to provider " + segment.providerId() + ", not " + domain.providerId());
            }
            known(where + ": entry", segment.entry().switchId());
            known(where + ": exit", segment.exit().switchId());
            String at = segment.entry().switchId();
            String inPort = segment.entry().port();
            List<DomainSegment.Waypoint> waypoints = segment.waypoints();
            for (int leg = 0; leg <= waypoints.size(); leg++) {
                String target = leg < waypoints.size() ? waypoints.get(leg).switchId() : segment.exit().switchId();
                known(where + ": waypoint", target);
                GraphPath<String, DefaultWeightedEdge> p = dijkstra.getPath(at, target);
                if (p == null) {
                    throw new PlanException(where + ": no path inside domain " + domain.providerId() + " from " + at + " to " + target);
                }
                List<String> hops = p.getVertexList();
                for (int i = 0; i + 1 < hops.size(); i++) {
                    add(chain, where, entries, hops.get(i), inPort, "to:" + hops.get(i + 1));
                    inPort = "to:" + hops.get(i);
                }
                at = target;
                if (leg < waypoints.size()) {
                    String vnfPort = "vnf:" + waypoints.get(leg).offerId().value();
                    add(chain, where, entries, at, inPort, vnfPort);
                    inPort = vnfPort;
                }
            }
            add(chain, where, entries, at, inPort, segment.exit().port());
        }
        return List.copyOf(entries.values());
    }

    private void known(String role, String switchId) {
        if (!own.contains(switchId)) {
            throw new PlanException(role + " switch '" + switchId + "' is not a switch of domain " + domain.providerId());
        }
    }

    private static void add(ChainId chain, String where, Map<String, FlowEntry> entries, String sw, String inPort, String out) {
        FlowEntry e = new FlowEntry(sw, chain.value(), PRIORITY, inPort, List.of("output:" + out));
        FlowEntry earlier = entries.putIfAbsent(sw + "|" + inPort, e);
        if (earlier != null && !earlier.equals(e)) {
            throw new PlanException(where + ": switch '" + sw + "' would receive chain " + chain + " twice on in_port '"
                    + inPort + "' with different actions; an in_port match cannot tell the visits apart");
        }
    }

    /** A command that cannot be carried out; the message is the ack's reason. */
    static final class PlanException extends RuntimeException {
        PlanException(String reason) {
            super(reason, null, false, false);
        }
    }
}
