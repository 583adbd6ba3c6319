package org.chainmarket.schemas.model;

import java.time.Instant;
import java.util.List;

/**
 * What the broker saw of one VNF type over a window: per ingress switch, the orders served and rejected (for
 * capacity, for latency) with their Mbit/s; per running instance, the chains it carries and where they enter.
 */
public record VnfDemand(String vnfType, Instant windowStart, Instant windowEnd, List<Point> points,
                        List<InstanceLoad> instances) {
    public VnfDemand {
        points = List.copyOf(points);
        instances = List.copyOf(instances);
    }

    /** Demand entering at one switch. {@code maxLatencyMs} may be null (the planner's default applies). */
    public record Point(String switchId, int ordersServed, double servedMbps, int rejectedCapacity,
                        int rejectedLatency, double rejectedMbps, Double maxLatencyMs) {
        /** Orders rejected in the window, for any reason. */
        public int rejected() {
            return rejectedCapacity + rejectedLatency;
        }
    }

    /** The chains one running instance carries, by the switch where they enter. */
    public record InstanceLoad(OfferId offerId, ProviderId providerId, String siteId, List<Share> shares) {
        public InstanceLoad {
            shares = List.copyOf(shares);
        }

        public int chains() {
            return shares.stream().mapToInt(Share::chains).sum();
        }

        public double bandwidthMbps() {
            return shares.stream().mapToDouble(Share::bandwidthMbps).sum();
        }
    }

    /** Chains entering at one switch. */
    public record Share(String switchId, int chains, double bandwidthMbps) {
    }
}
