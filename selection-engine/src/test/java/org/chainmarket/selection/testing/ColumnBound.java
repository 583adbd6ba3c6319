package org.chainmarket.selection.testing;

import com.google.ortools.Loader;
import com.google.ortools.linearsolver.MPConstraint;
import com.google.ortools.linearsolver.MPObjective;
import com.google.ortools.linearsolver.MPSolver;
import com.google.ortools.linearsolver.MPVariable;
import org.chainmarket.selection.solver.PlanPricing;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A proven upper bound of how many chains of a batch can be served at once, by column generation over whole-chain
 * plans: where the arc-based MILP ({@link MilpReference}) has a route variable per chain, leg, switch pair and route and
 * proves nothing on 200-chain batches, this model has a variable per plan.
 * <ol>
 * <li>The restricted master, an LP solved by GLOP (OR-Tools): maximize the plans taken, each chain at most one in all,
 * no offer's chain slots or kbps and no link's kbps over what is free, over the plans found so far.</li>
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

    private record Column(int chain, int[] offers, int[] links) {
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
        Loader.loadNativeLibraries();
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long start = cpu.getCurrentThreadCpuTime();
        int n = pricing.chains();
        double[] perSlot = new double[pricing.offers()];
        double[] perKbps = new double[pricing.offers()];
        double[] perLinkKbps = new double[pricing.links()];
        List<Column> columns = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int servable = 0;
        for (int c = 0; c < n; c++) {
            PlanPricing.Priced p = pricing.price(c, perSlot, perKbps, perLinkKbps);
            if (p.least() != Double.POSITIVE_INFINITY) {
                servable++;
                add(columns, seen, c, p);
            }
        }
        double best = servable;
        double lp = servable;
        int rounds = 0;
        boolean converged = false;
        while (rounds < MAX_ROUNDS && Math.floor(best + 1e-6) > lower && cpu.getCurrentThreadCpuTime() - start < cpuNanos) {
            rounds++;
            Master m = master(pricing, columns, n, false, 0);
            lp = m.value;
            Arrays.fill(perSlot, 0);
            Arrays.fill(perKbps, 0);
            Arrays.fill(perLinkKbps, 0);
            double lagrangian = 0;
            for (Map.Entry<Integer, Double> e : m.slot.entrySet()) {
                perSlot[e.getKey()] = e.getValue();
                lagrangian += e.getValue() * pricing.freeChains(e.getKey());
            }
            for (Map.Entry<Integer, Double> e : m.kbps.entrySet()) {
                perKbps[e.getKey()] = e.getValue();
                lagrangian += e.getValue() * pricing.freeKbps(e.getKey());
            }
            for (Map.Entry<Integer, Double> e : m.link.entrySet()) {
                perLinkKbps[e.getKey()] = e.getValue();
                lagrangian += e.getValue() * pricing.linkKbps(e.getKey());
            }
            boolean added = false;
            for (int c = 0; c < n; c++) {
                PlanPricing.Priced p = pricing.price(c, perSlot, perKbps, perLinkKbps);
                if (p.least() == Double.POSITIVE_INFINITY) {
                    continue;
                }
                lagrangian += Math.max(0, 1 - p.least());
                if (1 - p.least() - m.chain[c] > 1e-7 && p.offers().length > 0) {
                    added |= add(columns, seen, c, p);
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
        int packed = packSeconds > 0 ? (int) Math.round(master(pricing, columns, n, true, packSeconds).value) : -1;
        return new Result(bound, best, lp, servable, rounds, columns.size(), converged, packed);
    }

    private static boolean add(List<Column> columns, Set<String> seen, int chain, PlanPricing.Priced p) {
        if (!seen.add(chain + ":" + Arrays.toString(p.offers()) + Arrays.toString(p.links()))) {
            return false;
        }
        columns.add(new Column(chain, p.offers(), p.links()));
        return true;
    }

    /** The master's LP value, each chain row's dual and each capacity row's (per slot, per kbps), all at least 0. */
    private record Master(double value, double[] chain, Map<Integer, Double> slot, Map<Integer, Double> kbps, Map<Integer, Double> link) {
    }

    /** The master over {@code columns}: its LP (GLOP) with duals, or with {@code integer} its integer program (SCIP, no duals). */
    private static Master master(PlanPricing pricing, List<Column> columns, int chains, boolean integer, int seconds) {
        MPSolver lp = MPSolver.createSolver(integer ? "SCIP" : "GLOP");
        if (integer) {
            lp.setTimeLimit(seconds * 1000L);
        }
        MPObjective objective = lp.objective();
        objective.setMaximization();
        MPConstraint[] chainRow = new MPConstraint[chains];
        Map<Integer, MPConstraint> slotRow = new HashMap<>();
        Map<Integer, MPConstraint> kbpsRow = new HashMap<>();
        Map<Integer, MPConstraint> linkRow = new HashMap<>();
        for (int c = 0; c < chains; c++) {
            chainRow[c] = lp.makeConstraint(Double.NEGATIVE_INFINITY, 1, "chain" + c);
        }
        for (Column col : columns) {
            MPVariable x = integer ? lp.makeIntVar(0, 1, "") : lp.makeNumVar(0, 1, "");
            objective.setCoefficient(x, 1);
            chainRow[col.chain].setCoefficient(x, 1);
            long kbps = pricing.chainKbps(col.chain);
            for (int o : col.offers) {
                slotRow.computeIfAbsent(o, k -> lp.makeConstraint(Double.NEGATIVE_INFINITY, pricing.freeChains(k), "slot" + k))
                        .setCoefficient(x, 1);
                kbpsRow.computeIfAbsent(o, k -> lp.makeConstraint(Double.NEGATIVE_INFINITY, pricing.freeKbps(k), "kbps" + k))
                        .setCoefficient(x, kbps);
            }
            Map<Integer, Integer> crossings = new HashMap<>();
            for (int l : col.links) {
                crossings.merge(l, 1, Integer::sum);
            }
            crossings.forEach((l, times) -> linkRow.computeIfAbsent(l, k -> lp.makeConstraint(Double.NEGATIVE_INFINITY,
                    pricing.linkKbps(k), "link" + k)).setCoefficient(x, (double) kbps * times));
        }
        MPSolver.ResultStatus status = lp.solve();
        if (integer) {
            double value = status == MPSolver.ResultStatus.OPTIMAL || status == MPSolver.ResultStatus.FEASIBLE ? objective.value() : 0;
            lp.delete();
            return new Master(value, new double[chains], Map.of(), Map.of(), Map.of());
        }
        if (status != MPSolver.ResultStatus.OPTIMAL) {
            throw new IllegalStateException("the restricted master did not solve: " + status);
        }
        double[] chainDual = new double[chains];
        for (int c = 0; c < chains; c++) {
            chainDual[c] = Math.max(0, chainRow[c].dualValue());
        }
        Master m = new Master(objective.value(), chainDual, duals(slotRow), duals(kbpsRow), duals(linkRow));
        lp.delete();
        return m;
    }

    private static Map<Integer, Double> duals(Map<Integer, MPConstraint> rows) {
        Map<Integer, Double> out = new HashMap<>();
        rows.forEach((k, row) -> {
            double y = row.dualValue();
            if (y > 1e-12) {
                out.put(k, y);
            }
        });
        return out;
    }
}
