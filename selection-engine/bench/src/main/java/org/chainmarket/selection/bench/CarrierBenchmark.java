package org.chainmarket.selection.bench;

import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.Objective;
import org.chainmarket.selection.SelectionResult;
import org.chainmarket.selection.Steering;
import org.chainmarket.selection.exact.LayeredParetoSelector;
import org.chainmarket.selection.greedy.NearestInstanceSelector;
import org.chainmarket.selection.solver.OptaPlannerSelector;
import org.chainmarket.selection.solver.SelectionWeights;
import org.chainmarket.selection.testing.CapacityCheck;
import org.chainmarket.selection.testing.CarrierProblems;
import org.chainmarket.selection.testing.GeneratedProblem;
import org.chainmarket.selection.testing.MilpReference;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Selection on carrier-size generated problems ({@link CarrierProblems}: random geometric networks of 200-1,000
 * switches, tight links, repeated VNF types, scarce offers) against the MILP optimum ({@link MilpReference}, SCIP
 * through OR-Tools, time-limited; its limit, status and proven bounds are printed). Two tables: single chains (exact
 * selector and solver, p50/p99 time, the exact search's proven gap where its label budget stopped it, the solver's
 * gap to the exact optimum, greedy's excess) and batches (chains served by solver, greedy and the MILP with its bound,
 * objective gap to the MILP, time, overbooked capacity). Objective = price + 0.05 x latency (ms). Flags: {@code --quick}
 * (fewer runs), {@code --runs N} (single-chain problems per row), {@code --milp-seconds N} (time limit per MILP,
 * default 60).
 */
public final class CarrierBenchmark {
    private static final Objective OBJECTIVE = Objective.DEFAULT;
    private final LayeredParetoSelector exact = new LayeredParetoSelector(OBJECTIVE, Steering.NO_PROXIES, 3);
    private final OptaPlannerSelector solver = new OptaPlannerSelector(SelectionWeights.objectiveOnly(OBJECTIVE), Steering.NO_PROXIES);
    private final NearestInstanceSelector greedy = new NearestInstanceSelector(OBJECTIVE, Steering.NO_PROXIES);
    private final MilpReference milp = new MilpReference(OBJECTIVE, 3);
    private final long milpMillis;

    private CarrierBenchmark(long milpMillis) {
        this.milpMillis = milpMillis;
    }

    public static void main(String[] args) {
        List<String> a = Arrays.asList(args);
        boolean quick = a.contains("--quick");
        int i = a.indexOf("--milp-seconds");
        long milpMillis = 1000L * (i >= 0 ? Long.parseLong(a.get(i + 1)) : 60);
        int r = a.indexOf("--runs");
        new CarrierBenchmark(milpMillis).run(quick, r >= 0 ? Integer.parseInt(a.get(r + 1)) : quick ? 30 : 100);
    }

    private void run(boolean quick, int runs) {
        warmUp();
        System.out.println("Single chains, 1,000 switches, 15 % tight links (" + runs + " problems per row; times in ms)");
        String h = String.format(Locale.ROOT, "| %5s | %6s | %6s | %9s | %9s | %8s | %11s | %9s | %9s | %12s | %10s |",
                "hops", "offers", "served", "exact p50", "exact p99", "exact max", "budget hits", "solver p50", "solver p99",
                "solver gap %", "greedy +%");
        System.out.println(h);
        System.out.println(h.replaceAll("[^|]", "-"));
        for (int hops : new int[]{3, 5, 7}) {
            for (int offers : new int[]{20, 100, 200}) {
                single(hops, offers, runs);
            }
        }
        System.out.println();
        System.out.println("Batches, 3-7 hops, 8 VNF types, scarce offers (0.8), 15 % tight links; MILP limit " + milpMillis / 1000 + " s");
        h = String.format(Locale.ROOT, "| %8s | %6s | %6s | %4s | %14s | %9s | %14s | %10s | %9s | %9s | %9s | %10s |",
                "switches", "offers", "chains", "runs", "served s/g/milp", "milp bound", "milp status", "served gap", "obj gap %",
                "vs greedy", "p50 ms", "overbooked");
        System.out.println(h);
        System.out.println(h.replaceAll("[^|]", "-"));
        int batchRuns = quick ? 1 : 3;
        batch(200, 20, 10, batchRuns, true);
        batch(200, 20, 50, batchRuns, true);
        batch(200, 50, 200, batchRuns, true);
        batch(1000, 50, 50, batchRuns, true);
        batch(1000, 100, 200, batchRuns, !quick);
        batch(1000, 100, 500, batchRuns, false);
        batch(1000, 200, 2000, batchRuns, false);
    }

    private void warmUp() {
        for (int i = 0; i < 30; i++) {
            GeneratedProblem p = CarrierProblems.generate(CarrierProblems.Spec.single(1000, 5, 100, 9000 + i));
            exact.select(p.market(), p.requests().get(0));
            solver.select(p.market(), p.requests().get(0));
        }
        GeneratedProblem p = CarrierProblems.generate(CarrierProblems.Spec.batch(1000, 50, 200, 9100));
        solver.selectBatch(p.market(), p.requests());
    }

