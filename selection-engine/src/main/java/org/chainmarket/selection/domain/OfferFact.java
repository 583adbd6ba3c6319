package org.chainmarket.selection.domain;

import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.selection.OfferState;

/**
 * An offer as the solver sees it: capacity still free before this problem's chains, load-dependent processing
 * latency. Equal by {@code id}.
 */
public record OfferFact(int id, OfferState state, long freeKbps, int freeChains, long capacityKbps, long reservedKbps,
                        long processingMicros) {

    public static OfferFact of(int id, OfferState state) {
        return new OfferFact(id, state, Units.kbps(state.freeMbps()), state.freeChains(), Units.kbps(state.offer().capacityMbps()),
                Units.kbps(state.reservedMbps()), Units.micros(state.processingLatencyMs()));
    }

    public OfferId offerId() {
        return state.offer().offerId();
    }

    public ProviderId providerId() {
        return state.offer().providerId();
    }

    public String vnfType() {
        return state.offer().vnfType();
    }

    public String switchId() {
        return state.switchId();
    }

    /** Price per hour for a chain of {@code mbps}, in micro-euros. */
    public long priceMicros(double mbps) {
        return Units.microEur(state.offer().priceFor(mbps));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OfferFact f && f.id == id;
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(id);
    }

    @Override
    public String toString() {
        return state.offer().offerId().value();
    }
}
