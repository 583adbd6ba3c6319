package org.chainmarket.selection.solver;

import com.google.ortools.Loader;
import com.google.ortools.linearsolver.MPConstraint;
import com.google.ortools.linearsolver.MPObjective;
import com.google.ortools.linearsolver.MPSolver;
import com.google.ortools.linearsolver.MPVariable;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Packing a batch's whole-chain plans (<em>columns</em>): take as many plans as possible, each chain at most one, no
 * offer's chain slots or kbps and no link's kbps over what is free. Two forms, both OR-Tools:
 * <ul>
 * <li>{@link #relaxation}: the LP (GLOP). How much of each column it takes, and its duals: a price per chain slot and
 * kbps of every offer, per kbps of every link, and per chain row. A plan improves the relaxation only when its
 * capacity at those prices costs less than {@code 1 - its chain's dual} ({@link Solution#pays}): the pricing test of a
 * column generation, and (over every plan) a Lagrangian bound of chains served.</li>
 * <li>{@link #packing}: the integer program (SCIP) within a time limit, from a given packing; the most plans, then
 * the least summed cost (the cost term can never trade a plan away).</li>
 * </ul>
 * Offers and links are numbered as in {@link Capacity}; chains {@code 0 .. chains-1}.
 */
public final class PackingLp {
    /** A plan of chain {@code chain}: its offers, the links its legs cross (a link twice if crossed twice), its bandwidth and cost. */
    public record Column(int chain, int[] offers, int[] links, long kbps, double cost) {
    }

    /** What is free: chain slots and kbps per offer, kbps per link. */
    public record Capacity(int[] freeChains, long[] freeKbps, long[] linkKbps) {
    }

    /**
     * The objective's value; per column the share taken (0 or 1 for {@link #packing}); per chain row, offer slot, offer
     * kbps and link kbps the dual price, at least 0 (all 0 for {@link #packing}).
     */
    public record Solution(double value, double[] taken, double[] chainDual, double[] perSlot, double[] perKbps,
                           double[] perLinkKbps) {

        /** What {@code column}'s capacity costs at these prices. */
        public double price(Column column) {
            double price = 0;
            for (int o : column.offers()) {
                price += perSlot[o] + perKbps[o] * column.kbps();
            }
            for (int l : column.links()) {
                price += perLinkKbps[l] * column.kbps();
            }
            return price;
        }

        /** Whether {@code column} would improve the relaxation: its price is below what its chain's row leaves. */
        public boolean pays(Column column) {
            return 1 - chainDual[column.chain()] - price(column) > 1e-7;
        }
    }

    /** Whether OR-Tools' natives load on this machine (they are bundled for Linux x86-64 only). */
    private static final boolean AVAILABLE = load();

    private static boolean load() {
        try {
            Loader.loadNativeLibraries();
            return true;
        } catch (RuntimeException | LinkageError e) {
            System.getLogger(PackingLp.class.getName()).log(System.Logger.Level.WARNING,
                    "OR-Tools does not load here; batches are packed without the packing LP: " + e);
            return false;
        }
    }

    /** Whether the LP and the integer program can be solved here; where not, callers pack without them. */
    public static boolean available() {
        return AVAILABLE;
    }

    private PackingLp() {
    }

    /** The LP relaxation with its duals; null if GLOP did not solve it. */
    public static Solution relaxation(List<Column> columns, int chains, Capacity capacity) {
        return solve(columns, chains, capacity, false, 0, null);
    }

    /**
     * The integer program within {@code millis} (wall clock), started from {@code from} (per column whether it is
     * taken; null: no start); null when SCIP found no packing in time.
     */
    public static Solution packing(List<Column> columns, int chains, Capacity capacity, long millis, boolean[] from) {
        return solve(columns, chains, capacity, true, millis, from);
    }

    private static Solution solve(List<Column> columns, int chains, Capacity capacity, boolean integer, long millis,
                                  boolean[] from) {
        MPSolver solver = MPSolver.createSolver(integer ? "SCIP" : "GLOP");
        try {
            if (integer) {
                solver.setTimeLimit(Math.max(1, millis));
            }
            // cost breaks ties only: all the columns' costs together weigh less than one plan
            double maxCost = columns.stream().mapToDouble(Column::cost).max().orElse(0);
            double perCost = integer && maxCost > 0 ? 0.5 / (Math.max(1, chains) * maxCost) : 0;
            MPObjective objective = solver.objective();
            objective.setMaximization();
            MPConstraint[] chainRow = new MPConstraint[chains];
            for (int c = 0; c < chains; c++) {
                chainRow[c] = solver.makeConstraint(Double.NEGATIVE_INFINITY, 1, "");
            }
            Map<Integer, MPConstraint> slotRow = new HashMap<>();
            Map<Integer, MPConstraint> kbpsRow = new HashMap<>();
            Map<Integer, MPConstraint> linkRow = new HashMap<>();
            MPVariable[] x = new MPVariable[columns.size()];
            for (int i = 0; i < x.length; i++) {
                Column col = columns.get(i);
                x[i] = integer ? solver.makeIntVar(0, 1, "") : solver.makeNumVar(0, 1, "");
                objective.setCoefficient(x[i], 1 - perCost * col.cost());
                chainRow[col.chain()].setCoefficient(x[i], 1);
                for (int o : col.offers()) {
                    add(slotRow.computeIfAbsent(o, k -> solver.makeConstraint(Double.NEGATIVE_INFINITY, capacity.freeChains()[k], "")),
                            x[i], 1);
                    add(kbpsRow.computeIfAbsent(o, k -> solver.makeConstraint(Double.NEGATIVE_INFINITY, capacity.freeKbps()[k], "")),
                            x[i], col.kbps());
                }
                for (int l : col.links()) {
                    add(linkRow.computeIfAbsent(l, k -> solver.makeConstraint(Double.NEGATIVE_INFINITY, capacity.linkKbps()[k], "")),
                            x[i], col.kbps());
                }
            }
            if (from != null) {
                double[] values = new double[x.length];
                for (int i = 0; i < x.length; i++) {
                    values[i] = from[i] ? 1 : 0;
                }
                solver.setHint(x, values);
            }
            MPSolver.ResultStatus status = solver.solve();
            if (status != MPSolver.ResultStatus.OPTIMAL && !(integer && status == MPSolver.ResultStatus.FEASIBLE)) {
                return null;
            }
            double[] taken = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                taken[i] = integer ? Math.round(x[i].solutionValue()) : x[i].solutionValue();
            }
            double[] chainDual = new double[chains];
            if (!integer) {
                for (int c = 0; c < chains; c++) {
                    chainDual[c] = Math.max(0, chainRow[c].dualValue());
                }
            }
            return new Solution(objective.value(), taken, chainDual, duals(slotRow, capacity.freeChains().length, integer),
                    duals(kbpsRow, capacity.freeKbps().length, integer), duals(linkRow, capacity.linkKbps().length, integer));
        } finally {
            solver.delete();
        }
    }

    private static void add(MPConstraint row, MPVariable x, double coefficient) {
        row.setCoefficient(x, row.getCoefficient(x) + coefficient);
    }

    private static double[] duals(Map<Integer, MPConstraint> rows, int size, boolean none) {
        double[] out = new double[size];
        if (!none) {
            rows.forEach((k, row) -> out[k] = Math.max(0, row.dualValue()));
        }
        return out;
    }
}
