package org.chainmarket.selection.exact;

import org.chainmarket.selection.domain.Leg;
import org.chainmarket.selection.exact.ChainSearch.Candidate;
import org.chainmarket.selection.exact.ChainSearch.Costs;
import org.chainmarket.selection.exact.ChainSearch.Found;
import org.chainmarket.selection.exact.ChainSearch.LegOption;
import org.chainmarket.selection.exact.ChainSearch.Outcome;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The A* label search of {@link ChainSearch} on the layered graph (ingress, one layer per hop, egress). A label is a
 * partial chain ending at a switch after some hops: latency, price, cost and crossings of the tight links so far.
 * Labels are expanded best first by cost plus a lower bound of the cost still to come ({@link Bounds}); a label is
 * dropped when another at the same switch and layer is at least as good in all of these, when the latency or price
 * still to come cannot fit the bounds, or when it cannot beat the best chain found. A label remembers the offers it
 * used that a later hop of the same type could use again, and a label is only dominated by one that used a subset.
 * A label's children are stubs (a candidate reached by the shortest leg, a lower bound); only a stub taken from the
 * queue looks at its routes, so alternative paths are computed only for legs that can still be part of the best chain. The first label taken from the
 * queue that cannot beat the best chain proves it optimal. Past the label budget the search stops: the best chain so
 * far is returned with the least bound still open (a proven gap), and if none was found yet, depth-first dives from the
 * most promising open labels look for one.
 */
final class LabelSearch {
    static final int[] NONE = new int[0];
    /** What {@link #addTight} returns when a tight link would carry more crossings than it holds. */
    private static final int[] OVERFLOW = new int[0];
    private static final int DIVE_NODES = 20_000;

    /**
     * Lower bounds of what a partial chain still needs after serving {@code layer} hops at switch {@code sw}: cost
     * ({@code cost[layer][sw]}) and latency ({@code latency[layer][sw]}), from the relaxation run backwards from the
     * egress (one multi-source Dijkstra per layer), and price ({@code price[layer]}). {@code cost[layer]} and
     * {@code latency[layer]} are exact only where the search reads them: at the switches of hop {@code layer - 1}'s
     * candidates (at the ingress for layer 0); each Dijkstra stops once those are settled.
     */
    static final class Bounds {
        final double[][] cost;
        final double[][] latency;
        final double[] price;

        Bounds(ChainSearch s, Costs costs) {
            cost = backwards(s, costs);
            // the fastest chain's search needs one set of bounds, not two equal ones
            latency = costs.equals(Costs.FASTEST) ? cost : backwards(s, Costs.FASTEST);
            price = new double[s.hops + 1];
            for (int h = s.hops - 1; h >= 0; h--) {
                price[h] = price[h + 1] + s.layers.get(h).stream().mapToDouble(Candidate::price).min().orElse(0);
            }
        }

        private static double[][] backwards(ChainSearch s, Costs costs) {
            int n = s.finder.network().switchCount();
            double[][] out = new double[s.hops + 1][];
            double[] start = new double[n];
            Arrays.fill(start, Double.POSITIVE_INFINITY);
            start[s.egress] = 0;
            // out[h] is read only at the switches of hop h - 1's candidates (at the ingress for h = 0)
            out[s.hops] = s.finder.spread(start, costs.latency(), costs.crossing(), null, s.blocked,
                    s.hops == 0 ? s.ingressOnly : s.layerSwitches[s.hops - 1]);
            for (int h = s.hops - 1; h >= 0; h--) {
                double[] next = new double[n];
                Arrays.fill(next, Double.POSITIVE_INFINITY);
                for (Candidate c : s.layers.get(h)) {
                    next[c.sw()] = Math.min(next[c.sw()], out[h + 1][c.sw()] + costs.hop(c));
                }
                out[h] = s.finder.spread(next, costs.latency(), costs.crossing(), null, s.blocked,
                        h == 0 ? s.ingressOnly : s.layerSwitches[h - 1]);
            }
            return out;
        }
    }

    private static final class Label {
        final int layer;
        final int candidate;
        final int sw;
        final double latency;
        final double price;
        final double cost;
        final double f;
        final int[] tight;
        /** Offer numbers used so far that a later hop could use again (sorted). */
        final int[] used;
        final Leg leg;
        final Label prev;
        boolean dead;

        Label(int layer, int candidate, int sw, double latency, double price, double cost, double f, int[] tight, int[] used,
              Leg leg, Label prev) {
            this.layer = layer;
            this.candidate = candidate;
            this.sw = sw;
            this.latency = latency;
            this.price = price;
            this.cost = cost;
            this.f = f;
            this.tight = tight;
            this.used = used;
            this.leg = leg;
            this.prev = prev;
        }
    }

