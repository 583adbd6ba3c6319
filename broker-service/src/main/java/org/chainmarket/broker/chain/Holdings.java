package org.chainmarket.broker.chain;

import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.selection.MarketSnapshot;

import java.util.List;
import java.util.Map;

/**
 * What a committed transaction changed in held capacity, for the read model: each touched offer's reservation as
 * the database now has it, and bandwidth taken (positive) or given back (negative) along paths.
 */
public record Holdings(Map<OfferId, MarketSnapshot.Reservation> offers, List<LinkUse> links) {
    public static final Holdings NONE = new Holdings(Map.of(), List.of());

    public Holdings {
        offers = Map.copyOf(offers);
        links = List.copyOf(links);
    }

    /** Bandwidth on every link of a path. */
    public record LinkUse(List<ConcreteChain.PathNode> path, double mbps) {
    }
}
