package org.chainmarket.selection.testing;

import org.chainmarket.selection.solver.PackingLp;
import org.chainmarket.selection.solver.PlanPricing;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A proven upper bound of how many chains of a batch can be served at once, by column generation over whole-chain
 * plans: where the arc-based MILP ({@link MilpReference}) has a route variable per chain, leg, switch pair and route and
 * proves nothing on 200-chain batches, this model has a variable per plan.
 * <ol>
 * <li>The restricted master, the packing LP ({@link PackingLp#relaxation}, GLOP): maximize the plans taken, each chain
 * at most one in all, no offer's chain slots or kbps and no link's kbps over what is free, over the plans found so
 * far.</li>
 * <li>Its duals price every unit of capacity; each chain's least plan at those prices ({@link PlanPricing}, the
 * engine's exact single-chain search with the prices as costs) joins the master when it would pay.</li>
 * <li>At every such round the duals {@code y >= 0} give a Lagrangian bound, valid whatever the master holds:
 * {@code L(y) = sum of y x capacity + sum over chains of max(0, 1 - least price of its plans)}; the least seen, rounded
 * down, is the bound. At the end (no plan pays) it equals the master's LP value: the LP bound of the path formulation.</li>
 * </ol>
 * Its validity rests on the pricing being exact (or a proven lower bound where the search stops at its label budget),
 * which the tests check for the single-chain search against brute force and the MILP. Two checks fail it loudly: a
 * Lagrangian value below the master's LP value (weak duality: a search missed a plan the master holds), and a bound
 * below {@code lower}, the chains a known packing serves. Stops when no plan pays, when the bound reaches
 * {@code lower} (that packing is optimal), or after {@code cpuNanos} of the calling thread's CPU time.
 */
public final class ColumnBound {
    /**
     * The bound, the least Lagrangian value it was rounded down from, the last master's LP value, chains with a plan,
     * rounds, plans, whether the generation converged (no plan pays), and {@code packed}: the most chains SCIP serves
     * with the plans generated (the master as an integer program, within {@code packSeconds}; a feasible packing, so a
     * lower bound of the optimum; -1 when not asked).
     */
    public record Result(int bound, double lagrangian, double lp, int servable, int rounds, int columns, boolean converged,
                         int packed) {
    }

    private static final int MAX_ROUNDS = 200;

    private ColumnBound() {
    }

    /** The bound for {@code pricing}'s batch, given that some packing serves {@code lower} of its chains (0 if none is known). */
    public static Result of(PlanPricing pricing, int lower, long cpuNanos) {
        return of(pricing, lower, cpuNanos, 0);
    }

    /** As {@link #of(PlanPricing, int, long)}, then the plans packed by SCIP within {@code packSeconds} (0: not). */
    public static Result of(PlanPricing pricing, int lower, long cpuNanos, int packSeconds) {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long start = cpu.getCurrentThreadCpuTime();
        int n = pricing.chains();
        double[] perSlot = new double[pricing.offers()];
        double[] perKbps = new double[pricing.offers()];
        double[] perLinkKbps = new double[pricing.links()];
        PackingLp.Capacity capacity = capacity(pricing);
        List<PackingLp.Column> columns = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int servable = 0;
        for (int c = 0; c < n; c++) {
            PlanPricing.Priced p = pricing.price(c, perSlot, perKbps, perLinkKbps);
            if (p.least() != Double.POSITIVE_INFINITY) {
                servable++;
                add(columns, seen, pricing, c, p);
            }
        }
        double best = servable;
        double lp = servable;
        int rounds = 0;
        boolean converged = false;
        while (rounds < MAX_ROUNDS && Math.floor(best + 1e-6) > lower && cpu.getCurrentThreadCpuTime() - start < cpuNanos) {
            rounds++;
            PackingLp.Solution m = PackingLp.relaxation(columns, n, capacity);
            if (m == null) {
                throw new IllegalStateException("the restricted master did not solve");
            }
            lp = m.value();
            perSlot = m.perSlot();
            perKbps = m.perKbps();
            perLinkKbps = m.perLinkKbps();
            double lagrangian = 0;
            for (int o = 0; o < perSlot.length; o++) {
                lagrangian += perSlot[o] * capacity.freeChains()[o] + perKbps[o] * capacity.freeKbps()[o];
            }
            for (int l = 0; l < perLinkKbps.length; l++) {
                lagrangian += perLinkKbps[l] * capacity.linkKbps()[l];
            }
            boolean added = false;
            for (int c = 0; c < n; c++) {
                PlanPricing.Priced p = pricing.price(c, perSlot, perKbps, perLinkKbps);
                if (p.least() == Double.POSITIVE_INFINITY) {
                    continue;
                }
                lagrangian += Math.max(0, 1 - p.least());
                if (1 - p.least() - m.chainDual()[c] > 1e-7 && p.offers().length > 0) {
                    added |= add(columns, seen, pricing, c, p);
                }
            }
            if (lagrangian < lp - 1e-6) {
                // weak duality: L(y) bounds the full LP, so also the master's; below it, a search missed a cheaper plan
                throw new IllegalStateException("the pricing missed a plan: Lagrangian " + lagrangian + " below the master's LP " + lp);
            }
            best = Math.min(best, lagrangian);
            if (!added) {
                converged = true;
                break;
            }
        }
        int bound = Math.min(servable, (int) Math.floor(best + 1e-6));
        if (bound < lower) {
            throw new IllegalStateException("the bound " + best + " is below " + lower + " chains a packing serves");
        }
        PackingLp.Solution packing = packSeconds > 0 ? PackingLp.packing(columns, n, capacity, packSeconds * 1000L, null) : null;
        int packed = packSeconds <= 0 ? -1 : packing == null ? 0 : (int) Math.round(packing.value());
        return new Result(bound, best, lp, servable, rounds, columns.size(), converged, packed);
    }

    private static boolean add(List<PackingLp.Column> columns, Set<String> seen, PlanPricing pricing, int chain, PlanPricing.Priced p) {
        if (!seen.add(chain + ":" + Arrays.toString(p.offers()) + Arrays.toString(p.links()))) {
            return false;
        }
        columns.add(new PackingLp.Column(chain, p.offers(), p.links(), pricing.chainKbps(chain), 0));
        return true;
    }

    private static PackingLp.Capacity capacity(PlanPricing pricing) {
        int[] slots = new int[pricing.offers()];
        long[] kbps = new long[pricing.offers()];
        long[] links = new long[pricing.links()];
        for (int o = 0; o < slots.length; o++) {
            slots[o] = pricing.freeChains(o);
            kbps[o] = pricing.freeKbps(o);
        }
        for (int l = 0; l < links.length; l++) {
            links[l] = pricing.linkKbps(l);
        }
        return new PackingLp.Capacity(slots, kbps, links);
    }
}