    private final ChainSearch s;
    private final Costs costs;
    private final Bounds bounds;
    private final double maxLatency;
    private final double maxPrice;
    /** Whether labels must compare latency and price besides cost: only where a bound limits them. */
    private final boolean latencyBound;
    private final boolean priceBound;
    private final List<Map<Integer, List<Label>>> fronts = new ArrayList<>();
    private final long budget;
    private Found best;
    private long labels;

    LabelSearch(ChainSearch s, Costs costs, Bounds bounds, double maxLatency, double maxPrice, Found start, long budget) {
        this.budget = budget;
        this.s = s;
        this.costs = costs;
        this.bounds = bounds;
        this.maxLatency = maxLatency + ChainSearch.EPS;
        this.maxPrice = maxPrice + ChainSearch.EPS;
        this.latencyBound = maxLatency < Double.POSITIVE_INFINITY;
        this.priceBound = maxPrice < Double.POSITIVE_INFINITY;
        this.best = start;
        for (int h = 0; h <= s.hops; h++) {
            fronts.add(new HashMap<>());
        }
    }

    Outcome run() {
        PriorityQueue<Label> open = new PriorityQueue<>((x, y) -> Double.compare(x.f, y.f));
        int[] none = s.tightOrdinal == null ? null : new int[s.tightCapacity.length];
        open.add(new Label(0, -1, s.ingress, 0, 0, 0, bounds.cost[0][s.ingress], none, NONE, null, null));
        while (!open.isEmpty()) {
            Label l = open.peek();
            if (best != null && l.f >= best.cost() - ChainSearch.EPS) {
                return new Outcome(best, best.cost(), true, labels);
            }
            if (labels > budget) {
                double bound = l.f;
                if (best == null && !s.quick) {
                    dive(open);
                }
                return new Outcome(best, best == null ? bound : Math.min(bound, best.cost()), false, labels);
            }
            open.poll();
            if (!l.dead) {
                expand(l, open);
            }
        }
        return new Outcome(best, best == null ? Double.POSITIVE_INFINITY : best.cost(), true, labels);
    }

    /**
     * A stub becomes its labels (one per route worth taking), pushed unless dominated; a label's children are pushed as
     * stubs, or, when it has served every hop, the chain is completed to the egress.
     */
    private void expand(Label l, PriorityQueue<Label> open) {
        if (l.leg == null && l.prev != null) {
            for (Label child : routes(l)) {
                push(child, open);
            }
            return;
        }
        for (Label stub : children(l)) {
            open.add(stub);
            labels++;
        }
    }

    private void push(Label child, PriorityQueue<Label> open) {
        List<Label> front = fronts.get(child.layer).computeIfAbsent(child.sw, k -> new ArrayList<>(4));
        if (dominated(front, child)) {
            return;
        }
        front.removeIf(x -> {
            if (dominates(child, x)) {
                x.dead = true;
                return true;
            }
            return false;
        });
        front.add(child);
        open.add(child);
        labels++;
    }

    private List<Label> children(Label l) {
        List<Label> out = new ArrayList<>();
        if (l.layer == s.hops) {
            for (LegOption leg : legOptions(l, s.egress)) {
                double latency = l.latency + leg.leg().latencyMs();
                double cost = l.cost + costs.leg(leg.leg());
                if (latency <= maxLatency && (best == null || cost < best.cost()) && addTight(l.tight, leg.tight()) != OVERFLOW) {
                    best = found(new Label(s.hops + 1, -1, s.egress, latency, l.price, cost, cost, null, NONE, leg.leg(), l));
                }
            }
            return out;
        }
        int h = l.layer;
        List<Candidate> layer = s.layers.get(h);
        for (int c = 0; c < layer.size(); c++) {
            if (contains(l.used, s.offerNo[h][c])) {
                continue; // one offer serves at most one hop of a chain
            }
            Candidate cand = layer.get(c);
            double price = l.price + cand.price();
            if (price + bounds.price[h + 1] > maxPrice) {
                continue;
            }
            double latencyAfter = bounds.latency[h + 1][cand.sw()];
            double shortest = s.finder.latency(l.sw, cand.sw());
            double latency = l.latency + shortest + cand.processingMs();
            if (latencyAfter == Double.POSITIVE_INFINITY || shortest == Double.POSITIVE_INFINITY
                    || latency + latencyAfter > maxLatency) {
                continue;
            }
            // every route is at least as long as the shortest: a lower bound until the routes are looked at
            double cost = l.cost + costs.latency() * shortest + costs.hop(cand);
            double f = cost + bounds.cost[h + 1][cand.sw()];
            if (best == null || f < best.cost() - ChainSearch.EPS) {
                out.add(new Label(h + 1, c, cand.sw(), latency, price, cost, f, null, null, null, l));
            }
        }
        return out;
    }

