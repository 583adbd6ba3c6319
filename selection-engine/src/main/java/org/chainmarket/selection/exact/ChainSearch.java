package org.chainmarket.selection.exact;

import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.selection.OfferState;
import org.chainmarket.selection.domain.Leg;
import org.chainmarket.selection.domain.PathTable;
import org.chainmarket.selection.network.PathFinder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one search for the best single chain, used by the exact selector for every order and by the solver to place
 * each chain on the capacity the others left. Input: candidate offers per hop (each already admissible and fitting),
 * the routes of the chain's bandwidth ({@link PathTable.Paths}: every leg takes one of its k lowest-latency loopless
 * usable paths) and the bandwidth still free per link. Output: the chain with the least cost
 * ({@link Costs}: weighted price, latency and border crossings plus each candidate's own extra cost) that uses no
 * offer for two hops, keeps every link within its free bandwidth counting each leg that crosses it, and stays within
 * the latency bound and budget; with the proven lower bound when a label budget cut the search short.
 * <p>
 * How: (1) the relaxation with shortest legs and no bounds, one multi-source Dijkstra per layer
 * ({@link PathFinder#spread}); if its chain meets every bound it is optimal (over every routing, not only the k
 * paths). (2) Otherwise an A* label search on the layered graph ({@link LabelSearch}): labels (latency, price, cost,
 * crossings of the <em>tight</em> links, those that hold fewer crossings than the chain has legs) per switch and
 * layer, pruned by dominance, by lower bounds of the latency and cost still to come (the same multi-source Dijkstra
 * run backwards from the egress) and by the best chain found so far. Both ignore the rule that one offer serves at
 * most one hop (it binds only when a VNF type repeats); where the best chain breaks it, {@link #best} branches on
 * which of the two hops may not use that offer, best bound first.
 */
public final class ChainSearch {
    static final double EPS = 1e-9;

    /** One offer that can serve one hop: its switch index, price, processing latency and an extra cost of its own. */
    public record Candidate(OfferState offer, int sw, double price, double processingMs, double extraCost) {
    }

    /**
     * What a chain costs: {@code price x price + latency x ms + crossing x border links} plus its candidates' extras and,
     * when {@code perLink} is given, {@code perLink[link index]} for every crossing of a link (a price on the links; the
     * search's lower bounds leave it out, which keeps them bounds since it is never negative).
     */
    public record Costs(double price, double latency, double crossing, double[] perLink) {
        /** Least latency only. */
        public static final Costs FASTEST = new Costs(0, 1, 0);
        /** Least price only. */
        public static final Costs CHEAPEST = new Costs(1, 0, 0);

        public Costs(double price, double latency, double crossing) {
            this(price, latency, crossing, null);
        }

        double hop(Candidate c) {
            return price * c.price() + latency * c.processingMs() + c.extraCost();
        }

        double leg(Leg leg) {
            double cost = latency * leg.latencyMs() + crossing * leg.crossings();
            if (perLink != null) {
                for (int l : leg.linkIndices()) {
                    cost += perLink[l];
                }
            }
            return cost;
        }
    }

    /** The chain found: the candidate chosen per hop (index into its layer), its legs, latency, price and cost. */
    public record Found(int[] choice, Leg[] legs, double latency, double price, double cost) {
    }

    /**
     * The answer of {@link #best}: the best chain found (null when none is feasible, or none was found within the
     * budget), a proven lower bound of the least cost, and whether the search finished (then {@code found} is optimal).
     */
    public record Outcome(Found found, double lowerBound, boolean complete, long labels) {
        /** Proven relative gap of {@code found} to the optimum (0 when complete). */
        public double gap() {
            if (found == null || complete) {
                return found == null ? Double.NaN : 0;
            }
            return found.cost() <= 0 ? 0 : Math.max(0, (found.cost() - lowerBound) / found.cost());
        }
    }

    final PathTable.Paths paths;
    final PathFinder finder;
    final int ingress;
    final int egress;
    final List<List<Candidate>> layers;
    final int hops;
    /** Ordinal of each network link among the tight links, or -1; null when no link is tight. */
    final int[] tightOrdinal;
    /** Per tight link, how many legs of the chain it holds. */
    final int[] tightCapacity;
    /** Links the snapshot could use but that hold no leg of this chain (taken by other chains); null when none. */
    final boolean[] blocked;
    final long labelBudget;
    /** Each candidate's offer, numbered across layers. */
    final int[][] offerNo;
    /** Per offer number, the last hop whose layer holds it: a label must remember using it until then. */
    final int[] lastLayer;
    /**
     * The switches whose values each spread of the relaxation and of the bounds is read at: per hop, its candidates'
     * switches; then the egress (forwards) and the ingress (backwards). A spread stops once they are settled.
     */
    final int[][] layerSwitches;
    final int[] egressOnly;
    final int[] ingressOnly;
    /** Whether some candidate has an extra cost of its own (then a cost is more than price, latency and crossings). */
    final boolean extraCosts;
    /** The sum over hops of the least price of a candidate: no chain costs less. */
    final double leastPrice;
    private final Map<Long, LegOption[]> options = new HashMap<>();
    private final Map<Long, LegOption[]> allOptions = new HashMap<>();
    private final Map<Long, LegOption> shortestOptions = new HashMap<>();
    /** Whether this search is a batch's placement: see {@link #quick()}. */
    boolean quick;

    /**
     * A search for one chain from switch {@code ingress} to {@code egress} (indices) through {@code layers}, whose
     * links have {@code freeMbps[link index]} free for a chain of {@code bandwidthMbps}; at most {@code labelBudget}
     * labels are created before the search stops with the best chain so far and its bound.
     */
    public ChainSearch(PathTable.Paths paths, int ingress, int egress, List<List<Candidate>> layers, double[] freeMbps,
                       double bandwidthMbps, long labelBudget) {
        this.paths = paths;
        this.finder = paths.finder();
        this.ingress = ingress;
        this.egress = egress;
        this.layers = layers;
        this.hops = layers.size();
        this.labelBudget = labelBudget;
        Map<OfferId, Integer> numbers = new HashMap<>();
        offerNo = new int[hops][];
        for (int h = 0; h < hops; h++) {
            offerNo[h] = new int[layers.get(h).size()];
            for (int c = 0; c < offerNo[h].length; c++) {
                offerNo[h][c] = numbers.computeIfAbsent(layers.get(h).get(c).offer().offer().offerId(), id -> numbers.size());
            }
        }
        layerSwitches = new int[hops][];
        for (int h = 0; h < hops; h++) {
            layerSwitches[h] = layers.get(h).stream().mapToInt(Candidate::sw).toArray();
        }
        leastPrice = layers.stream().mapToDouble(l -> l.stream().mapToDouble(Candidate::price).min().orElse(0)).sum();
        extraCosts = layers.stream().flatMap(List::stream).anyMatch(c -> c.extraCost() != 0);
        egressOnly = new int[]{egress};
        ingressOnly = new int[]{ingress};
        lastLayer = new int[numbers.size()];
        for (int h = 0; h < hops; h++) {
            for (int no : offerNo[h]) {
                lastLayer[no] = h;
            }
        }
        int legs = hops + 1;
        int[] ordinal = new int[freeMbps.length];
        boolean[] full = null;
        List<Integer> capacity = new ArrayList<>();
        for (int l = 0; l < freeMbps.length; l++) {
            ordinal[l] = -1;
            if (finder.usable(l)) {
                long holds = (long) Math.floor((freeMbps[l] + EPS) / bandwidthMbps);
                if (holds < legs) {
                    ordinal[l] = capacity.size();
                    capacity.add((int) Math.max(0, holds));
                }
                if (holds <= 0) {
                    if (full == null) {
                        full = new boolean[freeMbps.length];
                    }
                    full[l] = true;
                }
            }
        }
        blocked = full;
        tightOrdinal = capacity.isEmpty() ? null : ordinal;
        tightCapacity = capacity.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Makes this a quick search for placing one chain among many: a leg looks at its alternative routes only where its
     * shortest would overbook a tight link for the label at hand (so Yen's algorithm runs far less often), and when the
     * label budget runs out before any chain is found there is no depth-first dive: the chain is not placed. What it
     * finds is feasible, and optimal when it finishes over the routes it looked at. Returns this search.
     */
    public ChainSearch quick() {
        return quick(true);
    }

    /** Turns {@link #quick()} on or off for the searches that follow; returns this search. */
    public ChainSearch quick(boolean on) {
        quick = on;
        return this;
    }

    /** The chain with the least cost within the bounds (see {@link Outcome}). */
    public Outcome best(Costs costs, double maxLatency, double maxPrice) {
        return best(costs, maxLatency, maxPrice, labelBudget);
    }

    /** As {@link #best(Costs, double, double)}, with its own label budget. */
    public Outcome best(Costs costs, double maxLatency, double maxPrice, long budget) {
        if (leastPrice > maxPrice + EPS) {
            return new Outcome(null, Double.POSITIVE_INFINITY, true, 0); // even the cheapest offers are over the budget
        }
        // the fastest chain's relaxation need not look past the latency bound: its value is the least latency
        boolean latencyOnly = costs.equals(Costs.FASTEST) && !extraCosts;
        Relaxed relaxed = ingress < 0 || egress < 0 ? null : relaxed(costs, latencyOnly ? maxLatency + EPS : Double.POSITIVE_INFINITY);
        if (relaxed == null) {
            return new Outcome(null, Double.POSITIVE_INFINITY, true, 0); // some hop cannot be reached at all
        }
        Found chain = relaxed.chain();
        boolean feasible = chain.latency() <= maxLatency + EPS && chain.price() <= maxPrice + EPS && fits(chain.legs())
                && !reusesOffer(chain);
        if (feasible && chain.cost() <= relaxed.value() + EPS) {
            return new Outcome(chain, chain.cost(), true, 0);
        }
        if (latencyOnly && relaxed.value() > maxLatency + EPS) {
            // the relaxation's value is then the least latency of any chain: none is within the bound
            return new Outcome(null, Double.POSITIVE_INFINITY, true, 0);
        }
        Outcome o = new LabelSearch(this, costs, new LabelSearch.Bounds(this, costs), maxLatency, maxPrice, feasible ? chain : null,
                budget).run();
        if (o.complete()) {
            return o;
        }
        double bound = Math.max(relaxed.value(), o.lowerBound());
        return new Outcome(o.found(), o.found() == null ? bound : Math.min(bound, o.found().cost()), false, o.labels());
    }

    /** The relaxation's chain (shortest legs) and its value, a lower bound of every chain's cost; null when none exists. */
    private record Relaxed(Found chain, double value) {
    }

    private Relaxed relaxed(Costs costs, double cutoff) {
        int n = finder.network().switchCount();
        double[] start = new double[n];
        Arrays.fill(start, Double.POSITIVE_INFINITY);
        start[ingress] = 0;
        int[][] origin = new int[hops + 1][n];
        int[][] pick = new int[hops][n];
        for (int h = 0; h < hops; h++) {
            double[] reach = finder.spread(start, costs.latency(), costs.crossing(), origin[h], blocked, layerSwitches[h], cutoff);
            double[] next = new double[n];
            Arrays.fill(next, Double.POSITIVE_INFINITY);
            Arrays.fill(pick[h], -1);
            List<Candidate> layer = layers.get(h);
            for (int c = 0; c < layer.size(); c++) {
                Candidate cand = layer.get(c);
                if (reach[cand.sw()] == Double.POSITIVE_INFINITY) {
                    continue;
                }
                double v = reach[cand.sw()] + costs.hop(cand);
                if (v < next[cand.sw()]) {
                    next[cand.sw()] = v;
                    pick[h][cand.sw()] = c;
                }
            }
            start = next;
        }
        double[] reach = finder.spread(start, costs.latency(), costs.crossing(), origin[hops], blocked, egressOnly, cutoff);
        if (reach[egress] == Double.POSITIVE_INFINITY) {
            return null;
        }
        int[] choice = new int[hops];
        int[] at = new int[hops + 2];
        at[hops + 1] = egress;
        for (int h = hops; h >= 1; h--) {
            at[h] = origin[h][at[h + 1]];
            choice[h - 1] = pick[h - 1][at[h]];
        }
        at[0] = ingress;
        return new Relaxed(chain(costs, choice, at), reach[egress]);
    }

    /** The chain through the given candidates along shortest legs; {@code at} = ingress, hop switches, egress. */
    private Found chain(Costs costs, int[] choice, int[] at) {
        Leg[] legs = new Leg[hops + 1];
        double latency = 0;
        double price = 0;
        double cost = 0;
        for (int i = 0; i <= hops; i++) {
            legs[i] = paths.leg(at[i], at[i + 1]);
            latency += legs[i].latencyMs();
            cost += costs.leg(legs[i]);
            if (i < hops) {
                Candidate c = layers.get(i).get(choice[i]);
                latency += c.processingMs();
                price += c.price();
                cost += costs.hop(c);
            }
        }
        return new Found(choice, legs, latency, price, cost);
    }

    /** Whether {@code chain} uses one offer at two hops. */
    private boolean reusesOffer(Found chain) {
        for (int h = 1; h < hops; h++) {
            for (int e = 0; e < h; e++) {
                if (offerNo[h][chain.choice()[h]] == offerNo[e][chain.choice()[e]]) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether legs fit every tight link together. */
    private boolean fits(Leg[] legs) {
        if (tightOrdinal == null) {
            return true;
        }
        int[] use = new int[tightCapacity.length];
        for (Leg leg : legs) {
            for (int link : leg.linkIndices()) {
                int t = tightOrdinal[link];
                if (t >= 0 && ++use[t] > tightCapacity[t]) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A route for one leg and the tight links it crosses (ordinals, sorted). */
    record LegOption(Leg leg, int[] tight) {
    }

    /**
     * Every usable route from switch {@code a} to {@code b} (up to k), each with the tight links it crosses: with a
     * price on the links a longer route can cost less, so none is left out. Empty when none exists.
     */
    LegOption[] allOptions(int a, int b) {
        long key = (long) a * finder.network().switchCount() + b;
        LegOption[] out = allOptions.get(key);
        if (out == null) {
            List<LegOption> all = new ArrayList<>();
            for (Leg route : paths.routes(a, b)) {
                if (route.reachable()) {
                    all.add(new LegOption(route, tightOrdinal == null ? LabelSearch.NONE : tightOf(route.linkIndices())));
                }
            }
            out = all.toArray(new LegOption[0]);
            allOptions.put(key, out);
        }
        return out;
    }

    /**
     * The routes worth considering from switch {@code a} to {@code b} when a leg costs more the longer it is (no price
     * on the links): the shortest usable path, and when it crosses a tight link, those of the next k - 1 shortest that
     * cross a set of tight links not containing the set of a shorter one (a longer path crossing more is never better).
     * Empty when none exists.
     */
    LegOption[] options(int a, int b) {
        long key = (long) a * finder.network().switchCount() + b;
        LegOption[] out = options.get(key);
        if (out != null) {
            return out;
        }
        Leg shortest = paths.leg(a, b);
        if (!shortest.reachable()) {
            out = new LegOption[0];
        } else if (tightOrdinal == null) {
            out = new LegOption[]{new LegOption(shortest, LabelSearch.NONE)};
        } else {
            int[] shortestTight = tightOf(shortest.linkIndices());
            List<LegOption> kept = new ArrayList<>();
            kept.add(new LegOption(shortest, shortestTight));
            if (shortestTight.length > 0) {
                Leg[] routes = paths.routes(a, b);
                for (int r = 1; r < routes.length; r++) {
                    int[] t = tightOf(routes[r].linkIndices());
                    if (kept.stream().noneMatch(k -> containsAll(t, k.tight()))) {
                        kept.add(new LegOption(routes[r], t));
                    }
                }
            }
            out = kept.toArray(new LegOption[0]);
        }
        options.put(key, out);
        return out;
    }

    private int[] tightOf(int[] links) {
        int count = 0;
        for (int l : links) {
            if (tightOrdinal[l] >= 0) {
                count++;
            }
        }
        if (count == 0) {
            return LabelSearch.NONE;
        }
        int[] out = new int[count];
        count = 0;
        for (int l : links) {
            if (tightOrdinal[l] >= 0) {
                out[count++] = tightOrdinal[l];
            }
        }
        Arrays.sort(out);
        return out;
    }

    /** The shortest usable route from {@code a} to {@code b} and the tight links it crosses; null when there is none. */
    LegOption shortestOption(int a, int b) {
        long key = (long) a * finder.network().switchCount() + b;
        LegOption out = shortestOptions.get(key);
        if (out == null && !shortestOptions.containsKey(key)) {
            Leg shortest = paths.leg(a, b);
            out = !shortest.reachable() ? null
                    : new LegOption(shortest, tightOrdinal == null ? LabelSearch.NONE : tightOf(shortest.linkIndices()));
            shortestOptions.put(key, out);
        }
        return out;
    }

    /** Whether sorted {@code set} contains every element of sorted {@code sub}. */
    private static boolean containsAll(int[] set, int[] sub) {
        int i = 0;
        for (int x : sub) {
            while (i < set.length && set[i] < x) {
                i++;
            }
            if (i == set.length || set[i] != x) {
                return false;
            }
            i++;
        }
        return true;
    }
}
