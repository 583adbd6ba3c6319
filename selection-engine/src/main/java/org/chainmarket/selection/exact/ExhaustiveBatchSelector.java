package org.chainmarket.selection.exact;

import org.chainmarket.selection.network.PathFinder;
import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.selection.ChainAssembler;
import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.ChainSelector;
import org.chainmarket.selection.HopCandidates;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.Objective;
import org.chainmarket.selection.OfferState;
import org.chainmarket.selection.SelectionResult;
import org.chainmarket.selection.Steering;
import org.chainmarket.selection.network.MultiDomainNetwork;
import org.chainmarket.selection.network.NetLink;
import org.jgrapht.GraphPath;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Exact selection of a small batch of chains that share capacity, by branch and bound: every chain's feasible
 * offer combinations (each alone within its latency bound and budget) sorted by {@link Objective}, then a depth-first
 * search over chains that keeps offer bandwidth, chain slots and link bandwidth within what is free. It serves as
 * many chains as possible and, among those choices, minimizes the summed objective. Every leg takes its lowest-latency
 * usable path (no alternative routes, unlike the solver and {@link LayeredParetoSelector}), so it is exact over
 * shortest-path routings: where chains fill links up, rerouting can serve more. Refuses, before searching, a problem
 * whose search tree has more than {@code maxCombinations} leaves (the product over chains of their feasible
 * combinations plus one), the number it would search in the worst case.
 */
public final class ExhaustiveBatchSelector implements ChainSelector {
    private final Objective objective;
    private final Steering steering;
    private final long maxCombinations;

    public ExhaustiveBatchSelector(Objective objective, Steering steering, long maxCombinations) {
        this.objective = objective;
        this.steering = steering;
        this.maxCombinations = maxCombinations;
    }

    public ExhaustiveBatchSelector(Objective objective) {
        this(objective, Steering.NO_PROXIES, 2_000_000);
    }

    /** Thrown when a problem is too large to solve exactly. */
    public static final class TooLargeException extends RuntimeException {
        public TooLargeException(String message) {
            super(message);
        }
    }

    private record Option(List<OfferState> offers, double objective, Map<String, Double> linkMbps) {
    }

    @Override
    public SelectionResult select(MarketSnapshot market, ChainOrder order) {
        return selectBatch(market, List.of(ChainRequest.of("chain", order))).get(0);
    }

    @Override
    public SelectionResult select(MarketSnapshot market, ChainRequest request) {
        return selectBatch(market, List.of(request)).get(0);
    }

    /**
     * How many leaves the search tree of this problem has: the product over chains of (feasible combinations + 1, for
     * leaving the chain unserved), after enumerating each chain's combinations; infinity when the enumeration alone
     * would exceed the limit (the sum over chains of the product of their hops' candidates).
     */
    public double searchSize(MarketSnapshot market, List<ChainRequest> requests) {
        return size(market, requests, enumerateAll(market, requests));
    }

    /** Whether {@link #selectBatch} would accept this problem: its search tree has at most the limit of leaves. */
    public boolean feasibleSize(MarketSnapshot market, List<ChainRequest> requests) {
        return searchSize(market, requests) <= maxCombinations;
    }

    private double size(MarketSnapshot market, List<ChainRequest> requests, List<List<Option>> options) {
        if (options == null) {
            return Double.POSITIVE_INFINITY;
        }
        double product = 1;
        for (List<Option> o : options) {
            product *= o.size() + 1;
        }
        return product;
    }

