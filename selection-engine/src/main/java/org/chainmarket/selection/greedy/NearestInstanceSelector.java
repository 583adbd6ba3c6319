package org.chainmarket.selection.greedy;

import org.chainmarket.selection.network.PathFinder;
import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.selection.ChainAssembler;
import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.ChainSelector;
import org.chainmarket.selection.HopCandidates;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.Objective;
import org.chainmarket.selection.OfferState;
import org.chainmarket.selection.SelectionResult;
import org.chainmarket.selection.SelectionResult.Constraint;
import org.chainmarket.selection.Steering;
import org.chainmarket.selection.network.MultiDomainNetwork;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The baseline of paper 003's prototype: starting at the ingress, each hop takes the instance of its type whose
 * switch is nearest (lowest-latency usable path) to where the traffic is, among allowed offers with capacity free
 * and not yet used by the chain (ties: lower price). It does not look ahead, so it rejects a chain when the result
 * breaks the latency bound or the budget rather than searching for another. Batches are served one chain after
 * another ({@link ChainSelector#selectBatch}).
 */
public final class NearestInstanceSelector implements ChainSelector {
    private final Objective objective;
    private final Steering steering;

    public NearestInstanceSelector(Objective objective, Steering steering) {
        this.objective = objective;
        this.steering = steering;
    }

    public NearestInstanceSelector() {
        this(Objective.DEFAULT, Steering.NO_PROXIES);
    }

    @Override
    public SelectionResult select(MarketSnapshot market, ChainOrder order) {
        return select(market, ChainRequest.of("chain", order));
    }

    @Override
    public SelectionResult select(MarketSnapshot market, ChainRequest request) {
        ChainOrder order = request.order();
        HopCandidates candidates = HopCandidates.of(market, request, steering);
        if (candidates.rejection().isPresent()) {
            return candidates.rejection().get();
        }
        MultiDomainNetwork network = market.network();
        PathFinder paths = network.pathFinder(order.bandwidthMbps(), market.linkUsageMbps());
        List<OfferState> chosen = new ArrayList<>();
        String at = order.ingress();
        for (int hop = 0; hop < order.vnfTypes().size(); hop++) {
            String from = at;
            Optional<OfferState> nearest = candidates.fitting(hop).stream()
                    .filter(o -> chosen.stream().noneMatch(c -> c.offer().offerId().equals(o.offer().offerId())))
                    .filter(o -> Double.isFinite(paths.latency(from, o.switchId())))
                    .min(Comparator.<OfferState>comparingDouble(o -> paths.latency(from, o.switchId()))
                            .thenComparingDouble(o -> o.offer().priceFor(order.bandwidthMbps())));
            if (nearest.isEmpty()) {
                return new SelectionResult.Rejected(Constraint.LINK_BANDWIDTH, hop, "Hop " + (hop + 1) + " ("
                        + order.vnfTypes().get(hop) + "): no offer with capacity free is reachable over links with "
                        + fmt(order.bandwidthMbps()) + " Mbit/s free.");
            }
            chosen.add(nearest.get());
            at = nearest.get().switchId();
        }
        Optional<ConcreteChain> chain = ChainAssembler.assemble(order, chosen, network, paths);
        if (chain.isEmpty()) {
            return new SelectionResult.Rejected(Constraint.LINK_BANDWIDTH, null, "No path to " + order.egress()
                    + " has " + fmt(order.bandwidthMbps()) + " Mbit/s free.");
        }
        ConcreteChain c = chain.get();
        if (c.latencyMs() > order.maxLatencyMs()) {
            return new SelectionResult.Rejected(Constraint.LATENCY, null, "The nearest instances give " + fmt(c.latencyMs())
                    + " ms end to end, above the limit of " + fmt(order.maxLatencyMs()) + " ms.");
        }
        if (c.pricePerHour() > order.maxPricePerHour()) {
            return new SelectionResult.Rejected(Constraint.BUDGET, null, "The nearest instances cost " + fmt(c.pricePerHour())
                    + " EUR/h, above the budget of " + fmt(order.maxPricePerHour()) + " EUR/h.");
        }
        return new SelectionResult.Selected(c, objective.of(c.latencyMs(), c.pricePerHour()));
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
