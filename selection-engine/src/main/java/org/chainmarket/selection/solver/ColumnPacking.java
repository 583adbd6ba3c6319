package org.chainmarket.selection.solver;

import org.chainmarket.selection.domain.ChainFact;
import org.chainmarket.selection.domain.HopAssignment;
import org.chainmarket.selection.domain.Leg;
import org.chainmarket.selection.domain.OfferFact;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The construction's step between serving more and lowering the cost: alternative whole-chain plans per chain
 * (<em>columns</em>), generated with the duals of the packing LP, then packed: rounded from the LP, as an integer
 * program, and with whole-chain moves.
 * <ol>
 * <li><b>Columns</b> (at most half of the step's CPU time). Each chain starts with the plan it has now and its alone
 * plan. Then, for each unserved chain, smallest footprint first: its fastest plan over the links as the present packing
 * leaves them (offers as in the snapshot) and over the offers as the packing leaves them (links as in the snapshot),
 * so that it needs only offers, or only link capacity, from served chains; and for each offer of its alone plan, its
 * fastest plan without that offer (at most {@link #MAX_COLUMNS} per chain so far). Then column generation
 * ({@link #ROUNDS} rounds): the packing LP over every chain's columns ({@link PackingLp#relaxation}) prices each chain
 * slot, offer and link kbps by its dual; each chain whose row leaves room is searched for its least plan at those prices
 * ({@link ChainPlacer#least}), which joins its columns when it would improve the LP (at most
 * {@link #MAX_PRICED_COLUMNS} per chain). Every column is searched on the snapshot's whole capacity (or less), so it
 * fits on its own; duplicates are dropped.</li>
 * <li><b>From the relaxation.</b> Chains in the order of the largest share the last LP takes of one of their columns,
 * each on its first column by share that fits; then the columns packed as an integer program (SCIP, from the best
 * packing so far, within half the CPU time left). Each is kept only when it serves more chains, or as many for
 * less.</li>
 * <li><b>Ejection with columns.</b> For each unserved chain and each of its columns, the served chains holding what the
 * column lacks ({@link SequentialInitializer.Batch#holders}, at most {@link SequentialInitializer#MAX_EJECT}) are taken
 * out, the chain goes in on that column, they go back on the first of their plan and columns that fits (else on their
 * fastest plan on what is left), and unserved chains near them take a column that fits. Kept only when more chains
 * are served; otherwise undone exactly.</li>
 * <li><b>Ruin and recreate over columns</b> (no search, so many rounds are cheap): a chain, unserved ones preferred,
 * and a few chains whose columns share an offer or link with its own are taken out and put back in a random order,
 * each on its first column that fits, the columns taken in the order they were found or (in half the rounds, at
 * random) cheapest first, which keeps the cost down; outcomes serving as many chains are kept too, and the best seen
 * (most served, then least cost) is kept at the end.</li>
 * </ol>
 * Reads the construction's {@link Placements} and alone plans; writes only through {@link Placements}, whose
 * {@link Residual} is the ledger: a plan is placed only where {@link Residual#fits} confirms it, so nothing is
 * overbooked, and the number of chains served never drops. Seeded, and bounded by rounds and passes as well as by CPU
 * time ({@link #budget}).
 */
final class ColumnPacking {
    /**
     * Batches of up to this many chains get {@link #FULL_BUDGET} times the construction's budget for this step, on top of
     * it; larger ones get less by the cube of their size (a quarter of the construction's at 500 chains), so the large
     * batches keep their time targets while the batches where packing pays most get the time it needs.
     */
    static final int FULL_BUDGET_CHAINS = 200;
    static final double FULL_BUDGET = 4.0;
    /**
     * Beyond this many chains the step is left out (budget 0): its share (a hundredth at 2,000 chains) is too small to
     * serve more, and only moves the packing the cost step starts from.
     */
    static final int MAX_CHAINS = 1_000;

    /** CPU time for this step, given the construction's budget and the batch's size; 0: leave the step out. */
    static long budget(long constructionNanos, int chains) {
        if (chains > MAX_CHAINS) {
            return 0;
        }
        double share = Math.min(1.0, (double) FULL_BUDGET_CHAINS / Math.max(1, chains));
        return (long) (constructionNanos * FULL_BUDGET * share * share * share);
    }

    /** Rounds of column generation. */
    static final int ROUNDS = 6;
    /** Columns per chain before column generation, its alone plan and present plan included. */
    static final int MAX_COLUMNS = 6;
    /** Columns per chain, those column generation adds included. */
    static final int MAX_PRICED_COLUMNS = 12;
    /** Wall-clock limit of the integer program (milliseconds), whatever the budget. */
    static final long MAX_PACKING_MILLIS = 2_000;
    private static final int PASSES = 3;
    /** Ruin and recreate: rounds per chain with columns, at most this many rounds in all, at most this many chains besides the seed. */
    private static final int RECREATE_ROUNDS_PER_CHAIN = 100;
    private static final int RECREATE_ROUNDS_MAX = 50_000;
    private static final int RECREATE_GROUP = 6;
    /** Penalty that keeps a plan off an offer unless the chain has no other (milliseconds of latency). */
    private static final double AVOID_MS = 1e6;

    private final SequentialInitializer.Batch b;
    private final Placements p;
    /** The snapshot's capacity, nothing placed: what every column must fit on its own. */
    private final Residual snapshot;
    private final Map<ChainFact, List<ChainPlacer.Plan>> columns = new LinkedHashMap<>();
    private final Map<ChainFact, Set<List<Integer>>> seen = new HashMap<>();
    /** The last packing LP solved and the columns it was solved over (null: none). */
    private PackingLp.Solution relaxation;
    private Lp relaxed;

    ColumnPacking(SequentialInitializer.Batch b) {
        this.b = b;
        this.p = b.p;
        this.snapshot = new Residual(p.solution);
        for (ChainFact c : b.order) {
            add(c, p.plan(c));
            add(c, b.alone.get(c));
        }
    }

    /** The columns of {@code chain} (its present plan, when served, and its alone plan first). */
    List<ChainPlacer.Plan> columns(ChainFact chain) {
        return columns.getOrDefault(chain, List.of());
    }

    /** Generates columns with at most half of {@code nanos} (CPU time), then packs them within the rest. */
    void run(long nanos) {
        CpuBudget all = CpuBudget.of(nanos);
        generate(CpuBudget.of(nanos / 2));
        fromRelaxation();
        integerPacking(all);
        pack(all);
        recreate(all);
    }

    private boolean add(ChainFact chain, ChainPlacer.Plan plan) {
        return add(chain, plan, MAX_COLUMNS);
    }

    private boolean add(ChainFact chain, ChainPlacer.Plan plan, int max) {
        if (plan == null) {
            return false;
        }
        List<ChainPlacer.Plan> list = columns.computeIfAbsent(chain, k -> new ArrayList<>());
        if (list.size() >= max || !seen.computeIfAbsent(chain, k -> new HashSet<>()).add(key(plan))) {
            return false;
        }
        list.add(plan);
        return true;
    }

    /** A plan's offers and links, in order: two plans with equal keys are the same plan. */
    private static List<Integer> key(ChainPlacer.Plan plan) {
        List<Integer> key = new ArrayList<>();
        for (OfferFact o : plan.offers()) {
            key.add(o.id());
        }
        for (Leg leg : plan.legs()) {
            key.add(-1);
            for (int l : leg.linkIndices()) {
                key.add(l);
            }
        }
        return key;
    }

    /**
     * Columns for the unserved chains (around the present packing, each offer of the alone plan left out in turn),
     * then {@link #ROUNDS} rounds of column generation priced by the packing LP's duals.
     */
    void generate(CpuBudget budget) {
        List<ChainFact> unserved = new ArrayList<>();
        for (ChainFact c : b.order) {
            if (p.plan(c) == null) {
                unserved.add(c);
            }
        }
        if (unserved.isEmpty()) {
            return; // every chain that can be served is served
        }
        around(unserved, budget);
        avoidEachOffer(unserved, budget);
        if (PackingLp.available()) {
            priceByDuals(budget);
        }
    }

    /**
     * Column generation: the packing LP over the columns so far ({@link PackingLp#relaxation}); each chain whose row
     * leaves room is searched for its least plan at the LP's prices on offer slots, offer and link bandwidth
     * ({@link ChainPlacer#least}, quick, a batch placement's label budget); a plan that would improve the relaxation
     * becomes a column (up to {@link #MAX_PRICED_COLUMNS} per chain). Until no plan pays, the rounds are used or the
     * budget is. The last relaxation is kept for {@link #fromRelaxation}.
     */
    private void priceByDuals(CpuBudget budget) {
        for (int round = 0; round < ROUNDS && !budget.over(); round++) {
            Lp lp = new Lp();
            relaxation = PackingLp.relaxation(lp.columns, b.order.size(), lp.capacity);
            if (relaxation == null) {
                return;
            }
            relaxed = lp;
            boolean added = false;
            for (int i = 0; i < b.order.size() && !budget.over(); i++) {
                if (relaxation.chainDual()[i] >= 1 - 1e-7) {
                    continue; // a plan would have to cost less than nothing
                }
                ChainFact c = b.order.get(i);
                ChainPlacer.Least least = ChainPlacer.least(c, p.byChain.get(c), p.solution.getPaths(), snapshot,
                        relaxation.perSlot(), relaxation.perKbps(), relaxation.perLinkKbps(), ChainPlacer.labelBudget(b.order.size()), true);
                ChainPlacer.Plan plan = least.plan();
                if (plan != null && relaxation.pays(column(i, c, plan)) && snapshot.fits(c, plan)) {
                    added |= add(c, plan, MAX_PRICED_COLUMNS);
                }
            }
            if (!added) {
                return;
            }
        }
    }

    /** The columns as the packing LP numbers them: chain i is {@code b.order}'s i-th; the snapshot's capacity. */
    private final class Lp {
        final List<PackingLp.Column> columns = new ArrayList<>();
        final List<ChainFact> chainOf = new ArrayList<>();
        final List<ChainPlacer.Plan> planOf = new ArrayList<>();
        final PackingLp.Capacity capacity = new PackingLp.Capacity(snapshot.freeChains, snapshot.freeKbps, snapshot.linkKbps);

        Lp() {
            for (int i = 0; i < b.order.size(); i++) {
                ChainFact c = b.order.get(i);
                for (ChainPlacer.Plan plan : columns(c)) {
                    columns.add(column(i, c, plan));
                    chainOf.add(c);
                    planOf.add(plan);
                }
            }
        }
    }

    private static PackingLp.Column column(int index, ChainFact chain, ChainPlacer.Plan plan) {
        return new PackingLp.Column(index, plan.offerIds(), plan.links(), chain.bandwidthKbps(), plan.cost());
    }

    /**
     * A packing rounded from the last relaxation: chains in the order of the largest share it takes of one of their
     * columns, each on the first of its columns (by share) that fits what is left. Kept when it serves more chains
     * (or as many for less).
     */
    void fromRelaxation() {
        if (relaxation == null) {
            return;
        }
        Map<ChainFact, Double> most = new HashMap<>();
        Map<ChainFact, List<Integer>> byShare = new LinkedHashMap<>();
        for (int k = 0; k < relaxed.columns.size(); k++) {
            ChainFact c = relaxed.chainOf.get(k);
            most.merge(c, relaxation.taken()[k], Math::max);
            byShare.computeIfAbsent(c, x -> new ArrayList<>()).add(k);
        }
        byShare.values().forEach(ks -> ks.sort(Comparator.comparingDouble((Integer k) -> -relaxation.taken()[k])));
        List<ChainFact> chains = new ArrayList<>(byShare.keySet());
        chains.sort(Comparator.comparingDouble((ChainFact c) -> -most.get(c)));
        Map<ChainFact, ChainPlacer.Plan> before = p.plans();
        int served = p.served();
        double cost = p.cost();
        p.clear();
        for (ChainFact c : chains) {
            for (int k : byShare.get(c)) {
                ChainPlacer.Plan plan = relaxed.planOf.get(k);
                if (p.residual.fits(c, plan)) {
                    p.restore(c, plan);
                    break;
                }
            }
        }
        if (!p.betterThan(served, cost)) {
            p.reset(before);
        }
    }

    /**
     * The columns of the last relaxation packed as an integer program ({@link PackingLp#packing}, SCIP) from the present
     * packing, within half the CPU time left (as wall-clock time); kept when it serves more chains (or as many for less).
     */
    void integerPacking(CpuBudget budget) {
        if (relaxed == null || budget.over()) {
            return;
        }
        boolean[] from = new boolean[relaxed.columns.size()];
        for (int k = 0; k < from.length; k++) {
            from[k] = p.plan(relaxed.chainOf.get(k)) == relaxed.planOf.get(k);
        }
        PackingLp.Solution ip = PackingLp.packing(relaxed.columns, b.order.size(), relaxed.capacity,
                Math.min(MAX_PACKING_MILLIS, budget.left() / 2_000_000), from);
        if (ip == null) {
            return;
        }
        Map<ChainFact, ChainPlacer.Plan> before = p.plans();
        int served = p.served();
        double cost = p.cost();
        p.clear();
        for (int k = 0; k < from.length; k++) {
            ChainFact c = relaxed.chainOf.get(k);
            if (ip.taken()[k] > 0.5 && p.plan(c) == null && p.residual.fits(c, relaxed.planOf.get(k))) {
                p.restore(c, relaxed.planOf.get(k));
            }
        }
        if (!p.betterThan(served, cost)) {
            p.reset(before);
        }
    }

    private ChainPlacer.Plan price(ChainFact c, double[] offerPrice, double[] freeMbps) {
        return ChainPlacer.priced(c, p.byChain.get(c), p.solution.getPaths(), snapshot, p.byChain.size(), offerPrice, freeMbps);
    }

    /**
     * For each unserved chain, the fastest plan over the links as the present packing leaves them (offers as in the
     * snapshot), and the one over the offers as the packing leaves them (links as in the snapshot): plans that need only
     * offers, or only link capacity, from the served chains, so that ejecting a few of them can make room.
     */
    private void around(List<ChainFact> unserved, CpuBudget budget) {
        for (ChainFact c : unserved) {
            if (budget.over()) {
                return;
            }
            List<HopAssignment> hops = p.byChain.get(c);
            ChainPlacer.Plan linksAsNow = ChainPlacer.priced(c, hops, p.solution.getPaths(), snapshot, p.byChain.size(), null,
                    p.residual.freeMbps());
            ChainPlacer.Plan offersAsNow = ChainPlacer.priced(c, hops, p.solution.getPaths(), p.residual, p.byChain.size(), null,
                    snapshot.freeMbps());
            for (ChainPlacer.Plan plan : new ChainPlacer.Plan[]{linksAsNow, offersAsNow}) {
                if (plan != null && snapshot.fits(c, plan)) {
                    add(c, plan);
                }
            }
        }
    }

    /**
     * For each hop of an unserved chain's alone plan, the fastest plan that does not use that hop's offer (where
     * another exists): columns that leave out one offer the chain's first choice contests.
     */
    private void avoidEachOffer(List<ChainFact> unserved, CpuBudget budget) {
        double[] penalty = new double[snapshot.freeKbps.length];
        for (ChainFact c : unserved) {
            ChainPlacer.Plan alone = b.alone.get(c);
            for (OfferFact o : alone.offers()) {
                if (budget.over()) {
                    return;
                }
                if (columns(c).size() >= MAX_COLUMNS) {
                    break;
                }
                penalty[o.id()] = AVOID_MS;
                ChainPlacer.Plan plan = price(c, penalty, snapshot.freeMbps());
                penalty[o.id()] = 0;
                if (plan != null && snapshot.fits(c, plan) && Arrays.stream(plan.offers()).noneMatch(x -> x == o)) {
                    add(c, plan);
                }
            }
        }
    }

    /** Packing passes over the unserved chains, smallest footprint first, until one serves none more. */
    void pack(CpuBudget budget) {
        boolean improved = true;
        for (int pass = 0; improved && pass < PASSES && !budget.over(); pass++) {
            improved = false;
            for (ChainFact u : b.order) {
                if (budget.over()) {
                    return;
                }
                if (p.plan(u) == null) {
                    improved |= serve(u, budget);
                }
            }
        }
    }

    /**
     * Tries each column of the unserved chain {@code u}: ejects the holders of what it lacks, places {@code u} on it,
     * re-places them from their columns and tries nearby unserved chains; keeps the first that serves more chains.
     */
    boolean serve(ChainFact u, CpuBudget budget) {
        for (ChainPlacer.Plan column : columns(u)) {
            if (budget.over()) {
                return false;
            }
            List<ChainFact> holders = b.holders(u, column);
            if (holders == null) {
                continue;
            }
            int served = p.served();
            Map<ChainFact, ChainPlacer.Plan> before = new LinkedHashMap<>();
            for (ChainFact h : holders) {
                before.put(h, p.remove(h));
            }
            before.put(u, null);
            if (!p.residual.fits(u, column)) {
                b.undo(before);
                continue;
            }
            p.restore(u, column);
            for (ChainFact h : holders) {
                if (!placeFromColumns(h, before.get(h))) {
                    p.insertFastest(h, null);
                }
            }
            for (ChainFact v : b.nearby(u, holders, before)) {
                before.putIfAbsent(v, null);
                placeFromColumns(v, null);
            }
            if (p.served() > served) {
                return true;
            }
            b.undo(before);
        }
        return false;
    }


    /**
     * Ruin and recreate over columns only (no search, so thousands of rounds are cheap): a random chain, unserved ones
     * preferred, and a few chains whose columns share an offer or link with its columns are taken out and put back in a
     * random order, each on the first of its columns that fits (in the order found, or in half the rounds cheapest
     * first). An outcome serving as many chains is kept too (the walk moves across equal packings), the best seen (most
     * served, then least cost) is restored at the end.
     */
    void recreate(CpuBudget budget) {
        List<ChainFact> chains = new ArrayList<>(columns.keySet());
        if (chains.size() < 2) {
            return;
        }
        Map<ChainFact, List<ChainPlacer.Plan>> cheapestFirst = new HashMap<>();
        for (ChainFact c : chains) {
            List<ChainPlacer.Plan> sorted = new ArrayList<>(columns(c));
            sorted.sort(java.util.Comparator.comparingDouble(ChainPlacer.Plan::cost));
            cheapestFirst.put(c, sorted);
        }
        Map<Integer, List<ChainFact>> byOffer = new HashMap<>();
        Map<Integer, List<ChainFact>> byLink = new HashMap<>();
        for (ChainFact c : chains) {
            Set<Integer> offers = new HashSet<>();
            Set<Integer> links = new HashSet<>();
            for (ChainPlacer.Plan plan : columns(c)) {
                for (OfferFact o : plan.offers()) {
                    offers.add(o.id());
                }
                for (Leg leg : plan.legs()) {
                    for (int l : leg.linkIndices()) {
                        links.add(l);
                    }
                }
            }
            offers.forEach(o -> byOffer.computeIfAbsent(o, k -> new ArrayList<>()).add(c));
            links.forEach(l -> byLink.computeIfAbsent(l, k -> new ArrayList<>()).add(c));
        }
        java.util.Random rnd = new java.util.Random(42);
        Map<ChainFact, ChainPlacer.Plan> best = p.plans();
        int bestServed = p.served();
        double bestCost = p.cost();
        int maxRounds = Math.min(RECREATE_ROUNDS_MAX, RECREATE_ROUNDS_PER_CHAIN * chains.size());
        for (int round = 0; round < maxRounds && !budget.over(); round++) {
            List<ChainFact> unserved = new ArrayList<>();
            ChainFact seed = chains.get(rnd.nextInt(chains.size()));
            if (rnd.nextBoolean()) {
                for (ChainFact c : chains) {
                    if (p.plan(c) == null) {
                        unserved.add(c);
                    }
                }
                if (!unserved.isEmpty()) {
                    seed = unserved.get(rnd.nextInt(unserved.size()));
                }
            }
            Set<ChainFact> near = new java.util.LinkedHashSet<>();
            for (ChainPlacer.Plan plan : columns(seed)) {
                for (OfferFact o : plan.offers()) {
                    near.addAll(byOffer.getOrDefault(o.id(), List.of()));
                }
                for (Leg leg : plan.legs()) {
                    for (int l : leg.linkIndices()) {
                        near.addAll(byLink.getOrDefault(l, List.of()));
                    }
                }
            }
            near.remove(seed);
            List<ChainFact> others = new ArrayList<>(near);
            java.util.Collections.shuffle(others, rnd);
            List<ChainFact> group = new ArrayList<>();
            group.add(seed);
            group.addAll(others.subList(0, Math.min(others.size(), 1 + rnd.nextInt(RECREATE_GROUP))));
            int served = p.served();
            Map<ChainFact, ChainPlacer.Plan> before = new LinkedHashMap<>();
            for (ChainFact c : group) {
                before.put(c, p.remove(c));
            }
            java.util.Collections.shuffle(group, rnd);
            boolean cheap = rnd.nextBoolean(); // columns in the order found (fewest contested first), or cheapest first
            for (ChainFact c : group) {
                if (cheap) {
                    for (ChainPlacer.Plan column : cheapestFirst.get(c)) {
                        if (p.residual.fits(c, column)) {
                            p.restore(c, column);
                            break;
                        }
                    }
                } else {
                    placeFromColumns(c, null);
                }
            }
            if (p.served() < served) {
                b.undo(before);
            } else if (p.betterThan(bestServed, bestCost)) {
                best = p.plans();
                bestServed = p.served();
                bestCost = p.cost();
            }
        }
        p.reset(best);
    }

    /** Places {@code chain} on {@code first} or else the first of its columns that fits what is left; false when none fits. */
    private boolean placeFromColumns(ChainFact chain, ChainPlacer.Plan first) {
        if (first != null && p.residual.fits(chain, first)) {
            p.restore(chain, first);
            return true;
        }
        for (ChainPlacer.Plan column : columns(chain)) {
            if (p.residual.fits(chain, column)) {
                p.restore(chain, column);
                return true;
            }
        }
        return false;
    }
}
