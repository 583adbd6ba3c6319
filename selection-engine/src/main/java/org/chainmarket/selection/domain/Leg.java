package org.chainmarket.selection.domain;

import java.util.List;

/**
 * One route between two switches for one chain bandwidth: its latency, links and number of border links crossed.
 * {@code route} is its rank among the leg's loopless usable paths by latency (0 = the lowest-latency one). {@code reachable} is false when no path has
 * the bandwidth free. Legs are cached and shared, so identity is equality.
 */
public record Leg(String from, String to, boolean reachable, double latencyMs, long latencyMicros, List<LinkFact> links,
                  int crossings, int[] linkIndices, int route) {
    /** The shortest route. */
    public Leg(String from, String to, boolean reachable, double latencyMs, long latencyMicros, List<LinkFact> links, int crossings) {
        this(from, to, reachable, latencyMs, latencyMicros, links, crossings, links.stream().mapToInt(LinkFact::index).toArray(), 0);
    }

    public static Leg unreachable(String from, String to) {
        return new Leg(from, to, false, 0, 0, List.of(), 0);
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
