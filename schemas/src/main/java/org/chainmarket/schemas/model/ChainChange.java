package org.chainmarket.schemas.model;

/**
 * A buyer's change of a running chain: a new bandwidth, latency bound or budget; a null field stays as ordered.
 */
public record ChainChange(Double bandwidthMbps, Double maxLatencyMs, Double maxPricePerHour) {

    /** The order as changed: the fields this change names replace the order's. */
    public ChainOrder applyTo(ChainOrder o) {
        return new ChainOrder(o.buyerId(), o.vnfTypes(), o.ingress(), o.egress(),
                bandwidthMbps == null ? o.bandwidthMbps() : bandwidthMbps,
                maxLatencyMs == null ? o.maxLatencyMs() : maxLatencyMs,
                maxPricePerHour == null ? o.maxPricePerHour() : maxPricePerHour,
                o.includeProviders(), o.excludeProviders(), o.substitutionPolicy());
    }
}