    /** Every chain's feasible combinations, or null when enumerating them would exceed the limit. */
    private List<List<Option>> enumerateAll(MarketSnapshot market, List<ChainRequest> requests) {
        double total = 0;
        List<HopCandidates> candidates = new ArrayList<>();
        for (ChainRequest r : requests) {
            HopCandidates c = HopCandidates.of(market, r, steering);
            candidates.add(c);
            double product = 1;
            if (c.rejection().isEmpty()) {
                for (List<OfferState> layer : c.fitting()) {
                    product *= layer.size();
                }
            }
            total += product;
        }
        if (total > maxCombinations) {
            return null;
        }
        List<List<Option>> options = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            ChainRequest r = requests.get(i);
            PathFinder paths = market.network().pathFinder(r.order().bandwidthMbps(), market.linkUsageMbps());
            options.add(candidates.get(i).rejection().isPresent() ? List.of() : enumerate(r.order(), candidates.get(i).fitting(), paths));
        }
        return options;
    }

    @Override
    public List<SelectionResult> selectBatch(MarketSnapshot market, List<ChainRequest> requests) {
        List<List<Option>> options = enumerateAll(market, requests);
        double size = size(market, requests, options);
        if (size > maxCombinations) {
            throw new TooLargeException(String.format(Locale.ROOT, "exact search over %d chains has %s leaves, more than the"
                    + " limit of %d", requests.size(), Double.isInfinite(size) ? "too many" : String.format(Locale.ROOT, "%.3g", size),
                    maxCombinations));
        }
        Map<OfferId, double[]> free = new HashMap<>();
        market.offers().forEach(o -> free.put(o.offer().offerId(), new double[]{o.freeMbps(), o.freeChains()}));
        Map<String, Double> linkFree = new HashMap<>();
        for (NetLink l : market.network().links()) {
            linkFree.put(l.key(), market.freeMbps(l));
        }
        double[] bestRemaining = new double[requests.size() + 1];
        for (int i = requests.size() - 1; i >= 0; i--) {
            bestRemaining[i] = bestRemaining[i + 1] + (options.get(i).isEmpty() ? 0 : options.get(i).get(0).objective());
        }
        Search search = new Search(requests, options, free, linkFree, bestRemaining);
        search.dfs(0, 0, 0, new Option[requests.size()]);

        List<SelectionResult> out = new ArrayList<>();
        LayeredParetoSelector single = new LayeredParetoSelector(objective, steering);
        for (int i = 0; i < requests.size(); i++) {
            Option o = search.best[i];
            ChainRequest r = requests.get(i);
            if (o == null) {
                SelectionResult alone = single.select(market, r);
                out.add(alone instanceof SelectionResult.Rejected ? alone : new SelectionResult.Rejected(
                        SelectionResult.Constraint.OFFER_CAPACITY, null, "The chain fits on its own, but not together with "
                        + "the other chains of this batch: the capacity it needs is taken."));
                continue;
            }
            PathFinder paths = market.network().pathFinder(r.order().bandwidthMbps(), market.linkUsageMbps());
            ConcreteChain chain = ChainAssembler.assemble(r.order(), o.offers(), market.network(), paths).orElseThrow();
            out.add(new SelectionResult.Selected(chain, objective.of(chain.latencyMs(), chain.pricePerHour())));
        }
        return out;
    }

    private List<Option> enumerate(ChainOrder order, List<List<OfferState>> layers, PathFinder paths) {
        List<Option> out = new ArrayList<>();
        enumerate(order, layers, paths, 0, order.ingress(), 0, 0, new ArrayList<>(), out);
        out.sort(Comparator.comparingDouble(Option::objective));
        return out;
    }

    private void enumerate(ChainOrder order, List<List<OfferState>> layers, PathFinder paths, int hop,
                           String at, double latency, double price, List<OfferState> chosen, List<Option> out) {
        if (hop == layers.size()) {
            double total = latency + paths.latency(at, order.egress());
            if (total <= order.maxLatencyMs() && Double.isFinite(total)) {
                out.add(new Option(List.copyOf(chosen), objective.of(total, price), linkUse(order, chosen, paths)));
            }
            return;
        }
        for (OfferState o : layers.get(hop)) {
            if (chosen.stream().anyMatch(c -> c.offer().offerId().equals(o.offer().offerId()))) {
                continue;
            }
            double l = latency + paths.latency(at, o.switchId()) + o.processingLatencyMs();
            double p = price + o.offer().priceFor(order.bandwidthMbps());
            if (l > order.maxLatencyMs() || p > order.maxPricePerHour() || !Double.isFinite(l)) {
                continue;
            }
            chosen.add(o);
            enumerate(order, layers, paths, hop + 1, o.switchId(), l, p, chosen, out);
            chosen.remove(chosen.size() - 1);
        }
    }

    private static Map<String, Double> linkUse(ChainOrder order, List<OfferState> chosen, PathFinder paths) {
        Map<String, Double> use = new HashMap<>();
        String at = order.ingress();
        for (int i = 0; i <= chosen.size(); i++) {
            String to = i < chosen.size() ? chosen.get(i).switchId() : order.egress();
            Optional<GraphPath<String, NetLink>> p = paths.path(at, to);
            p.orElseThrow().getEdgeList().forEach(e -> use.merge(e.key(), order.bandwidthMbps(), Double::sum));
            at = to;
        }
        return use;
    }

    private static final class Search {
        final List<ChainRequest> requests;
        final List<List<Option>> options;
        final Map<OfferId, double[]> free;
        final Map<String, Double> linkFree;
        final double[] bestRemaining;
        Option[] best;
        int bestServed = -1;
        double bestObjective = Double.POSITIVE_INFINITY;

        Search(List<ChainRequest> requests, List<List<Option>> options, Map<OfferId, double[]> free,
               Map<String, Double> linkFree, double[] bestRemaining) {
            this.requests = requests;
            this.options = options;
            this.free = free;
            this.linkFree = linkFree;
            this.bestRemaining = bestRemaining;
        }

        void dfs(int i, int served, double value, Option[] current) {
            int n = requests.size();
            if (served + (n - i) < bestServed
                    || (served + (n - i) == bestServed && value + bestRemaining[i] >= bestObjective - 1e-12)) {
                return;
            }
            if (i == n) {
                if (served > bestServed || (served == bestServed && value < bestObjective)) {
                    bestServed = served;
                    bestObjective = value;
                    best = current.clone();
                }
                return;
            }
            double mbps = requests.get(i).order().bandwidthMbps();
            for (Option o : options.get(i)) {
                if (served + (n - i) == bestServed && value + o.objective() + bestRemaining[i + 1] >= bestObjective - 1e-12) {
                    break; // options are sorted: no later one can do better
                }
                if (!fits(o, mbps)) {
                    continue;
                }
                apply(o, mbps, -1);
                current[i] = o;
                dfs(i + 1, served + 1, value + o.objective(), current);
                current[i] = null;
                apply(o, mbps, +1);
            }
            dfs(i + 1, served, value, current);
        }

        boolean fits(Option o, double mbps) {
            for (OfferState s : o.offers()) {
                double[] f = free.get(s.offer().offerId());
                if (f[0] + 1e-9 < mbps || f[1] < 1) {
                    return false;
                }
            }
            for (Map.Entry<String, Double> e : o.linkMbps().entrySet()) {
                if (linkFree.get(e.getKey()) + 1e-9 < e.getValue()) {
                    return false;
                }
            }
            return true;
        }

        void apply(Option o, double mbps, int sign) {
            for (OfferState s : o.offers()) {
                double[] f = free.get(s.offer().offerId());
                f[0] += sign * mbps;
                f[1] += sign;
            }
            o.linkMbps().forEach((k, v) -> linkFree.merge(k, sign * v, Double::sum));
        }
    }
}
