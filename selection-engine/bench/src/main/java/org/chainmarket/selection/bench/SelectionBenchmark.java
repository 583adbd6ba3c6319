package org.chainmarket.selection.bench;

import org.chainmarket.selection.testing.CapacityCheck;
import org.chainmarket.selection.testing.GeneratedProblem;
import org.chainmarket.selection.testing.ProblemGenerator;
import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.Objective;
import org.chainmarket.selection.SelectionResult;
import org.chainmarket.selection.Steering;
import org.chainmarket.selection.exact.ExhaustiveBatchSelector;
import org.chainmarket.selection.exact.LayeredParetoSelector;
import org.chainmarket.selection.greedy.NearestInstanceSelector;
import org.chainmarket.selection.solver.OptaPlannerSelector;
import org.chainmarket.selection.solver.SelectionWeights;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Compares greedy (nearest instance), the OptaPlanner solver and the exact reference on generated problems over
 * Abilene, Geant2012 and Interoute and prints a table. The solver optimizes exactly the {@link Objective}
 * (price + 0.05 EUR/h per ms) here, so that its objective is comparable with the exact optimum.
 * Single-chain rows: each run is a different random request (and market); p50/p95 over the runs; objective is
 * the mean over runs; gap = worst (max) gap of any run. Batch rows: each run is a different random batch; the
 * objective is the sum over the chains all strategies served; "served" is chains served by greedy/solver/exact.
 * Run with {@code --quick} for fewer runs.
 */
public final class SelectionBenchmark {
    private static final Objective OBJECTIVE = Objective.DEFAULT;

    private final OptaPlannerSelector solver = new OptaPlannerSelector(SelectionWeights.objectiveOnly(OBJECTIVE), Steering.NO_PROXIES);
    private final NearestInstanceSelector greedy = new NearestInstanceSelector(OBJECTIVE, Steering.NO_PROXIES);
    private final LayeredParetoSelector exactSingle = new LayeredParetoSelector(OBJECTIVE, Steering.NO_PROXIES);
    private final ExhaustiveBatchSelector exactBatch = new ExhaustiveBatchSelector(OBJECTIVE, Steering.NO_PROXIES, 3_000_000);

    public static void main(String[] args) {
        boolean quick = Arrays.asList(args).contains("--quick");
        new SelectionBenchmark().run(quick);
    }

    private record Row(String topology, int hops, int offers, int chains, int runs, double p50, double p95,
                       double greedy, double solver, double exact, double gapPct, double vsGreedyPct,
                       String served, int overbooked) {
    }

    void run(boolean quick) {
        warmUp();
        List<Row> rows = new ArrayList<>();
        int singleRuns = quick ? 20 : 60;
        String[][] topologies = {{"Abilene", "2"}, {"Geant2012", "3"}, {"Interoute", "4"}};
        for (String[] t : topologies) {
            for (int hops : new int[]{3, 5}) {
                for (int offers : new int[]{5, 20, 50, 200}) {
                    rows.add(single(t[0], Integer.parseInt(t[1]), hops, offers, singleRuns));
                }
            }
        }
        int batchRuns = quick ? 3 : 7;
        rows.add(batch("Abilene", 2, 3, 5, 4, batchRuns));
        rows.add(batch("Geant2012", 3, 3, 5, 5, batchRuns));
        rows.add(batch("Abilene", 2, 3, 20, 50, batchRuns));
        rows.add(batch("Geant2012", 3, 5, 50, 100, batchRuns));
        rows.add(batch("Interoute", 4, 3, 50, 200, batchRuns));
        rows.add(batch("Interoute", 4, 3, 200, 500, batchRuns));
        rows.add(batch("Interoute", 4, 5, 50, 500, batchRuns));
        rows.add(batch("Interoute", 4, 5, 200, 500, batchRuns));
        print(rows);
    }

    private void warmUp() {
        for (int i = 0; i < 300; i++) {
            GeneratedProblem p = ProblemGenerator.generate("Abilene", 2, 3, 20, 1, 1000 + i);
            solver.select(p.market(), p.requests().get(0));
        }
        for (int i = 0; i < 3; i++) {
            GeneratedProblem p = ProblemGenerator.generate("Interoute", 4, 5, 50, 300, 2000 + i);
            solver.selectBatch(p.market(), p.requests());
        }
    }

    private Row single(String topology, int providers, int hops, int offers, int runs) {
        double[] times = new double[runs];
        double g = 0, s = 0, e = 0, maxGap = 0;
        int both = 0, servedG = 0, servedS = 0, servedE = 0, overbooked = 0;
        for (int r = 0; r < runs; r++) {
            GeneratedProblem p = ProblemGenerator.generate(topology, providers, hops, offers, 1, 31L * r + hops * 7L + offers);
            ChainRequest req = p.requests().get(0);
            long t0 = System.nanoTime();
            SelectionResult sr = solver.select(p.market(), req);
            times[r] = (System.nanoTime() - t0) / 1e6;
            SelectionResult gr = greedy.select(p.market(), req);
            SelectionResult er = exactSingle.select(p.market(), req);
            overbooked += CapacityCheck.violations(p.market(), List.of(req), List.of(sr)).size();
            servedG += gr instanceof SelectionResult.Selected ? 1 : 0;
            servedS += sr instanceof SelectionResult.Selected ? 1 : 0;
            servedE += er instanceof SelectionResult.Selected ? 1 : 0;
            if (sr instanceof SelectionResult.Selected ss && er instanceof SelectionResult.Selected es
                    && gr instanceof SelectionResult.Selected gs) {
                both++;
                g += gs.objective();
                s += ss.objective();
                e += es.objective();
            }
            if (sr instanceof SelectionResult.Selected ss && er instanceof SelectionResult.Selected es) {
                maxGap = Math.max(maxGap, 100 * (ss.objective() - es.objective()) / es.objective());
            }
        }
        Arrays.sort(times);
        return new Row(topology, hops, offers, 1, runs, pct(times, 50), pct(times, 95), g / Math.max(both, 1), s / Math.max(both, 1),
                e / Math.max(both, 1), maxGap, 100 * (g - s) / g, servedG + "/" + servedS + "/" + servedE, overbooked);
    }

