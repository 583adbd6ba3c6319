package org.chainmarket.selection.solver;

import org.chainmarket.selection.domain.ChainFact;
import org.chainmarket.selection.domain.Leg;
import org.chainmarket.selection.domain.OfferFact;
import org.chainmarket.selection.domain.SelectionSolution;
import org.optaplanner.core.api.score.director.ScoreDirector;
import org.optaplanner.core.impl.phase.custom.CustomPhaseCommand;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The construction phase, with moves that take whole chains out and put them back ({@link ChainPlacer} places one
 * chain with the single-chain search on what the others left). Four steps, the last three within budgets of the
 * solving thread's CPU time ({@link CpuBudget}):
 * <ol>
 * <li><b>Construct.</b> Each chain's fastest plan alone on the snapshot's capacity (its <em>alone plan</em>: the least
 * latency within its bounds, which takes the fewest links; a chain with none cannot be served in any batch, and the
 * search proves it). Chains go in by <em>footprint</em>, smallest first: the share of each offer's and link's free
 * capacity their alone plan takes, summed, so the chains that leave most room for the others come first (with scarce
 * offers and tight links, serving many chains is packing). A chain takes its alone plan when that still fits, and
 * otherwise its fastest plan on what is left. For small batches the widest-first order is tried too; the order
 * serving more chains (or as many for less) is kept.</li>
 * <li><b>Serve more</b> (ejection): for each unserved chain, the served chains that hold the offers and links its alone
 * plan lacks, at most {@link #MAX_EJECT} of them, are taken out; the chain goes in, they go back (on their plan when it
 * still fits, else on their fastest on what is left), then a few unserved chains whose alone plans use what they held
 * (nearby chains) are tried too. Kept when more chains are served, or as many for less; otherwise undone.</li>
 * <li><b>Pack columns</b> (optional, on by default, with a budget of its own: {@link ColumnPacking#budget}): a few
 * alternative whole-chain plans per chain that avoid what the batch contests, packed with ejections and ruin and
 * recreate; kept when more chains are served (ruin and recreate: or as many for less; {@link ColumnPacking}).</li>
 * <li><b>Lower the cost</b>: re-insert each chain at its best (least cost) given all others, and for small batches
 * each pair of chains in both orders (two chains competing for one cheap offer), ejection of one or two chains holding
 * offers an unserved chain could use, and ruin and recreate: take out a few chains that share offers and put them back
 * in a random order; kept when no chain is lost and the cost drops.</li>
 * </ol>
 * A chain that fits nowhere stays unserved. Only the result is written to the working solution. Every step is bounded
 * by passes as well as by time, so with an unlimited budget the result does not depend on the machine's speed.
 */
public class SequentialInitializer implements CustomPhaseCommand<SelectionSolution> {
    private static final int PAIR_PASS_MAX_CHAINS = 40;
    /** Served chains one ejection may take out to serve an unserved one. */
    static final int MAX_EJECT = 3;
    /** Unserved chains near the ejected ones an ejection tries to serve as well. */
    static final int NEARBY = 4;
    private static final int EJECTION_PASSES = 5;

    private final long budgetNanos;
    private final boolean columnPacking;

    public SequentialInitializer(long budgetNanos) {
        this(budgetNanos, true);
    }

    /** With {@code columnPacking} false, the step between serving more and lowering the cost ({@link ColumnPacking}) is left out. */
    public SequentialInitializer(long budgetNanos, boolean columnPacking) {
        this.budgetNanos = budgetNanos;
        this.columnPacking = columnPacking;
    }

    @Override
    public void changeWorkingSolution(ScoreDirector<SelectionSolution> scoreDirector) {
        Placements p = new Placements(scoreDirector.getWorkingSolution());
        plan(p, budgetNanos, columnPacking);
        p.write(scoreDirector);
    }

    /**
     * Runs the steps on {@code p}: construction in full, then a third of {@code budgetNanos} (CPU time) for serving more
     * and the rest for lowering the cost; with {@code columnPacking}, packing alternative plans comes in between, with
     * a budget of its own on top ({@link ColumnPacking#budget}).
     */
    static void plan(Placements p, long budgetNanos, boolean columnPacking) {
        Batch b = new Batch(p);
        b.construct();
        long serveMore = budgetNanos / 3;
        b.serveMore(CpuBudget.of(serveMore));
        long columns = ColumnPacking.budget(budgetNanos, p.byChain.size());
        if (columnPacking && columns > 0) {
            new ColumnPacking(b).run(columns);
        }
        lowerCost(p, b.order, CpuBudget.of(budgetNanos - serveMore));
    }

    /** What the construction knows of every chain: its alone plan and footprint, and which chains could use what. */
    static final class Batch {
        final Placements p;
        final Map<ChainFact, ChainPlacer.Plan> alone = new HashMap<>();
        final Map<ChainFact, Double> footprint = new HashMap<>();
        /** Chains with an alone plan, smallest footprint first. */
        final List<ChainFact> order = new ArrayList<>();
        /** Per offer id and per link index, the chains whose alone plans use it. */
        final Map<Integer, List<ChainFact>> byOffer = new HashMap<>();
        final Map<Integer, List<ChainFact>> byLink = new HashMap<>();

        Batch(Placements p) {
            this.p = p;
            p.clear();
            for (ChainFact c : p.chains()) {
                ChainPlacer.Attempt attempt = p.fastest(c, false);
                ChainPlacer.Plan plan = attempt.plan();
                if (plan == null) {
                    if (attempt.complete()) {
                        p.solution.getServableAlone().addInfeasible(c);
                    }
                    continue;
                }
                alone.put(c, plan);
                footprint.put(c, footprint(c, plan, p.residual));
                order.add(c);
                for (OfferFact o : plan.offers()) {
                    byOffer.computeIfAbsent(o.id(), k -> new ArrayList<>()).add(c);
                }
                for (Leg leg : plan.legs()) {
                    for (int l : leg.linkIndices()) {
                        List<ChainFact> users = byLink.computeIfAbsent(l, k -> new ArrayList<>());
                        if (users.isEmpty() || users.get(users.size() - 1) != c) {
                            users.add(c);
                        }
                    }
                }
            }
            order.sort(Comparator.comparingDouble((ChainFact c) -> footprint.get(c)).thenComparingInt(ChainFact::id));
            order.forEach(p.solution.getServableAlone()::add);
            p.solution.getServableAlone().complete();
        }

        /** Chains that can be served at all (they have an alone plan). */
        boolean servable(ChainFact c) {
            return alone.containsKey(c);
        }

        /** Share of the free capacity of each offer (bandwidth or slot, the larger) and link a plan takes, summed. */
        static double footprint(ChainFact c, ChainPlacer.Plan plan, Residual free) {
            double kbps = c.bandwidthKbps();
            double f = 0;
            for (OfferFact o : plan.offers()) {
                f += Math.max(kbps / Math.max(1, free.freeKbps[o.id()]), 1.0 / Math.max(1, free.freeChains[o.id()]));
            }
            for (Leg leg : plan.legs()) {
                for (int l : leg.linkIndices()) {
                    f += kbps / Math.max(1, free.linkKbps[l]);
                }
            }
            return f;
        }

        /** Places the chains by footprint (and, for small batches, widest first), keeping the better outcome. */
        void construct() {
            fill(order);
            if (order.size() <= PAIR_PASS_MAX_CHAINS) {
                Map<ChainFact, ChainPlacer.Plan> byFootprint = p.plans();
                int served = p.served();
                double cost = p.cost();
                List<ChainFact> widest = new ArrayList<>(order);
                widest.sort(Comparator.comparingLong(ChainFact::bandwidthKbps).reversed().thenComparingInt(ChainFact::id));
                fill(widest);
                if (!p.betterThan(served, cost)) {
                    p.reset(byFootprint);
                }
            }
        }

        private void fill(List<ChainFact> chains) {
            p.clear();
            for (ChainFact c : chains) {
                p.insertFastest(c, alone.get(c));
            }
        }

        /** Ejection passes over the unserved chains, smallest footprint first, until one serves none more. */
        void serveMore(CpuBudget budget) {
            boolean improved = true;
            for (int pass = 0; improved && pass < EJECTION_PASSES && !budget.over(); pass++) {
                improved = false;
                for (ChainFact u : order) {
                    if (budget.over()) {
                        break;
                    }
                    if (p.plan(u) == null) {
                        improved |= ejectFor(u);
                    }
                }
            }
        }

        /**
         * Takes out the served chains that hold what {@code u}'s alone plan lacks (at most {@link #MAX_EJECT}), places
         * {@code u}, puts them back and tries nearby unserved chains; keeps the result when more chains are served, or as
         * many for less. True when more are served.
         */
        boolean ejectFor(ChainFact u) {
            ChainPlacer.Plan want = alone.get(u);
            List<ChainFact> holders = holders(u, want);
            if (holders == null) {
                return false;
            }
            int served = p.served();
            double cost = p.cost();
            Map<ChainFact, ChainPlacer.Plan> before = new LinkedHashMap<>();
            for (ChainFact h : holders) {
                before.put(h, p.remove(h));
            }
            before.put(u, null);
            if (p.insertFastest(u, want) == null) {
                undo(before);
                return false;
            }
            for (ChainFact h : holders) {
                p.insertFastest(h, before.get(h));
            }
            for (ChainFact v : nearby(u, holders, before)) {
                before.putIfAbsent(v, null);
                p.insertFastest(v, alone.get(v));
            }
            if (p.betterThan(served, cost)) {
                return p.served() > served;
            }
            undo(before);
            return false;
        }

        /** Puts every chain of {@code before} back on the plan it had (null: unserved). */
        void undo(Map<ChainFact, ChainPlacer.Plan> before) {
            before.keySet().forEach(p::remove);
            before.forEach(p::restore);
        }

        /**
         * The served chains to take out so that {@code want} fits: for each offer and link it lacks, holders of that
         * resource (those holding most of what is lacking first, then the smallest footprint) until the shortfall is
         * covered. Null when more than {@link #MAX_EJECT} are needed; empty when it fits already.
         */
        List<ChainFact> holders(ChainFact u, ChainPlacer.Plan want) {
            Residual r = p.residual;
            long kbps = u.bandwidthKbps();
            Map<Integer, long[]> offerShort = new HashMap<>(); // offer id -> {kbit/s, slots} lacking
            for (OfferFact o : want.offers()) {
                long dk = kbps - r.freeKbps[o.id()];
                long ds = 1 - r.freeChains[o.id()];
                if (dk > 0 || ds > 0) {
                    offerShort.put(o.id(), new long[]{Math.max(0, dk), Math.max(0, ds)});
                }
            }
            Map<Integer, Long> need = new HashMap<>();
            for (Leg leg : want.legs()) {
                for (int l : leg.linkIndices()) {
                    need.merge(l, kbps, Long::sum);
                }
            }
            Map<Integer, long[]> linkShort = new HashMap<>(); // link -> {kbit/s lacking}
            need.forEach((l, k) -> {
                if (k > r.linkKbps[l]) {
                    linkShort.put(l, new long[]{k - r.linkKbps[l]});
                }
            });
            if (offerShort.isEmpty() && linkShort.isEmpty()) {
                return List.of();
            }
            Map<ChainFact, Integer> covers = new HashMap<>();
            for (Map.Entry<ChainFact, ChainPlacer.Plan> e : p.plans().entrySet()) {
                int n = 0;
                for (OfferFact o : e.getValue().offers()) {
                    n += offerShort.containsKey(o.id()) ? 1 : 0;
                }
                for (Leg leg : e.getValue().legs()) {
                    for (int l : leg.linkIndices()) {
                        n += linkShort.containsKey(l) ? 1 : 0;
                    }
                }
                if (n > 0) {
                    covers.put(e.getKey(), n);
                }
            }
            List<ChainFact> candidates = new ArrayList<>(covers.keySet());
            candidates.sort(Comparator.comparingInt((ChainFact c) -> -covers.get(c))
                    .thenComparingDouble(c -> footprint.getOrDefault(c, 0.0)).thenComparingInt(ChainFact::id));
            List<ChainFact> out = new ArrayList<>();
            for (ChainFact c : candidates) {
                if (offerShort.values().stream().allMatch(d -> d[0] <= 0 && d[1] <= 0)
                        && linkShort.values().stream().allMatch(d -> d[0] <= 0)) {
                    break;
                }
                ChainPlacer.Plan plan = p.plan(c);
                boolean useful = false;
                for (OfferFact o : plan.offers()) {
                    long[] d = offerShort.get(o.id());
                    if (d != null && (d[0] > 0 || d[1] > 0)) {
                        useful = true;
                        d[0] -= c.bandwidthKbps();
                        d[1] -= 1;
                    }
                }
                for (Leg leg : plan.legs()) {
                    for (int l : leg.linkIndices()) {
                        long[] d = linkShort.get(l);
                        if (d != null && d[0] > 0) {
                            useful = true;
                            d[0] -= c.bandwidthKbps();
                        }
                    }
                }
                if (useful) {
                    out.add(c);
                    if (out.size() > MAX_EJECT) {
                        return null;
                    }
                }
            }
            return out;
        }

        /** Unserved chains (not {@code u}) whose alone plans use an offer or link the ejected chains held, smallest footprint first. */
        List<ChainFact> nearby(ChainFact u, List<ChainFact> ejected, Map<ChainFact, ChainPlacer.Plan> before) {
            Set<ChainFact> near = new HashSet<>();
            for (ChainFact h : ejected) {
                ChainPlacer.Plan plan = before.get(h);
                for (OfferFact o : plan.offers()) {
                    near.addAll(byOffer.getOrDefault(o.id(), List.of()));
                }
                for (Leg leg : plan.legs()) {
                    for (int l : leg.linkIndices()) {
                        near.addAll(byLink.getOrDefault(l, List.of()));
                    }
                }
            }
            near.remove(u);
            List<ChainFact> out = new ArrayList<>();
            for (ChainFact c : near) {
                if (p.plan(c) == null) {
                    out.add(c);
                }
            }
            out.sort(Comparator.comparingDouble((ChainFact c) -> footprint.get(c)).thenComparingInt(ChainFact::id));
            return out.subList(0, Math.min(NEARBY, out.size()));
        }
    }

    /** Re-insertion passes, and for small batches pairs, ejection and ruin and recreate, within {@code budget}. */
    private static void lowerCost(Placements p, List<ChainFact> servable, CpuBudget budget) {
        List<ChainFact> chains = servable;
        boolean improved = true;
        for (int pass = 0; improved && pass < 5 && !budget.over(); pass++) {
            improved = false;
            for (ChainFact chain : chains) {
                if (budget.over()) {
                    break;
                }
                ChainPlacer.Plan before = p.remove(chain);
                ChainPlacer.Plan after = p.insert(chain);
                if (Placements.cost(after) < Placements.cost(before) - 1e-9) {
                    improved = true;
                } else if (after != before) {
                    p.remove(chain);
                    p.restore(chain, before);
                }
            }
            if (chains.size() <= PAIR_PASS_MAX_CHAINS) {
                for (int i = 0; i < chains.size(); i++) {
                    for (int j = i + 1; j < chains.size() && !budget.over(); j++) {
                        improved |= reinsert(p, List.of(chains.get(i), chains.get(j)), true);
                    }
                }
                improved |= eject(p, chains, budget);
            }
        }
        if (chains.size() <= PAIR_PASS_MAX_CHAINS) {
            ruinAndRecreate(p, chains, budget);
        }
    }

    /** For every unserved chain, ejects one or two chains holding offers it could use; true when something improved. */
    private static boolean eject(Placements p, List<ChainFact> chains, CpuBudget budget) {
        boolean improved = false;
        for (ChainFact u : chains) {
            if (p.plan(u) != null || budget.over()) {
                continue;
            }
            List<ChainFact> blockers = blockers(p, u, chains);
            boolean done = false;
            for (int i = 0; i < blockers.size() && !done && !budget.over(); i++) {
                done = reinsert(p, List.of(u, blockers.get(i)), false);
            }
            for (int i = 0; i < Math.min(blockers.size(), 6) && !done && !budget.over(); i++) {
                for (int j = i + 1; j < Math.min(blockers.size(), 6) && !done; j++) {
                    done = reinsert(p, List.of(u, blockers.get(i), blockers.get(j)), false);
                }
            }
            improved |= done;
        }
        return improved;
    }

    /** Served chains that use an offer {@code u} could use, fewest hops first. */
    private static List<ChainFact> blockers(Placements p, ChainFact u, List<ChainFact> chains) {
        Set<OfferFact> wanted = new HashSet<>();
        p.byChain.get(u).forEach(h -> wanted.addAll(h.getCandidates()));
        List<ChainFact> out = new ArrayList<>();
        for (ChainFact c : chains) {
            ChainPlacer.Plan plan = p.plan(c);
            if (c != u && plan != null) {
                for (OfferFact o : plan.offers()) {
                    if (wanted.contains(o)) {
                        out.add(c);
                        break;
                    }
                }
            }
        }
        out.sort(Comparator.comparingInt(ChainFact::length));
        return out;
    }

    /** Takes out a few chains sharing offers with a random one and puts them back in a random order, while time lasts. */
    private static void ruinAndRecreate(Placements p, List<ChainFact> chains, CpuBudget budget) {
        Random rnd = new Random(42);
        for (int round = 0; round < 20 * chains.size() && !budget.over() && chains.size() > 1; round++) {
            ChainFact seed = chains.get(rnd.nextInt(chains.size()));
            List<ChainFact> group = new ArrayList<>();
            group.add(seed);
            List<ChainFact> near = blockers(p, seed, chains);
            java.util.Collections.shuffle(near, rnd);
            group.addAll(near.subList(0, Math.min(near.size(), 1 + rnd.nextInt(3))));
            java.util.Collections.shuffle(group, rnd);
            reinsert(p, group, false);
        }
    }

    /**
     * Takes {@code group} out and puts it back in the given order (and, with {@code bothOrders} for a pair, the reverse);
     * keeps the best outcome when it serves more chains, or as many for less; otherwise restores. True when kept.
     */
    private static boolean reinsert(Placements p, List<ChainFact> group, boolean bothOrders) {
        List<ChainPlacer.Plan> before = new ArrayList<>();
        double beforeCost = 0;
        for (ChainFact c : group) {
            ChainPlacer.Plan plan = p.remove(c);
            before.add(plan);
            beforeCost += Placements.cost(plan);
        }
        List<List<ChainFact>> orders = new ArrayList<>();
        orders.add(group);
        if (bothOrders) {
            List<ChainFact> reversed = new ArrayList<>(group);
            java.util.Collections.reverse(reversed);
            orders.add(reversed);
        }
        List<ChainPlacer.Plan> best = null;
        double bestCost = beforeCost - 1e-9;
        for (List<ChainFact> order : orders) {
            double cost = 0;
            for (ChainFact c : order) {
                cost += Placements.cost(p.insert(c));
            }
            if (cost < bestCost) { // an unserved chain costs more than any served one: more served always wins
                bestCost = cost;
                best = new ArrayList<>();
                for (ChainFact c : group) {
                    best.add(p.plan(c));
                }
            }
            for (ChainFact c : order) {
                p.remove(c);
            }
        }
        List<ChainPlacer.Plan> keep = best == null ? before : best;
        for (int i = 0; i < group.size(); i++) {
            p.restore(group.get(i), keep.get(i));
        }
        return best != null;
    }
}
