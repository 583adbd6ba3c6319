package org.chainmarket.schemas.model;

import java.util.List;

/**
 * The result of selection: one offer per hop, the switch-level path through them and its split into
 * per-provider segments, with the predicted end-to-end latency and price per hour.
 */
public record ConcreteChain(List<Hop> hops, List<PathNode> path, List<DomainSegment> segments,
                            double latencyMs, double pricePerHour) {
    public ConcreteChain {
        hops = List.copyOf(hops);
        path = List.copyOf(path);
        segments = List.copyOf(segments);
    }

    /** One hop of the chain bound to an offer. */
    public record Hop(int index, String vnfType, OfferId offerId, ProviderId providerId, String siteId,
                      String switchId, double processingLatencyMs, double pricePerHour) {
    }

    /** One switch on the path; {@code hopIndex} is set where traffic visits that hop's VNF at this switch. */
    public record PathNode(String switchId, ProviderId providerId, Integer hopIndex) {
    }
}