    private Row batch(String topology, int providers, int hops, int offers, int chains, int runs) {
        double[] times = new double[runs];
        double g = 0, s = 0, e = 0, maxGap = Double.NaN;
        int servedG = 0, servedS = 0, servedE = 0, overbooked = 0;
        boolean exactRan = false;
        for (int r = 0; r < runs; r++) {
            GeneratedProblem p = ProblemGenerator.generate(topology, providers, hops, offers, chains, 977L * r + chains);
            long t0 = System.nanoTime();
            List<SelectionResult> sr = solver.selectBatch(p.market(), p.requests());
            times[r] = (System.nanoTime() - t0) / 1e6;
            List<SelectionResult> gr = greedy.selectBatch(p.market(), p.requests());
            List<SelectionResult> er = exactBatch.feasibleSize(p.market(), p.requests()) ? exactBatch.selectBatch(p.market(), p.requests()) : null;
            exactRan |= er != null;
            overbooked += CapacityCheck.violations(p.market(), p.requests(), sr).size();
            for (int i = 0; i < chains; i++) {
                boolean gs = gr.get(i) instanceof SelectionResult.Selected;
                boolean ss = sr.get(i) instanceof SelectionResult.Selected;
                boolean es = er != null && er.get(i) instanceof SelectionResult.Selected;
                servedG += gs ? 1 : 0;
                servedS += ss ? 1 : 0;
                servedE += es ? 1 : 0;
                if (gs && ss) {
                    g += ((SelectionResult.Selected) gr.get(i)).objective();
                    s += ((SelectionResult.Selected) sr.get(i)).objective();
                }
            }
            if (er != null) {
                double so = sum(sr), eo = sum(er);
                e += eo;
                double gap = servedCount(sr) == servedCount(er) ? 100 * (so - eo) / eo : Double.POSITIVE_INFINITY;
                maxGap = Double.isNaN(maxGap) ? gap : Math.max(maxGap, gap);
            }
        }
        Arrays.sort(times);
        return new Row(topology, hops, offers, chains, runs, pct(times, 50), pct(times, 95), g / runs, s / runs,
                exactRan ? e / runs : Double.NaN, maxGap, 100 * (g - s) / g,
                servedG + "/" + servedS + "/" + (exactRan ? String.valueOf(servedE) : "-"), overbooked);
    }

    private static double sum(List<SelectionResult> results) {
        return results.stream().filter(r -> r instanceof SelectionResult.Selected)
                .mapToDouble(r -> ((SelectionResult.Selected) r).objective()).sum();
    }

    private static long servedCount(List<SelectionResult> results) {
        return results.stream().filter(r -> r instanceof SelectionResult.Selected).count();
    }

    private static double pct(double[] sorted, int p) {
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    private static void print(List<Row> rows) {
        String header = String.format(Locale.ROOT, "| %-9s | %4s | %6s | %6s | %4s | %8s | %8s | %10s | %10s | %10s | %9s | %9s | %-15s | %10s |",
                "topology", "hops", "offers", "chains", "runs", "p50 ms", "p95 ms", "greedy obj", "solver obj", "exact obj",
                "gap %", "vs greedy", "served g/s/e", "overbooked");
        System.out.println(header);
        System.out.println(header.replaceAll("[^|]", "-"));
        for (Row r : rows) {
            System.out.println(String.format(Locale.ROOT, "| %-9s | %4d | %6d | %6d | %4d | %8.2f | %8.2f | %10.3f | %10.3f | %10s | %9s | %8.1f%% | %-15s | %10d |",
                    r.topology, r.hops, r.offers, r.chains, r.runs, r.p50, r.p95, r.greedy, r.solver,
                    Double.isNaN(r.exact) ? "-" : String.format(Locale.ROOT, "%.3f", r.exact),
                    Double.isNaN(r.gapPct) ? "-" : String.format(Locale.ROOT, "%.3f", r.gapPct),
                    r.vsGreedyPct, r.served, r.overbooked));
        }
        System.out.println();
        System.out.println("objective = price EUR/h + " + OBJECTIVE.latencyWeight() + " x latency ms (lower is better); "
                + "single rows: mean per chain, gap = worst run; batch rows: sum over chains served by greedy and solver, per run;");
        System.out.println("gap % = solver vs exact; vs greedy = how much lower the solver's objective is than greedy's; "
                + "overbooked = offers/links over capacity or bounds broken in solver results.");
    }
}
