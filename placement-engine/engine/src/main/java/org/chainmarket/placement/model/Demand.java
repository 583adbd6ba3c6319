package org.chainmarket.placement.model;

import org.chainmarket.schemas.model.OfferId;

/**
 * Demand for one VNF type entering at {@code switchId}: {@code mbps} and {@code chains}, to be served by an instance
 * no more than {@code maxLatencyMs} away. New demand ({@code carriedBy} null) comes from rejected orders
 * ({@code rejectedOrders} of them); carried demand is what instance {@code carriedBy} holds now.
 */
public record Demand(String vnfType, String switchId, double mbps, int chains, double maxLatencyMs, OfferId carriedBy,
                     int rejectedOrders) {
    public Demand {
        if (mbps < 0 || chains < 0 || !(maxLatencyMs > 0)) {
            throw new IllegalArgumentException("demand for " + vnfType + " at " + switchId
                    + ": mbps and chains must be >= 0 and maxLatencyMs > 0");
        }
    }

    /** New demand: {@code orders} rejected orders asking {@code mbps} in total. */
    public static Demand unmet(String vnfType, String switchId, double mbps, int orders, double maxLatencyMs) {
        return new Demand(vnfType, switchId, mbps, orders, maxLatencyMs, null, orders);
    }

    /** What instance {@code offerId} carries of chains entering at {@code switchId}. */
    public static Demand carried(String vnfType, String switchId, double mbps, int chains, double maxLatencyMs, OfferId offerId) {
        return new Demand(vnfType, switchId, mbps, chains, maxLatencyMs, offerId, 0);
    }

    public boolean isCarried() {
        return carriedBy != null;
    }
}
