package org.chainmarket.selection;

import org.chainmarket.schemas.model.VnfOffer;

/** An offer as selection sees it: where it runs and how much of it is already reserved. */
public record OfferState(VnfOffer offer, String switchId, double reservedMbps, int reservedChains) {

    public double freeMbps() {
        return offer.capacityMbps() - reservedMbps;
    }

    public int freeChains() {
        return offer.maxChains() - reservedChains;
    }

    /** Whether one more chain of {@code bandwidthMbps} fits. */
    public boolean fits(double bandwidthMbps) {
        return freeChains() >= 1 && freeMbps() >= bandwidthMbps;
    }

    /** Share of the capacity in use, 0..1 (the larger of bandwidth and chain slots). */
    public double load() {
        return Math.max(reservedMbps / offer.capacityMbps(), (double) reservedChains / offer.maxChains());
    }
}
