package org.chainmarket.selection.testing;

import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.MarketSnapshot;

import java.util.List;

/** A generated market and the chain requests to select on it. */
public record GeneratedProblem(String name, MarketSnapshot market, List<ChainRequest> requests) {
}
