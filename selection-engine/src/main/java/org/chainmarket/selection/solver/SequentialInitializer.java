package org.chainmarket.selection.solver;

import org.chainmarket.selection.domain.ChainFact;
import org.chainmarket.selection.domain.OfferFact;
import org.chainmarket.selection.domain.SelectionSolution;
import org.optaplanner.core.api.score.director.ScoreDirector;
import org.optaplanner.core.impl.phase.custom.CustomPhaseCommand;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The construction phase, with moves that take whole chains out and put them back ({@link ChainPlacer} places one
 * chain exactly on what the others left). First every chain (widest first) gets its best offers and routes; then,
 * while the time budget lasts:
 * <ul>
 * <li><b>re-insert</b> each chain at its best given all others (a chain moves once a better place frees up), and for
 * small batches each pair of chains in both orders (two chains competing for one cheap offer);</li>
 * <li><b>eject</b> for each unserved chain: take out one or two served chains that hold offers it could use, place
 * it, put them back; kept when more chains are served, or as many for less;</li>
 * <li><b>ruin and recreate</b>: take out a few chains that share offers and put them back in a random order; kept when
 * no chain is lost and the cost drops.</li>
 * </ul>
 * A chain that fits nowhere stays unserved. Only the result is written to the working solution.
 */
public class SequentialInitializer implements CustomPhaseCommand<SelectionSolution> {
    private static final int PAIR_PASS_MAX_CHAINS = 40;

    private final long budgetNanos;

    public SequentialInitializer(long budgetNanos) {
        this.budgetNanos = budgetNanos;
    }

    @Override
    public void changeWorkingSolution(ScoreDirector<SelectionSolution> scoreDirector) {
        long deadline = System.nanoTime() + budgetNanos;
        Placements p = new Placements(scoreDirector.getWorkingSolution());
        List<ChainFact> chains = p.chains();
        chains.sort(Comparator.comparingLong(ChainFact::bandwidthKbps).reversed().thenComparingInt(ChainFact::id));
        for (ChainFact chain : chains) {
            p.insert(chain);
        }
        boolean improved = true;
        for (int pass = 0; improved && pass < 5 && System.nanoTime() < deadline; pass++) {
            improved = false;
            for (ChainFact chain : chains) {
                if (System.nanoTime() > deadline) {
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
                    for (int j = i + 1; j < chains.size() && System.nanoTime() < deadline; j++) {
                        improved |= reinsert(p, List.of(chains.get(i), chains.get(j)), true);
                    }
                }
            }
            improved |= eject(p, chains, deadline);
        }
        ruinAndRecreate(p, chains, deadline);
        p.write(scoreDirector);
    }

    /** For every unserved chain, ejects one or two chains holding offers it could use; true when something improved. */
    private static boolean eject(Placements p, List<ChainFact> chains, long deadline) {
        boolean improved = false;
        for (ChainFact u : chains) {
            if (p.plan(u) != null || System.nanoTime() > deadline) {
                continue;
            }
            List<ChainFact> blockers = blockers(p, u, chains);
            boolean done = false;
            for (int i = 0; i < blockers.size() && !done && System.nanoTime() < deadline; i++) {
                done = reinsert(p, List.of(u, blockers.get(i)), false);
            }
            for (int i = 0; i < Math.min(blockers.size(), 6) && !done && System.nanoTime() < deadline; i++) {
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
    private static void ruinAndRecreate(Placements p, List<ChainFact> chains, long deadline) {
        Random rnd = new Random(42);
        for (int round = 0; round < 20 * chains.size() && System.nanoTime() < deadline && chains.size() > 1; round++) {
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
