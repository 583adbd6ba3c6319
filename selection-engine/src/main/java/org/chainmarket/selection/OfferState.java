package org.chainmarket.selection;

import org.chainmarket.schemas.model.VnfOffer;

/**
 * An offer as selection sees it: where it runs, how much of it chains have reserved, the load monitoring measures on
 * it ({@code measuredLoad}, 0..1, 0 when unknown), and what chains selected earlier in the same batch hold on it
 * ({@code heldMbps}, {@code heldChains}; see {@link MarketSnapshot#withChain}). The load is the larger of the reserved
 * share and the measured load, and processing latency grows with it ({@link #processingLatencyMs()}), so a loaded
 * instance costs more; one measured at {@link #FULL_LOAD} or more takes no new chain. What a batch holds limits what
 * fits but does not change the load: processing latency depends on the snapshot's load only.
 */
public record OfferState(VnfOffer offer, String switchId, double reservedMbps, int reservedChains, double measuredLoad,
                         double heldMbps, int heldChains) {
    /** Measured load at which an instance is full. */
    public static final double FULL_LOAD = 0.95;

    /** An offer nothing in the batch holds yet. */
    public OfferState(VnfOffer offer, String switchId, double reservedMbps, int reservedChains, double measuredLoad) {
        this(offer, switchId, reservedMbps, reservedChains, measuredLoad, 0, 0);
    }

    /** An offer with no measurement. */
    public OfferState(VnfOffer offer, String switchId, double reservedMbps, int reservedChains) {
        this(offer, switchId, reservedMbps, reservedChains, 0);
    }

    public double freeMbps() {
        return offer.capacityMbps() - reservedMbps - heldMbps;
    }

    public int freeChains() {
        return offer.maxChains() - reservedChains - heldChains;
    }

    /** Whether one more chain of {@code bandwidthMbps} fits. */
    public boolean fits(double bandwidthMbps) {
        return freeChains() >= 1 && freeMbps() + 1e-9 >= bandwidthMbps && measuredLoad < FULL_LOAD;
    }

    /** This offer with {@code chains} more chains of {@code mbps} each held by the batch (negative gives back). */
    public OfferState holding(int chains, double mbps) {
        return new OfferState(offer, switchId, reservedMbps, reservedChains, measuredLoad, heldMbps + chains * mbps,
                heldChains + chains);
    }

    /** Share of the capacity in use, 0..1: the largest of reserved bandwidth, reserved chain slots and measured load. */
    public double load() {
        return Math.max(measuredLoad, Math.max(reservedMbps / offer.capacityMbps(), (double) reservedChains / offer.maxChains()));
    }

    /** Load above which processing latency stops growing (an overloaded instance is refused by capacity anyway). */
    public static final double MAX_MODELLED_LOAD = 0.9;

    /**
     * Processing latency at the snapshot's load: the offer's nominal latency stretched like an M/M/1 queue,
     * {@code nominal / (1 - load)}, with the load capped at {@link #MAX_MODELLED_LOAD} (so at most 10x nominal).
     * At load 0 it is the advertised value.
     */
    public double processingLatencyMs() {
        double load = Math.min(Math.max(load(), 0.0), MAX_MODELLED_LOAD);
        return offer.processingLatencyMs() / (1.0 - load);
    }
}
