package org.chainmarket.schemas.model;

import java.time.Instant;

/**
 * A provider's contract for one VNF instance at one of its sites: what it is, how much it can carry,
 * how fast it is and what it costs. Price is in euros: per hour, plus per Mbit/s per hour. {@code thresholds}
 * (optional) are the provider's declared scale thresholds.
 */
public record VnfOffer(OfferId offerId, ProviderId providerId, String vnfType, String siteId,
                       double capacityMbps, int maxChains, double processingLatencyMs,
                       double pricePerHour, double pricePerMbpsHour, double availability,
                       boolean srAware, boolean nshAware, Instant validFrom, Instant validUntil,
                       ScaleThresholds thresholds) {

    /** An offer without declared scale thresholds (monitoring's policy applies). */
    public VnfOffer(OfferId offerId, ProviderId providerId, String vnfType, String siteId,
                    double capacityMbps, int maxChains, double processingLatencyMs,
                    double pricePerHour, double pricePerMbpsHour, double availability,
                    boolean srAware, boolean nshAware, Instant validFrom, Instant validUntil) {
        this(offerId, providerId, vnfType, siteId, capacityMbps, maxChains, processingLatencyMs, pricePerHour,
                pricePerMbpsHour, availability, srAware, nshAware, validFrom, validUntil, null);
    }

    /**
     * The provider's horizontal scale thresholds (paper 003, Table 1): past them the instance counts as degraded.
     * Each may be null, and monitoring's policy fills it in.
     */
    public record ScaleThresholds(Double maxLoad, Double maxCpu, Double maxProcessingDelayMs) {
    }

    /** Price per hour of carrying {@code bandwidthMbps} through this instance. */
    public double priceFor(double bandwidthMbps) {
        return pricePerHour + pricePerMbpsHour * bandwidthMbps;
    }

    /** Whether the offer is valid at {@code now}. */
    public boolean validAt(Instant now) {
        return (validFrom == null || !now.isBefore(validFrom)) && (validUntil == null || now.isBefore(validUntil));
    }
}
