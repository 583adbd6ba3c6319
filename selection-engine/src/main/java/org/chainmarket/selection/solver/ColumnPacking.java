package org.chainmarket.selection.solver;

import org.chainmarket.selection.domain.ChainFact;
import org.chainmarket.selection.domain.Leg;
import org.chainmarket.selection.domain.OfferFact;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The construction's step between serving more and lowering the cost: a few alternative whole-chain plans per chain
 * (<em>columns</em>) priced away from the offers and links the batch contests, then packed with whole-chain moves.
 * <ol>
 * <li><b>Columns.</b> Each chain starts with its alone plan and the plan it has now. For a few rounds the plans the
 * chains want (a served chain its plan, an unserved one its last column) are summed per offer and per link against the
 * snapshot's free capacity; each resource keeps a multiplier (milliseconds of latency) that a subgradient step raises
 * while the resource is over-demanded and lowers while it is not. Chains that want a contested resource, unserved ones
 * first, are searched again ({@link ChainPlacer#priced}: the fastest plan with each offer dearer by its multiplier,
 * links with a positive multiplier left out) on the snapshot's whole capacity; each distinct plan found is kept, so
 * every column fits the snapshot on its own.</li>
 * <li><b>Packing.</b> For each unserved chain and each of its columns, the served chains holding what the column lacks
 * ({@link SequentialInitializer.Batch#holders}, at most {@link SequentialInitializer#MAX_EJECT}) are taken out, the
 * chain goes in on that column, they go back on the first of their own plan and columns that fits (else on their
 * fastest plan on what is left), and unserved chains near the ejected ones take a column that fits. Kept only when
 * more chains are served; otherwise undone exactly.</li>
 * </ol>
 * Reads the construction's {@link Placements} and alone plans; writes only through {@link Placements} (whose
 * {@link Residual} is the ledger: a plan is placed only where {@link Residual#fits} confirms it), so nothing is
 * overbooked and the number of chains served never drops. Bounded by rounds and passes as well as by CPU time.
 */
final class ColumnPacking {
    /** Share of the construction's budget this step may use (half of it at most for the columns). */
    static final double BUDGET_SHARE = 0.25;
    /** Pricing rounds. */
    static final int ROUNDS = 4;
    /** Columns kept per chain, its alone plan and present plan included. */
    static final int MAX_COLUMNS = 6;
    /** Subgradient step, milliseconds of latency per unit of over-demand (demand / capacity - 1). */
    static final double STEP_MS = 4.0;
    private static final int PASSES = 3;

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
        for (ChainFact c : b.order) {
            if (p.plan(c) != null) {
                unservedFirst.add(c);
            }
        }
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
                return;
            }
            for (ChainFact c : unservedFirst) {
                if (budget.over()) {
                    return;
                }
                if (!uses(want.get(c), contestedOffer, contestedLink)) {
                    continue;
                }
                ChainPlacer.Plan plan = ChainPlacer.priced(c, p.byChain.get(c), p.solution.getPaths(), snapshot, p.byChain.size(),
                        offerPrice, freeMbps);
                if (plan != null && snapshot.fits(c, plan)) {
                    add(c, plan);
                    want.put(c, plan);
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
