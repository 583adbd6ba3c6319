package org.chainmarket.broker.placement;

import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.ChainOrder;

import java.time.Instant;

/**
 * An order no chain could meet, with the constraint that refused it (a selection constraint's name, such as
 * {@code OFFER_CAPACITY}) and the hop at fault (null when the whole chain was).
 */
public record OrderRejected(ChainId chainId, ChainOrder order, String constraint, Integer hopIndex, Instant at) {
}
