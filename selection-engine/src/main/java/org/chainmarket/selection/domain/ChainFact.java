package org.chainmarket.selection.domain;

import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.Encapsulation;
import org.chainmarket.selection.solver.SelectionWeights;

/**
 * One chain of the problem: its request, bounds in score units, the paths usable at its bandwidth, and the
 * weights its soft constraints use. Equal by {@code id}.
 */
public record ChainFact(int id, ChainRequest request, long bandwidthKbps, long maxLatencyMicros, long maxPriceMicros,
                        PathTable.Paths paths, SelectionWeights weights) {

    public static ChainFact of(int id, ChainRequest request, PathTable table, SelectionWeights weights) {
        ChainOrder o = request.order();
        return new ChainFact(id, request, Units.kbps(o.bandwidthMbps()), Units.micros(o.maxLatencyMs()),
                Units.microEur(o.maxPricePerHour()), table.forBandwidth(o.bandwidthMbps()), weights);
    }

    public ChainOrder order() {
        return request.order();
    }

    public int length() {
        return request.order().vnfTypes().size();
    }

    public double bandwidthMbps() {
        return request.order().bandwidthMbps();
    }

    public Encapsulation encapsulation() {
        return request.encapsulation();
    }

    public String ingress() {
        return request.order().ingress();
    }

    public String egress() {
        return request.order().egress();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChainFact f && f.id == id;
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(id);
    }

    @Override
    public String toString() {
        return request.id();
    }
}