    /** The labels of a stub (a candidate reached from a label, routes not yet chosen), one per route worth taking. */
    private List<Label> routes(Label stub) {
        List<Label> out = new ArrayList<>(2);
        Label l = stub.prev;
        Candidate cand = s.layers.get(l.layer).get(stub.candidate);
        double latencyAfter = bounds.latency[stub.layer][cand.sw()];
        double costAfter = bounds.cost[stub.layer][cand.sw()];
        for (LegOption leg : legOptions(l, cand.sw())) {
            double latency = l.latency + leg.leg().latencyMs() + cand.processingMs();
            if (latency + latencyAfter > maxLatency) {
                continue;
            }
            double cost = l.cost + costs.leg(leg.leg()) + costs.hop(cand);
            double f = cost + costAfter;
            if (best != null && f >= best.cost() - ChainSearch.EPS) {
                continue;
            }
            int[] tight = addTight(l.tight, leg.tight());
            if (tight != OVERFLOW) {
                out.add(new Label(stub.layer, stub.candidate, cand.sw(), latency, stub.price, cost, f, tight,
                        used(l.used, l.layer, s.offerNo[l.layer][stub.candidate]), leg.leg(), l));
            }
        }
        return out;
    }

    private static final LegOption[] NO_OPTIONS = new LegOption[0];

    /** The routes a label at {@code l} looks at to {@code to}: all worth taking, or in a quick search the shortest alone where it fits. */
    private LegOption[] legOptions(Label l, int to) {
        if (s.quick) {
            LegOption shortest = s.shortestOption(l.sw, to);
            if (shortest == null) {
                return NO_OPTIONS;
            }
            if (addTight(l.tight, shortest.tight()) != OVERFLOW) {
                return new LegOption[]{shortest};
            }
        }
        return costs.perLink() != null ? s.allOptions(l.sw, to) : s.options(l.sw, to);
    }

    /** Depth-first from the most promising open labels, children best first, until some chain is found. */
    private void dive(PriorityQueue<Label> open) {
        long[] nodes = {0};
        while (best == null && !open.isEmpty() && nodes[0] < DIVE_NODES) {
            Label l = open.poll();
            if (!l.dead) {
                dive(l, nodes);
            }
        }
    }

    private void dive(Label l, long[] nodes) {
        if (++nodes[0] > DIVE_NODES || best != null) {
            return;
        }
        List<Label> children = l.leg == null && l.prev != null ? routes(l) : children(l);
        children.sort((x, y) -> Double.compare(x.f, y.f));
        for (Label c : children) {
            dive(c, nodes);
            if (best != null) {
                return;
            }
        }
    }

    /** The offers to remember after hop {@code hop} took offer {@code no}: those a later hop could still use. */
    private int[] used(int[] before, int hop, int no) {
        int[] out = new int[before.length + 1];
        int count = 0;
        boolean added = false;
        for (int u : before) {
            if (!added && no < u && s.lastLayer[no] > hop) {
                out[count++] = no;
                added = true;
            }
            if (s.lastLayer[u] > hop) {
                out[count++] = u;
            }
        }
        if (!added && s.lastLayer[no] > hop) {
            out[count++] = no;
        }
        return count == 0 ? NONE : Arrays.copyOf(out, count);
    }

    private static boolean contains(int[] sorted, int x) {
        return sorted != null && Arrays.binarySearch(sorted, x) >= 0;
    }

    private int[] addTight(int[] so, int[] leg) {
        if (leg.length == 0) {
            return so;
        }
        int[] out = so.clone();
        for (int t : leg) {
            if (++out[t] > s.tightCapacity[t]) {
                return OVERFLOW;
            }
        }
        return out;
    }

    private boolean dominated(List<Label> front, Label label) {
        for (Label l : front) {
            if (dominates(l, label)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code a} is at least as good as {@code b} in everything the rest of the chain depends on: cost, latency
     * and price (each only where a bound limits it), the tight links' crossings and the offers used.
     */
    private boolean dominates(Label a, Label b) {
        if (a.cost > b.cost || latencyBound && a.latency > b.latency || priceBound && a.price > b.price) {
            return false;
        }
        for (int u : a.used) {
            if (!contains(b.used, u)) {
                return false;
            }
        }
        if (a.tight != null) {
            for (int i = 0; i < a.tight.length; i++) {
                if (a.tight[i] > b.tight[i]) {
                    return false;
                }
            }
        }
        return true;
    }

    private Found found(Label last) {
        int[] choice = new int[s.hops];
        Leg[] legs = new Leg[s.hops + 1];
        int i = s.hops;
        for (Label l = last; l.prev != null; l = l.prev, i--) {
            legs[i] = l.leg;
            if (i > 0) {
                choice[i - 1] = l.prev.candidate;
            }
        }
        return new Found(choice, legs, last.latency, last.price, last.cost);
    }
}
