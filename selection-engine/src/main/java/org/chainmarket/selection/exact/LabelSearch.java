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
 * still to come cannot fit the bounds, or when it cannot beat the best chain found. The first label taken from the
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
     * egress (one multi-source Dijkstra per layer), and price ({@code price[layer]}).
     */
    static final class Bounds {
        final double[][] cost;
        final double[][] latency;
        final double[] price;

        Bounds(ChainSearch s, Costs costs) {
            cost = backwards(s, costs);
            latency = backwards(s, Costs.FASTEST);
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
            out[s.hops] = s.finder.spread(start, costs.latency(), costs.crossing(), null);
            for (int h = s.hops - 1; h >= 0; h--) {
                double[] next = new double[n];
                Arrays.fill(next, Double.POSITIVE_INFINITY);
                for (Candidate c : s.layers.get(h)) {
                    next[c.sw()] = Math.min(next[c.sw()], out[h + 1][c.sw()] + costs.hop(c));
                }
                out[h] = s.finder.spread(next, costs.latency(), costs.crossing(), null);
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
        final Leg leg;
        final Label prev;
        boolean dead;

        Label(int layer, int candidate, int sw, double latency, double price, double cost, double f, int[] tight, Leg leg, Label prev) {
            this.layer = layer;
            this.candidate = candidate;
            this.sw = sw;
            this.latency = latency;
            this.price = price;
            this.cost = cost;
            this.f = f;
            this.tight = tight;
            this.leg = leg;
            this.prev = prev;
        }
    }

    private final ChainSearch s;
    private final Costs costs;
    private final Bounds bounds;
    private final double maxLatency;
    private final double maxPrice;
    private final boolean[][] forbidden;
    private final List<Map<Integer, List<Label>>> fronts = new ArrayList<>();
    private Found best;
    private long labels;

    LabelSearch(ChainSearch s, Costs costs, Bounds bounds, double maxLatency, double maxPrice, boolean[][] forbidden, Found start) {
        this.s = s;
        this.costs = costs;
        this.bounds = bounds;
        this.maxLatency = maxLatency + ChainSearch.EPS;
        this.maxPrice = maxPrice + ChainSearch.EPS;
        this.forbidden = forbidden;
        this.best = start;
        for (int h = 0; h <= s.hops; h++) {
            fronts.add(new HashMap<>());
        }
    }

    Outcome run() {
        PriorityQueue<Label> open = new PriorityQueue<>((x, y) -> Double.compare(x.f, y.f));
        int[] none = s.tightOrdinal == null ? null : new int[s.tightCapacity.length];
        open.add(new Label(0, -1, s.ingress, 0, 0, 0, bounds.cost[0][s.ingress], none, null, null));
        while (!open.isEmpty()) {
            Label l = open.peek();
            if (best != null && l.f >= best.cost() - ChainSearch.EPS) {
                return new Outcome(best, best.cost(), true, labels);
            }
            if (labels > s.labelBudget) {
                double bound = l.f;
                if (best == null) {
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

    /** Children of {@code l}, or completes the chain when {@code l} has served every hop; pushes them unless dominated. */
    private void expand(Label l, PriorityQueue<Label> open) {
        for (Label child : children(l)) {
            List<Label> front = fronts.get(child.layer).computeIfAbsent(child.sw, k -> new ArrayList<>(4));
            if (dominated(front, child)) {
                continue;
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
    }

    private List<Label> children(Label l) {
        List<Label> out = new ArrayList<>();
        if (l.layer == s.hops) {
            for (LegOption leg : s.options(l.sw, s.egress)) {
                double latency = l.latency + leg.leg().latencyMs();
                double cost = l.cost + costs.leg(leg.leg());
                if (latency <= maxLatency && (best == null || cost < best.cost()) && addTight(l.tight, leg.tight()) != OVERFLOW) {
                    best = found(new Label(s.hops + 1, -1, s.egress, latency, l.price, cost, cost, null, leg.leg(), l));
                }
            }
            return out;
        }
        int h = l.layer;
        List<Candidate> layer = s.layers.get(h);
        for (int c = 0; c < layer.size(); c++) {
            if (!ChainSearch.allowed(forbidden, h, c)) {
                continue;
            }
            Candidate cand = layer.get(c);
            double price = l.price + cand.price();
            if (price + bounds.price[h + 1] > maxPrice) {
                continue;
            }
            double latencyAfter = bounds.latency[h + 1][cand.sw()];
            double costAfter = bounds.cost[h + 1][cand.sw()];
            if (latencyAfter == Double.POSITIVE_INFINITY) {
                continue;
            }
            for (LegOption leg : s.options(l.sw, cand.sw())) {
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
                if (tight == OVERFLOW) {
                    continue;
                }
                out.add(new Label(h + 1, c, cand.sw(), latency, price, cost, f, tight, leg.leg(), l));
            }
        }
        return out;
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
        List<Label> children = children(l);
        children.sort((x, y) -> Double.compare(x.f, y.f));
        for (Label c : children) {
            dive(c, nodes);
            if (best != null) {
                return;
            }
        }
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

    private static boolean dominated(List<Label> front, Label label) {
        for (Label l : front) {
            if (dominates(l, label)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code a} is at least as good as {@code b} in everything the rest of the chain depends on. */
    private static boolean dominates(Label a, Label b) {
        if (a.latency > b.latency || a.price > b.price || a.cost > b.cost) {
            return false;
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
