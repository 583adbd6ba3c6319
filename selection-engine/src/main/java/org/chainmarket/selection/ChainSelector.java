package org.chainmarket.selection;

import org.chainmarket.schemas.model.ChainOrder;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/** Maps an abstract chain order to a concrete chain on a market snapshot. Implementations are thread-safe. */
public interface ChainSelector {
    SelectionResult select(MarketSnapshot market, ChainOrder order);

    /** Selects one chain request (steering and previous offers); by default only its order is considered. */
    default SelectionResult select(MarketSnapshot market, ChainRequest request) {
        return select(market, request.order());
    }

    /** Selects several chains that share capacity; results are in the order of {@code orders}. */
    default List<SelectionResult> selectAll(MarketSnapshot market, List<ChainOrder> orders) {
        return selectBatch(market, IntStream.range(0, orders.size())
                .mapToObj(i -> ChainRequest.of("chain-" + i, orders.get(i))).toList());
    }

    /**
     * Selects several chain requests that share offer and link capacity; results are in request order. The default
     * selects them one after another, reserving each selected chain's capacity before the next.
     */
    default List<SelectionResult> selectBatch(MarketSnapshot market, List<ChainRequest> requests) {
        List<SelectionResult> out = new ArrayList<>();
        MarketSnapshot current = market;
        for (ChainRequest r : requests) {
            SelectionResult result = select(current, r);
            if (result instanceof SelectionResult.Selected s) {
                current = current.withChain(s.chain(), r.order().bandwidthMbps());
            }
            out.add(result);
        }
        return out;
    }
}
