package org.chainmarket.selection.topology;

import java.util.List;

/**
 * A physical network read from a Topology Zoo file: nodes with coordinates and undirected links whose
 * latency follows from the great-circle distance at {@link #MS_PER_KM} (about 5 µs per km of fibre).
 */
public record Topology(String name, List<Node> nodes, List<Edge> edges) {
    public static final double MS_PER_KM = 0.005;

    public Topology {
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
    }

    /** A node: {@code id} is a slug of its label, unique within the topology. */
    public record Node(String id, String label, double latitude, double longitude) {
    }

    /** An undirected link between two node ids, with its great-circle length and propagation latency. */
    public record Edge(String a, String b, double km) {
        public double latencyMs() {
            return km * MS_PER_KM;
        }
    }

    /** The bundled topologies (Abilene, Geant2012, Interoute), by name. */
    public static Topology bundled(String name) {
        return GraphMlReader.read(name, Topology.class.getResourceAsStream("/topologies/" + name + ".graphml"));
    }
}
