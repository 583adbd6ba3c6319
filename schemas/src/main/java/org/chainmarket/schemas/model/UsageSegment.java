package org.chainmarket.schemas.model;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * What one hop of a running chain uses of one provider's offer at one bandwidth and price, from {@code startedAt}
 * until {@code endedAt} (null while open). Amounts are exact decimals in EUR: hours × price per hour + Mbit/s ×
 * hours × price per Mbit/s and hour; {@code hours} and {@code amount} are set once it is closed.
 */
public record UsageSegment(String segmentId, ChainId chainId, String buyerId, int hopIndex, String vnfType, OfferId offerId,
                           ProviderId providerId, BigDecimal mbps, BigDecimal pricePerHour, BigDecimal pricePerMbpsHour,
                           Instant startedAt, Instant endedAt, Cause openedBy, Cause closedBy, BigDecimal hours, BigDecimal amount) {

    /** Why a segment opened or closed. */
    public enum Cause {
        /** The chain became active (opens). */
        ACTIVATED,
        /** The buyer changed its bandwidth in place (closes one, opens the next). */
        CHANGED,
        /** Its hops were substituted, by a degradation, an operator or a buyer's change (closes one, opens the next). */
        SUBSTITUTED,
        /** Its provider advertised the offer at a new price (closes one, opens the next at the new price). */
        REPRICED,
        /** The chain stopped carrying traffic: ended or failed (closes). */
        ENDED
    }
}