    private void single(int hops, int offers, int runs) {
        double[] exactMs = new double[runs];
        double[] solverMs = new double[runs];
        int served = 0;
        int budgetHits = 0;
        double maxSolverGap = 0;
        double greedyExcess = 0;
        int greedyServed = 0;
        for (int r = 0; r < runs; r++) {
            GeneratedProblem p = CarrierProblems.generate(CarrierProblems.Spec.single(1000, hops, offers, 100L * hops + offers + 7919L * r));
            ChainRequest req = p.requests().get(0);
            long t0 = System.nanoTime();
            LayeredParetoSelector.Answer e = exact.search(p.market(), req);
            long t1 = System.nanoTime();
            SelectionResult s = solver.select(p.market(), req);
            long t2 = System.nanoTime();
            exactMs[r] = (t1 - t0) / 1e6;
            solverMs[r] = (t2 - t1) / 1e6;
            SelectionResult g = greedy.select(p.market(), req);
            if (e.result() instanceof SelectionResult.Selected es) {
                served++;
                budgetHits += e.gap() > 0 ? 1 : 0;
                double sObj = s instanceof SelectionResult.Selected ss ? ss.objective() : Double.POSITIVE_INFINITY;
                maxSolverGap = Math.max(maxSolverGap, 100 * (sObj - es.objective()) / es.objective());
                if (g instanceof SelectionResult.Selected gs) {
                    greedyServed++;
                    greedyExcess += 100 * (gs.objective() - es.objective()) / es.objective();
                }
            }
        }
        Arrays.sort(exactMs);
        Arrays.sort(solverMs);
        System.out.println(String.format(Locale.ROOT, "| %5d | %6d | %6s | %9.2f | %9.2f | %8.1f | %11d | %9.2f | %9.2f | %12.3f | %10.1f |",
                hops, offers, served + "/" + runs, pct(exactMs, 50), pct(exactMs, 99), exactMs[runs - 1], budgetHits, pct(solverMs, 50),
                pct(solverMs, 99), maxSolverGap, greedyServed == 0 ? Double.NaN : greedyExcess / greedyServed));
    }

    private void batch(int switches, int offers, int chains, int runs, boolean withMilp) {
        double[] ms = new double[runs];
        int servedS = 0, servedG = 0, servedM = 0, boundM = 0, overbooked = 0;
        double objS = 0, objM = 0, objG = 0, objSg = 0;
        boolean comparable = true;
        String status = withMilp ? "" : "-";
        for (int r = 0; r < runs; r++) {
            GeneratedProblem p = CarrierProblems.generate(CarrierProblems.Spec.batch(switches, offers, chains, 31L * chains + r));
            long t0 = System.nanoTime();
            List<SelectionResult> s = solver.selectBatch(p.market(), p.requests());
            ms[r] = (System.nanoTime() - t0) / 1e6;
            List<SelectionResult> g = greedy.selectBatch(p.market(), p.requests());
            overbooked += CapacityCheck.violations(p.market(), p.requests(), s).size();
            int sCount = count(s);
            servedS += sCount;
            servedG += count(g);
            objS += sum(s);
            for (int i = 0; i < chains; i++) {
                if (s.get(i) instanceof SelectionResult.Selected ss && g.get(i) instanceof SelectionResult.Selected gs) {
                    objSg += ss.objective();
                    objG += gs.objective();
                }
            }
            if (withMilp) {
                MilpReference.Result m = milp.solve(p.market(), p.requests(), milpMillis);
                servedM += m.served();
                boundM += m.servedBound();
                objM += m.objective();
                comparable &= m.served() == sCount;
                status += (status.isEmpty() ? "" : ",") + (m.optimal() ? "opt" : m.status().toLowerCase(Locale.ROOT)) + " " + m.millis() / 1000 + "s";
            }
        }
        Arrays.sort(ms);
        String served = servedS + "/" + servedG + "/" + (withMilp ? String.valueOf(servedM) : "-");
        String servedGap = withMilp ? String.format(Locale.ROOT, "%.1f%%", 100.0 * (boundM - servedS) / Math.max(boundM, 1)) : "-";
        String objGap = withMilp && comparable ? String.format(Locale.ROOT, "%.2f", 100 * (objS - objM) / objM) : "-";
        System.out.println(String.format(Locale.ROOT, "| %8d | %6d | %6d | %4d | %14s | %9s | %14s | %10s | %9s | %8.1f%% | %9.0f | %10d |",
                switches, offers, chains, runs, served, withMilp ? String.valueOf(boundM) : "-", status.length() > 14 ? status.substring(0, 14) : status,
                servedGap, objGap, 100 * (objG - objSg) / objG, pct(ms, 50), overbooked));
        if (withMilp && status.length() > 14) {
            System.out.println("    milp: " + status);
        }
    }

    private static int count(List<SelectionResult> results) {
        return (int) results.stream().filter(r -> r instanceof SelectionResult.Selected).count();
    }

    private static double sum(List<SelectionResult> results) {
        return results.stream().filter(r -> r instanceof SelectionResult.Selected).mapToDouble(r -> ((SelectionResult.Selected) r).objective()).sum();
    }

    private static double pct(double[] sorted, int p) {
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }
}
