package org.chainmarket.selection.solver;

import org.chainmarket.selection.domain.ChainFact;
import org.chainmarket.selection.domain.HopAssignment;
import org.chainmarket.selection.domain.Leg;
import org.chainmarket.selection.domain.OfferFact;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The construction's step between serving more and lowering the cost: a few alternative whole-chain plans per chain
 * (<em>columns</em>) that avoid what the batch contests, then packed with whole-chain moves.
 * <ol>
 * <li><b>Columns</b> (at most half of the step's CPU time). Each chain starts with the plan it has now and its alone
 * plan. Then, for each unserved chain, smallest footprint first: its fastest plan over the links as the present packing
 * leaves them (offers as in the snapshot) and over the offers as the packing leaves them (links as in the snapshot),
 * so that it needs only offers, or only link capacity, from served chains; and for each offer of its alone plan, its
 * fastest plan without that offer. Then a few pricing rounds: the plans the chains want (a served chain its plan, an
 * unserved one its latest column) are summed per offer and link against the snapshot's free capacity; each resource
 * keeps a multiplier (milliseconds of latency) that a subgradient step raises while it is over-demanded and lowers
 * while it is not; the chains that want a contested resource, unserved ones first, are searched again
 * ({@link ChainPlacer#priced}: the fastest plan with each offer dearer by its multiplier, links with a positive
 * multiplier left out where a plan exists without them). Every column is searched on the snapshot's whole capacity
 * (or less), so it fits on its own; duplicates are dropped, at most {@link #MAX_COLUMNS} per chain.</li>
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
     * Batches of up to this many chains get as much CPU time for this step as the construction's budget, on top of it;
     * larger ones get less by the square of their size (a sixth at 500 chains), so the large batches keep their time
     * targets while the batches where packing pays most get the time it needs.
     */
    static final int FULL_BUDGET_CHAINS = 200;
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
        return (long) (constructionNanos * share * share);
    }

    /** Pricing rounds. */
    static final int ROUNDS = 4;
    /** Columns kept per chain, its alone plan and present plan included. */
    static final int MAX_COLUMNS = 6;
    /** Subgradient step, milliseconds of latency per unit of over-demand (demand / capacity - 1). */
    static final double STEP_MS = 4.0;
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
        pack(all);
        recreate(all);
    }

    private boolean add(ChainFact chain, ChainPlacer.Plan plan) {
        if (plan == null) {
            return false;
        }
        List<ChainPlacer.Plan> list = columns.computeIfAbsent(chain, k -> new ArrayList<>());
        if (list.size() >= MAX_COLUMNS || !seen.computeIfAbsent(chain, k -> new HashSet<>()).add(key(plan))) {
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

    /** Pricing rounds: multipliers by subgradient from the demand of the plans the chains want, then new columns. */
    void generate(CpuBudget budget) {
        double[] offerPrice = new double[snapshot.freeKbps.length];
        double[] linkPrice = new double[snapshot.linkKbps.length];
        Map<ChainFact, ChainPlacer.Plan> want = new LinkedHashMap<>();
        List<ChainFact> unservedFirst = new ArrayList<>();
        for (ChainFact c : b.order) {
            ChainPlacer.Plan now = p.plan(c);
            want.put(c, now != null ? now : b.alone.get(c));
            if (now == null) {
                unservedFirst.add(c);
            }
        }
        if (unservedFirst.isEmpty()) {
            return; // every chain that can be served is served
        }
        around(unservedFirst, budget);
        avoidEachOffer(new ArrayList<>(unservedFirst), budget);
        for (ChainFact c : b.order) {
            if (p.plan(c) != null) {
                unservedFirst.add(c);
            }
        }
        generateRounds(want, unservedFirst, offerPrice, linkPrice, budget);
    }

    private void generateRounds(Map<ChainFact, ChainPlacer.Plan> want, List<ChainFact> unservedFirst, double[] offerPrice,
                                double[] linkPrice, CpuBudget budget) {
        for (int round = 0; round < ROUNDS && !budget.over(); round++) {
            long[] offerKbps = new long[offerPrice.length];
            int[] offerChains = new int[offerPrice.length];
            long[] linkKbps = new long[linkPrice.length];
            want.forEach((c, plan) -> {
                for (OfferFact o : plan.offers()) {
                    offerKbps[o.id()] += c.bandwidthKbps();
                    offerChains[o.id()]++;
                }
                for (Leg leg : plan.legs()) {
                    for (int l : leg.linkIndices()) {
                        linkKbps[l] += c.bandwidthKbps();
                    }
                }
            });
            boolean[] contestedOffer = new boolean[offerPrice.length];
            boolean[] contestedLink = new boolean[linkPrice.length];
            boolean any = false;
            for (int o = 0; o < offerPrice.length; o++) {
                double ratio = Math.max((double) offerKbps[o] / Math.max(1, snapshot.freeKbps[o]),
                        (double) offerChains[o] / Math.max(1, snapshot.freeChains[o]));
                offerPrice[o] = Math.max(0, offerPrice[o] + STEP_MS * (ratio - 1));
                contestedOffer[o] = ratio > 1;
                any |= contestedOffer[o];
            }
            double[] freeMbps = snapshot.freeMbps().clone();
            for (int l = 0; l < linkPrice.length; l++) {
                double ratio = (double) linkKbps[l] / Math.max(1, snapshot.linkKbps[l]);
                linkPrice[l] = Math.max(0, linkPrice[l] + STEP_MS * (ratio - 1));
                contestedLink[l] = ratio > 1;
                any |= contestedLink[l];
                if (linkPrice[l] > 0) {
                    freeMbps[l] = 0;
                }
            }
            if (!any) {
                break;
            }
            for (ChainFact c : unservedFirst) {
                if (budget.over()) {
                    return;
                }
                if (!uses(want.get(c), contestedOffer, contestedLink)) {
                    continue;
                }
                ChainPlacer.Plan plan = price(c, offerPrice, freeMbps);
                if (plan == null) {
                    plan = price(c, offerPrice, snapshot.freeMbps()); // no plan avoids those links: offers priced only
                }
                if (plan != null && snapshot.fits(c, plan)) {
                    add(c, plan);
                    want.put(c, plan);
                }
            }
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

    private static boolean uses(ChainPlacer.Plan plan, boolean[] offers, boolean[] links) {
        for (OfferFact o : plan.offers()) {
            if (offers[o.id()]) {
                return true;
            }
        }
        for (Leg leg : plan.legs()) {
            for (int l : leg.linkIndices()) {
                if (links[l]) {
                    return true;
                }
            }
        }
        return false;
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
