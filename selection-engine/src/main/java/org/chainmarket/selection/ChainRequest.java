package org.chainmarket.selection;

import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.OfferId;

import java.util.List;

/**
 * One chain to select: the buyer's order, how its traffic is steered, and, when it is being re-selected
 * (after a failure), the offers it used so far per hop ({@code null} entries for hops without one), which
 * the stability objective prefers to keep. {@code id} names the chain in results.
 */
public record ChainRequest(String id, ChainOrder order, Encapsulation encapsulation, List<OfferId> previousOffers) {
    public ChainRequest {
        if (order == null) {
            throw new IllegalArgumentException("chain request '" + id + "' has no order");
        }
        encapsulation = encapsulation == null ? Encapsulation.NONE : encapsulation;
        previousOffers = previousOffers == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(previousOffers));
        if (!previousOffers.isEmpty() && previousOffers.size() != order.vnfTypes().size()) {
            throw new IllegalArgumentException("chain request '" + id + "' lists " + previousOffers.size()
                    + " previous offers for " + order.vnfTypes().size() + " hops");
        }
    }

    /** A new chain (nothing to keep) with plain forwarding. */
    public static ChainRequest of(String id, ChainOrder order) {
        return new ChainRequest(id, order, Encapsulation.NONE, List.of());
    }

    /** The offer hop {@code hop} used before, or null. */
    public OfferId previousOffer(int hop) {
        return previousOffers.isEmpty() ? null : previousOffers.get(hop);
    }
}
