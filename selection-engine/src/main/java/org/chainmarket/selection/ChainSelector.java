package org.chainmarket.selection;

import org.chainmarket.schemas.model.ChainOrder;

/** Maps an abstract chain order to a concrete chain on a market snapshot. Implementations are thread-safe. */
public interface ChainSelector {
    SelectionResult select(MarketSnapshot market, ChainOrder order);
}
