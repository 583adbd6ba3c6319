package org.chainmarket.selection.exact;

import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.Objective;
import org.chainmarket.selection.OfferState;
import org.chainmarket.selection.network.MultiDomainNetwork;
import org.chainmarket.selection.network.NetLink;
import org.jgrapht.GraphPath;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The search behind {@link LayeredParetoSelector} for one chain: offers per hop ({@code layers}, each already fitting
 * the chain) and the paths usable at the chain's bandwidth ({@code paths}). A leg is routed along one of its
 * {@code kPaths} lowest-latency loopless usable paths, and the whole chain must fit every link: a link crossed by
 * several legs carries the chain's bandwidth once per crossing.
 * <p>
 * Only <em>tight</em> links can break that: usable links whose free bandwidth holds fewer crossings than the chain
 * has legs. Without tight links every leg simply takes its lowest-latency usable path, and alternatives are never
 * computed. With tight links a label also records how often it has crossed each of them, and a leg whose shortest
 * path crosses one also considers its alternatives (those that cross a set of tight links no shorter path already
 * improves on).
 * <p>
 * {@link #best} first solves the relaxation in which every leg takes its shortest path and the latency bound, budget
 * and tight links are ignored: a dynamic program with one label per switch and hop. If that chain happens to satisfy
 * them all it is optimal (over every routing, not only the k paths). Otherwise it runs the exact label search: labels
 * (latency, price, tight-link crossings) per switch and hop, pruned by dominance and by lower bounds on the latency
 * and price still to come. Both ignore the rule that one offer serves at most one hop of a chain (it can only bind
 * when a VNF type occurs twice); where the best chain breaks it, {@link #best} branches on which of the two hops may
 * not use that offer, best bound first, until the best chain keeps the rule.
 */
final class ChainSearch {
    private static final double EPS = 1e-9;
    private static final int[] NONE = new int[0];
    /** What {@link #addTight} returns when a tight link would carry more crossings than it holds. */
    private static final int[] OVERFLOW = new int[0];

    private final List<List<OfferState>> layers;
    private final MultiDomainNetwork.PathFinder paths;
    private final MultiDomainNetwork network;
    private final int kPaths;
    private final int ingress;
    private final int egress;
    private final int n;
    private final int[][] switchOf;
    private final double[][] price;
    private final double[][] processing;
    private final int[][] offerNo;
    /** Per hop, earlier hops of the same VNF type. */
    private final int[][] sameTypeBefore;
    /** Ordinal of each network link among the tight links, or -1; null when no link is tight. */
    private final int[] tightOrdinal;
    /** Per tight link, how many legs of the chain it holds. */
    private final int[] tightCapacity;
    private final double[] minProcessingAfter;
    private final double[] minPriceAfter;
    private final LegOption[][][] options;

    ChainSearch(MarketSnapshot market, ChainOrder order, List<List<OfferState>> layers, MultiDomainNetwork.PathFinder paths,
                int kPaths) {
        this.layers = layers;
        this.paths = paths;
        this.network = market.network();
        this.kPaths = kPaths;
        this.n = network.switchCount();
        this.ingress = network.switchIndex(order.ingress());
        this.egress = network.switchIndex(order.egress());
        int hops = layers.size();
        switchOf = new int[hops][];
        price = new double[hops][];
        processing = new double[hops][];
        offerNo = new int[hops][];
        Map<OfferId, Integer> numbers = new HashMap<>();
        for (int h = 0; h < hops; h++) {
            List<OfferState> layer = layers.get(h);
            switchOf[h] = new int[layer.size()];
            price[h] = new double[layer.size()];
            processing[h] = new double[layer.size()];
            offerNo[h] = new int[layer.size()];
            for (int c = 0; c < layer.size(); c++) {
                OfferState o = layer.get(c);
                switchOf[h][c] = network.switchIndex(o.switchId());
                price[h][c] = o.offer().priceFor(order.bandwidthMbps());
                processing[h][c] = o.processingLatencyMs();
                offerNo[h][c] = numbers.computeIfAbsent(o.offer().offerId(), id -> numbers.size());
            }
        }
        List<String> types = order.vnfTypes();
        sameTypeBefore = new int[hops][];
        for (int h = 0; h < hops; h++) {
            List<Integer> before = new ArrayList<>();
            for (int e = 0; e < h; e++) {
                if (types.get(e).equals(types.get(h))) {
                    before.add(e);
                }
            }
            sameTypeBefore[h] = before.stream().mapToInt(Integer::intValue).toArray();
        }
        minProcessingAfter = new double[hops + 1];
        minPriceAfter = new double[hops + 1];
        for (int h = hops - 1; h >= 0; h--) {
            minProcessingAfter[h] = minProcessingAfter[h + 1] + Arrays.stream(processing[h]).min().orElse(0);
            minPriceAfter[h] = minPriceAfter[h + 1] + Arrays.stream(price[h]).min().orElse(0);
        }
        int legs = hops + 1;
        int[] ordinal = new int[network.linkCount()];
        List<Integer> capacity = new ArrayList<>();
        for (int l = 0; l < network.linkCount(); l++) {
            ordinal[l] = -1;
            if (paths.usable(l)) {
                NetLink link = network.link(l);
                double free = link.bandwidthMbps() - market.linkUsageMbps().getOrDefault(link.key(), 0.0);
                long holds = (long) Math.floor((free + EPS) / order.bandwidthMbps());
                if (holds < legs) {
                    ordinal[l] = capacity.size();
                    capacity.add((int) holds);
                }
            }
        }
        tightOrdinal = capacity.isEmpty() ? null : ordinal;
        tightCapacity = capacity.stream().mapToInt(Integer::intValue).toArray();
        options = new LegOption[n][][];
    }

    /** What was found: one offer per hop, one path per leg, and the chain's latency (links + processing) and price. */
    record Found(List<OfferState> offers, List<GraphPath<String, NetLink>> legs, double latency, double price) {
    }

    /** A route for one leg: its latency, the tight links it crosses (ordinals), and its path (null = the shortest). */
    private record LegOption(int from, int to, double latency, int[] tight, GraphPath<String, NetLink> path) {
    }

    private static final class Label {
        final int hop;
        final int candidate;
        final int sw;
        final double latency;
        final double price;
        final int[] tight;
        final LegOption leg;
        final Label prev;

        Label(int hop, int candidate, int sw, double latency, double price, int[] tight, LegOption leg, Label prev) {
            this.hop = hop;
            this.candidate = candidate;
            this.sw = sw;
            this.latency = latency;
            this.price = price;
            this.tight = tight;
            this.leg = leg;
            this.prev = prev;
        }
    }

    /** The chain with the least {@code objective} within the bounds, or null when there is none. */
    Found best(Objective objective, double maxLatency, double maxPrice) {
        if (ingress < 0 || egress < 0) {
            return null;
        }
        // one offer per chain: solve without that rule; where the best chain uses an offer at two hops, branch on
        // which of them may not use it (best bound first). Each branch's value bounds its sub-branches from below.
        java.util.PriorityQueue<Branch> open = new java.util.PriorityQueue<>(java.util.Comparator.comparingDouble(Branch::bound));
        open.add(new Branch(new boolean[layers.size()][], 0));
        Label incumbent = null;
        double incumbentValue = Double.POSITIVE_INFINITY;
        while (!open.isEmpty()) {
            Branch branch = open.poll();
            if (branch.bound() >= incumbentValue) {
                break;
            }
            Label chain = solve(objective, maxLatency, maxPrice, branch.forbidden());
            if (chain == null) {
                continue;
            }
            double value = objective.of(chain.latency, chain.price);
            if (value >= incumbentValue) {
                continue;
            }
            Label[] twice = reuse(chain);
            if (twice == null) {
                incumbent = chain;
                incumbentValue = value;
                continue;
            }
            for (Label at : twice) {
                boolean[][] forbidden = branch.forbidden().clone();
                boolean[] hop = forbidden[at.hop] == null ? new boolean[switchOf[at.hop].length] : forbidden[at.hop].clone();
                hop[at.candidate] = true;
                forbidden[at.hop] = hop;
                open.add(new Branch(forbidden, value));
            }
        }
        return incumbent == null ? null : found(incumbent);
    }

    /** A subproblem: candidates forbidden per hop (null = none), and a lower bound of its value. */
    private record Branch(boolean[][] forbidden, double bound) {
    }

    /** The best chain ignoring the one-offer-per-chain rule, with some candidates forbidden; null when there is none. */
    private Label solve(Objective objective, double maxLatency, double maxPrice, boolean[][] forbidden) {
        Label relaxed = relaxed(objective, forbidden);
        if (relaxed == null) {
            return null; // not even the relaxation has a chain: some hop cannot be reached
        }
        if (relaxed.latency <= maxLatency && relaxed.price <= maxPrice && tightFits(relaxed)) {
            return relaxed;
        }
        return labelSearch(objective, maxLatency, maxPrice, forbidden);
    }

    private static boolean allowed(boolean[][] forbidden, int hop, int candidate) {
        return forbidden[hop] == null || !forbidden[hop][candidate];
    }

    // ---- relaxation: shortest legs, no bounds, one label per switch and hop

    private Label relaxed(Objective objective, boolean[][] forbidden) {
        double w = objective.latencyWeight();
        Label[] previous = new Label[n];
        double[] previousCost = new double[n];
        int[] previousSwitches = {ingress};
        previous[ingress] = new Label(-1, -1, ingress, 0, 0, null, null, null);
        for (int h = 0; h < layers.size(); h++) {
            Integer[] byCost = Arrays.stream(previousSwitches).boxed().toArray(Integer[]::new);
            double[] pc = previousCost;
            Arrays.sort(byCost, (x, y) -> Double.compare(pc[x], pc[y]));
            int[] from = new int[n];
            double[] intoCost = new double[n];
            boolean[] computed = new boolean[n];
            Label[] next = new Label[n];
            double[] nextCost = new double[n];
            int[] nextSwitches = new int[n];
            int count = 0;
            for (int c = 0; c < switchOf[h].length; c++) {
                if (!allowed(forbidden, h, c)) {
                    continue;
                }
                int sw = switchOf[h][c];
                if (!computed[sw]) {
                    computed[sw] = true;
                    intoCost[sw] = Double.POSITIVE_INFINITY;
                    from[sw] = -1;
                    for (int p : byCost) {
                        if (previousCost[p] >= intoCost[sw]) {
                            break; // legs cost >= 0 and predecessors come cheapest first
                        }
                        double cost = previousCost[p] + w * paths.latency(p, sw);
                        if (cost < intoCost[sw]) {
                            intoCost[sw] = cost;
                            from[sw] = p;
                        }
                    }
                }
                if (from[sw] < 0) {
                    continue;
                }
                double cost = intoCost[sw] + price[h][c] + w * processing[h][c];
                if (next[sw] == null || cost < nextCost[sw]) {
                    if (next[sw] == null) {
                        nextSwitches[count++] = sw;
                    }
                    Label l = previous[from[sw]];
                    next[sw] = new Label(h, c, sw, l.latency + paths.latency(from[sw], sw) + processing[h][c],
                            l.price + price[h][c], null, null, l);
                    nextCost[sw] = cost;
                }
            }
            if (count == 0) {
                return null;
            }
            previous = next;
            previousCost = nextCost;
            previousSwitches = Arrays.copyOf(nextSwitches, count);
        }
        Label best = null;
        double bestCost = Double.POSITIVE_INFINITY;
        for (int p : previousSwitches) {
            double d = paths.latency(p, egress);
            double cost = previousCost[p] + w * d;
            if (d < Double.POSITIVE_INFINITY && cost < bestCost) {
                Label l = previous[p];
                best = new Label(layers.size(), -1, egress, l.latency + d, l.price, null, null, l);
                bestCost = cost;
            }
        }
        return best;
    }

    /** Two labels of {@code last}'s chain at hops of the same type that use the same offer; null when there are none. */
    private Label[] reuse(Label last) {
        for (Label l = last; l != null; l = l.prev) {
            if (l.candidate < 0 || sameTypeBefore[l.hop].length == 0) {
                continue;
            }
            for (Label x = l.prev; x != null; x = x.prev) {
                if (x.candidate >= 0 && offerNo[x.hop][x.candidate] == offerNo[l.hop][l.candidate]) {
                    return new Label[]{x, l};
                }
            }
        }
        return null;
    }

    /** Whether the shortest legs of a relaxed chain fit every tight link together. */
    private boolean tightFits(Label last) {
        if (tightOrdinal == null) {
            return true;
        }
        int[] use = new int[tightCapacity.length];
        for (Label l = last; l.prev != null; l = l.prev) {
            for (int link : paths.linkIndices(l.prev.sw, l.sw)) {
                int t = tightOrdinal[link];
                if (t >= 0 && ++use[t] > tightCapacity[t]) {
                    return false;
                }
            }
        }
        return true;
    }

    // ---- exact label search

    private Label labelSearch(Objective objective, double maxLatency, double maxPrice, boolean[][] forbidden) {
        double[] toEgress = paths.latenciesFrom(egress); // undirected: distance to the egress from every switch
        List<Label> previous = List.of(new Label(-1, -1, ingress, 0, 0,
                tightOrdinal == null ? null : new int[tightCapacity.length], null, null));
        for (int h = 0; h < layers.size(); h++) {
            Map<Integer, List<Label>> bySwitch = new HashMap<>();
            for (Label l : previous) {
                bySwitch.computeIfAbsent(l.sw, s -> new ArrayList<>()).add(l);
            }
            List<Label>[] fronts = newFronts();
            List<Integer> touched = new ArrayList<>();
            double latencyAfter = minProcessingAfter[h + 1];
            double priceAfter = minPriceAfter[h + 1];
            for (int c = 0; c < switchOf[h].length; c++) {
                if (!allowed(forbidden, h, c)) {
                    continue;
                }
                int sw = switchOf[h][c];
                double hopPrice = price[h][c];
                double hopLatency = processing[h][c];
                double latencyBound = maxLatency + EPS - latencyAfter - toEgress[sw];
                for (Map.Entry<Integer, List<Label>> e : bySwitch.entrySet()) {
                    for (LegOption leg : options(e.getKey(), sw)) {
                        for (Label l : e.getValue()) {
                            double latency = l.latency + leg.latency + hopLatency;
                            double p = l.price + hopPrice;
                            if (latency > latencyBound || p + priceAfter > maxPrice + EPS) {
                                continue;
                            }
                            int[] tight = addTight(l.tight, leg.tight);
                            if (tight == OVERFLOW) {
                                continue;
                            }
                            if (fronts[sw] == null) {
                                fronts[sw] = new ArrayList<>(4);
                                touched.add(sw);
                            }
                            addIfNotDominated(fronts[sw], new Label(h, c, sw, latency, p, tight, leg, l));
                        }
                    }
                }
            }
            List<Label> next = new ArrayList<>();
            for (int sw : touched) {
                next.addAll(fronts[sw]);
            }
            if (next.isEmpty()) {
                return null;
            }
            previous = next;
        }
        Label best = null;
        double bestValue = Double.POSITIVE_INFINITY;
        for (Label l : previous) {
            for (LegOption leg : options(l.sw, egress)) {
                double latency = l.latency + leg.latency;
                double value = objective.of(latency, l.price);
                if (latency <= maxLatency && value < bestValue) {
                    int[] tight = addTight(l.tight, leg.tight);
                    if (tight != OVERFLOW) {
                        best = new Label(layers.size(), -1, egress, latency, l.price, tight, leg, l);
                        bestValue = value;
                    }
                }
            }
        }
        return best;
    }

    @SuppressWarnings("unchecked")
    private List<Label>[] newFronts() {
        return new List[n];
    }

    /**
     * Crossings so far ({@code so}, null when no link is tight) plus a leg's, or {@link #OVERFLOW} when a tight link
     * would carry more than it holds.
     */
    private int[] addTight(int[] so, int[] leg) {
        if (leg.length == 0) {
            return so;
        }
        int[] out = so.clone();
        for (int t : leg) {
            if (++out[t] > tightCapacity[t]) {
                return OVERFLOW;
            }
        }
        return out;
    }

    private static void addIfNotDominated(List<Label> front, Label label) {
        for (Label l : front) {
            if (dominates(l, label)) {
                return;
            }
        }
        front.removeIf(l -> dominates(label, l));
        front.add(label);
    }

    /** Whether {@code a} is at least as good as {@code b} in everything the rest of the chain depends on. */
    private static boolean dominates(Label a, Label b) {
        if (a.latency > b.latency || a.price > b.price) {
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

    /**
     * The routes worth considering for the leg from switch {@code a} to {@code b}: the shortest usable path, and when
     * it crosses a tight link, those of the next {@code kPaths - 1} shortest that cross a set of tight links not
     * containing the set of a shorter one (a longer path crossing more is never better). Empty when none exists.
     */
    private LegOption[] options(int a, int b) {
        LegOption[][] row = options[a];
        if (row == null) {
            row = new LegOption[n][];
            options[a] = row;
        }
        LegOption[] out = row[b];
        if (out != null) {
            return out;
        }
        double d = paths.latency(a, b);
        if (d == Double.POSITIVE_INFINITY) {
            out = new LegOption[0];
        } else if (tightOrdinal == null) {
            out = new LegOption[]{new LegOption(a, b, d, NONE, null)};
        } else {
            int[] shortestTight = tightOf(paths.linkIndices(a, b));
            List<LegOption> kept = new ArrayList<>();
            kept.add(new LegOption(a, b, d, shortestTight, null));
            if (shortestTight.length > 0 && kPaths > 1) {
                List<GraphPath<String, NetLink>> alternatives = paths.paths(network.switchId(a), network.switchId(b), kPaths);
                for (GraphPath<String, NetLink> p : alternatives.subList(1, alternatives.size())) {
                    int[] t = tightOf(p.getEdgeList().stream().mapToInt(network::linkIndex).toArray());
                    if (kept.stream().noneMatch(k -> containsAll(t, k.tight()))) {
                        kept.add(new LegOption(a, b, p.getWeight(), t, p));
                    }
                }
            }
            out = kept.toArray(new LegOption[0]);
        }
        row[b] = out;
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
            return NONE;
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

    private Found found(Label last) {
        List<OfferState> offers = new ArrayList<>();
        List<GraphPath<String, NetLink>> legs = new ArrayList<>();
        for (Label l = last; l.prev != null; l = l.prev) {
            if (l.candidate >= 0) {
                offers.add(0, layers.get(l.hop).get(l.candidate));
            }
            GraphPath<String, NetLink> p = l.leg != null && l.leg.path() != null ? l.leg.path() : paths.path(l.prev.sw, l.sw);
            legs.add(0, p);
        }
        return new Found(offers, legs, last.latency, last.price);
    }
}
