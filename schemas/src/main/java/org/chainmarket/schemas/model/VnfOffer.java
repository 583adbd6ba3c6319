package org.chainmarket.schemas.model;

import java.time.Instant;

/**
 * A provider's contract for one VNF instance at one of its sites: what it is, how much it can carry,
 * how fast it is and what it costs. Price is in euros: per hour, plus per Mbit/s per hour.
 */
public record VnfOffer(OfferId offerId, ProviderId providerId, String vnfType, String siteId,
                       double capacityMbps, int maxChains, double processingLatencyMs,
                       double pricePerHour, double pricePerMbpsHour, double availability,
                       boolean srAware, boolean nshAware, Instant validFrom, Instant validUntil) {

    /** Price per hour of carrying {@code bandwidthMbps} through this instance. */
    public double priceFor(double bandwidthMbps) {
        return pricePerHour + pricePerMbpsHour * bandwidthMbps;
    }

    /** Whether the offer is valid at {@code now}. */
    public boolean validAt(Instant now) {
        return (validFrom == null || !now.isBefore(validFrom)) && (validUntil == null || now.isBefore(validUntil));
    }
}
