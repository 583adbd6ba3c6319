package org.chainmarket.selection.problem;

import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.Steering;
import org.chainmarket.selection.solver.SelectionWeights;

import java.util.List;

/** A problem file turned into what the selectors take. */
public record LoadedProblem(MarketSnapshot market, List<ChainRequest> requests, Steering steering, SelectionWeights weights) {
}
