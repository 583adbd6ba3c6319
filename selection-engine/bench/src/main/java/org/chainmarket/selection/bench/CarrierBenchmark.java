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
import org.chainmarket.selection.testing.ColumnBound;
import org.chainmarket.selection.testing.MilpReference;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Selection on carrier-size generated problems ({@link CarrierProblems}: random geometric networks of 200-1,000
 * switches, tight links, repeated VNF types, scarce offers) against the MILP optimum ({@link MilpReference}, SCIP
 * through OR-Tools, time-limited; its limit, status and proven bounds are printed). Two tables: single chains (exact
 * selector and solver, p50/p99 of wall-clock and of the measuring thread's CPU time, the exact search's budget hits,
 * the solver's gap to the exact optimum, greedy's excess) and batches (chains served by solver, greedy and the MILP
 * with its bound, objective gap to the MILP, wall and CPU time, overbooked capacity). Each table names the machine's
 * load average. Objective = price + 0.05 x latency (ms).
 * <p>
 * Flags: {@code --quick} (30 single-chain problems per row, one batch per row), {@code --runs N} (single-chain problems
 * per row), {@code --milp-seconds N} (SCIP's time limit per MILP, default 60), {@code --only singles|batches},
 * {@code --hops 5,7} (single-chain rows), {@code --chains 500,2000} (batch rows by chain count: 10, 50, 200, 500, 2000),
 * {@code --no-milp} (batch rows without the MILP), {@code --switches 200,1000} (batch rows by network size),
 * {@code --no-before} (batch rows without the baseline), {@code --bound-seconds N} (CPU time of the column bound per
 * batch of up to 200 chains, default 120; 0 leaves it out). The batch table's "before" columns solve the same problems in
 * the same run with the solver's column packing off: chains served, the ratio served / served before, and its CPU time.
 * {@code cg bound} is {@link ColumnBound}'s proven bound of chains served (column generation over whole-chain plans);
 * {@code served gap} is against the lower of it and the MILP's bound.
 */
public final class CarrierBenchmark {
    private static final Objective OBJECTIVE = Objective.DEFAULT;
    /** SCIP's time to pack the column bound's plans (a best known packing). */
    private static final int PACK_SECONDS = 60;
    private final LayeredParetoSelector exact = new LayeredParetoSelector(OBJECTIVE, Steering.NO_PROXIES, 3);
    private final OptaPlannerSelector solver = new OptaPlannerSelector(SelectionWeights.objectiveOnly(OBJECTIVE), Steering.NO_PROXIES);
    /** The solver without the construction's column packing: the baseline of the "before" columns. */
    private final OptaPlannerSelector before = solver.withColumnPacking(false);
    private final NearestInstanceSelector greedy = new NearestInstanceSelector(OBJECTIVE, Steering.NO_PROXIES);
    private final MilpReference milp = new MilpReference(OBJECTIVE, 3);
    private final long milpMillis;
    private final boolean withMilp;
    private final java.util.Set<Integer> switches;
    private final boolean withBefore;
    private final java.time.Duration boundCpu;

    private CarrierBenchmark(long milpMillis, boolean withMilp, java.util.Set<Integer> switches, boolean withBefore,
                             java.time.Duration boundCpu) {
        this.boundCpu = boundCpu;
        this.milpMillis = milpMillis;
        this.withMilp = withMilp;
        this.switches = switches;
        this.withBefore = withBefore;
    }

    public static void main(String[] args) {
        List<String> a = Arrays.asList(args);
        boolean quick = a.contains("--quick");
        long milpMillis = 1000L * Long.parseLong(option(a, "--milp-seconds", "60"));
        int runs = Integer.parseInt(option(a, "--runs", quick ? "30" : "100"));
        String only = option(a, "--only", "all");
        CarrierBenchmark b = new CarrierBenchmark(milpMillis, !a.contains("--no-milp"),
                Arrays.stream(ints(option(a, "--switches", "200,1000"))).boxed().collect(java.util.stream.Collectors.toSet()),
                !a.contains("--no-before"), java.time.Duration.ofSeconds(Long.parseLong(option(a, "--bound-seconds", "120"))));
        b.warmUp();
        if (!only.equals("batches")) {
            b.singles(ints(option(a, "--hops", "3,5,7")), runs);
        }
        if (!only.equals("singles")) {
            b.batches(quick ? 1 : 3, ints(option(a, "--chains", "10,50,200,500,2000")));
        }
    }

    private static String option(List<String> args, String name, String otherwise) {
        int i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : otherwise;
    }

    private static int[] ints(String list) {
        return Arrays.stream(list.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private void warmUp() {
        for (int i = 0; i < 30; i++) {
            GeneratedProblem p = CarrierProblems.generate(CarrierProblems.Spec.single(1000, 5, 100, 9000 + i));
            exact.select(p.market(), p.requests().get(0));
            solver.select(p.market(), p.requests().get(0));
        }
        GeneratedProblem p = CarrierProblems.generate(CarrierProblems.Spec.batch(1000, 50, 200, 9100));
        solver.selectBatch(p.market(), p.requests());
        before.selectBatch(p.market(), p.requests());
    }

    private void singles(int[] hopCounts, int runs) {
        System.out.println("Single chains, 1,000 switches, 15 % tight links (" + runs + " problems per row; times in ms: wall = elapsed,"
                + " cpu = the measuring thread's CPU time; load = 1-min load average after the row on " + Clock.cores()
                + " cores, " + Clock.load() + " before the table)");
        String h = String.format(Locale.ROOT, "| %5s | %6s | %6s | %9s | %9s | %8s | %8s | %8s | %6s | %10s | %10s | %8s | %8s | %12s | %9s | %5s |",
                "hops", "offers", "served", "exact p50", "exact p99", "cpu p50", "cpu p99", "cpu max", "budget",
                "solver p50", "solver p99", "cpu p50", "cpu p99", "solver gap %", "greedy +%", "load");
        System.out.println(h);
        System.out.println(h.replaceAll("[^|]", "-"));
        for (int hops : hopCounts) {
            for (int offers : new int[]{20, 100, 200}) {
                single(hops, offers, runs);
            }
        }
        System.out.println();
    }

    private void single(int hops, int offers, int runs) {
        Clock.Times exactTimes = new Clock.Times(runs);
        Clock.Times solverTimes = new Clock.Times(runs);
        int served = 0;
        int budgetHits = 0;
        double maxSolverGap = 0;
        double greedyExcess = 0;
        int greedyServed = 0;
        for (int r = 0; r < runs; r++) {
            GeneratedProblem p = CarrierProblems.generate(CarrierProblems.Spec.single(1000, hops, offers, 100L * hops + offers + 7919L * r));
            ChainRequest req = p.requests().get(0);
            LayeredParetoSelector.Answer e = exactTimes.time(() -> exact.search(p.market(), req));
            SelectionResult s = solverTimes.time(() -> solver.select(p.market(), req));
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
        System.out.println(String.format(Locale.ROOT,
                "| %5d | %6d | %6s | %9.2f | %9.2f | %8.2f | %8.2f | %8.1f | %6d | %10.2f | %10.2f | %8.2f | %8.2f | %12.3f | %9.1f | %5s |",
                hops, offers, served + "/" + runs, exactTimes.wall(50), exactTimes.wall(99), exactTimes.cpu(50), exactTimes.cpu(99),
                exactTimes.cpuMax(), budgetHits, solverTimes.wall(50), solverTimes.wall(99), solverTimes.cpu(50), solverTimes.cpu(99),
                maxSolverGap, greedyServed == 0 ? Double.NaN : greedyExcess / greedyServed, Clock.load()));
    }

    private void batches(int runs, int[] chainCounts) {
        System.out.println("Batches, 3-7 hops, 8 VNF types, scarce offers (0.8), 15 % tight links; " + (withMilp ? "MILP limit "
                + milpMillis / 1000 + " s of SCIP's time (building the model comes on top)" : "no MILP") + "; solver times in ms,"
                + " wall and the measuring thread's CPU; load = 1-min load average after the row on " + Clock.cores() + " cores, "
                + Clock.load() + " before the table");
        String h = String.format(Locale.ROOT, "| %8s | %6s | %6s | %4s | %15s | %13s | %10s | %12s | %10s | %14s | %10s | %10s | %9s | %9s | %9s | %9s | %10s | %10s | %11s | %10s | %5s |",
                "switches", "offers", "chains", "runs", "served s/g/milp", "served before", "s / before", "obj / before", "milp bound",
                "milp status", "cg bound", "served gap", "obj gap %", "vs greedy", "wall p50", "cpu p50", "cpu before", "greedy cpu", "cpu/greedy",
                "overbooked", "load");
        System.out.println(h);
        System.out.println(h.replaceAll("[^|]", "-"));
        for (int chains : chainCounts) {
            switch (chains) {
                case 10 -> batch(200, 20, 10, runs, withMilp);
                case 50 -> {
                    batch(200, 20, 50, runs, withMilp);
                    batch(1000, 50, 50, runs, withMilp);
                }
                case 200 -> {
                    batch(200, 50, 200, runs, withMilp);
                    batch(1000, 100, 200, runs, withMilp);
                }
                case 500 -> batch(1000, 100, 500, runs, false);
                case 2000 -> batch(1000, 200, 2000, runs, false);
                default -> throw new IllegalArgumentException("no batch row with " + chains + " chains (10, 50, 200, 500, 2000)");
            }
        }
        System.out.println();
    }

    private void batch(int switches, int offers, int chains, int runs, boolean milpRow) {
        if (!this.switches.contains(switches)) {
            return;
        }
        Clock.Times times = new Clock.Times(runs);
        Clock.Times greedyTimes = new Clock.Times(runs);
        Clock.Times beforeTimes = new Clock.Times(runs);
        int servedB = 0;
        double objB = 0;
        int servedS = 0, servedG = 0, servedM = 0, boundM = 0, boundL = 0, overbooked = 0;
        boolean cgRow = !boundCpu.isZero() && chains <= 200;
        double objS = 0, objM = 0, objG = 0, objSg = 0;
        boolean comparable = true;
        StringBuilder status = new StringBuilder(milpRow ? "" : "-");
        List<String> details = new java.util.ArrayList<>();
        for (int r = 0; r < runs; r++) {
            GeneratedProblem p = CarrierProblems.generate(CarrierProblems.Spec.batch(switches, offers, chains, 31L * chains + r));
            List<SelectionResult> s = times.time(() -> solver.selectBatch(p.market(), p.requests()));
            List<SelectionResult> g = greedyTimes.time(() -> greedy.selectBatch(p.market(), p.requests()));
            overbooked += CapacityCheck.violations(p.market(), p.requests(), s).size();
            if (withBefore) {
                List<SelectionResult> b = beforeTimes.time(() -> before.selectBatch(p.market(), p.requests()));
                overbooked += CapacityCheck.violations(p.market(), p.requests(), b).size();
                servedB += count(b);
                objB += sum(b);
            }
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
            if (cgRow) {
                long started = System.nanoTime();
                ColumnBound.Result cg = ColumnBound.of(solver.pricing(p.market(), p.requests()), sCount, boundCpu.toNanos(), PACK_SECONDS);
                boundL += cg.bound();
                details.add(String.format(Locale.ROOT, "    column bound %s: %d (Lagrangian %.3f, master LP %.3f, %s after %d rounds, %d plans,"
                                + " %.0f s), %d chains with a plan alone; SCIP packs %d chains with these plans (%d s), the solver %d",
                        p.name(), cg.bound(), cg.lagrangian(), cg.lp(), cg.converged() ? "converged" : "stopped", cg.rounds(), cg.columns(),
                        (System.nanoTime() - started) / 1e9, cg.servable(), cg.packed(), PACK_SECONDS, sCount));
            }
            if (milpRow) {
                // SCIP starts from the solver's chains (a solution hint), so its time goes to the bound
                MilpReference.Result m = milp.solve(p.market(), p.requests(), milpMillis, s);
                servedM += m.served();
                boundM += m.servedBound();
                objM += m.objective();
                comparable &= m.served() == sCount;
                status.append(status.isEmpty() ? "" : ",").append(m.optimal() ? "opt" : m.status().toLowerCase(Locale.ROOT))
                        .append(' ').append(m.millis() / 1000).append('s');
                details.add(String.format(Locale.ROOT, "    milp %s: limit %d s, %s after %d s, served %d (hinted %d, solver %d), bound %d;"
                                + " objective %.2f, its bound %s (solver %.2f); %d variables, %d rows", p.name(), m.timeLimitMillis() / 1000,
                        m.status(), m.millis() / 1000, m.served(), m.hintedChains(), sCount, m.servedBound(), m.objective(),
                        m.servedBound() == sCount ? String.format(Locale.ROOT, "%.2f", m.objectiveBound()) : "-", sum(s),
                        m.variables(), m.constraints()));
            }
        }
        String served = servedS + "/" + servedG + "/" + (milpRow ? String.valueOf(servedM) : "-");
        int bound = milpRow && cgRow ? Math.min(boundM, boundL) : milpRow ? boundM : boundL;
        String servedGap = milpRow || cgRow ? String.format(Locale.ROOT, "%.1f%%", 100.0 * (bound - servedS) / Math.max(bound, 1)) : "-";
        String objGap = milpRow && comparable ? String.format(Locale.ROOT, "%.2f", 100 * (objS - objM) / objM) : "-";
        String st = status.toString();
        System.out.println(String.format(Locale.ROOT, "| %8d | %6d | %6d | %4d | %15s | %13s | %10s | %12s | %10s | %14s | %10s | %10s | %9s | %8.1f%% | %9.0f | %9.0f | %10s | %10.0f | %11.1f | %10d | %5s |",
                switches, offers, chains, runs, served, withBefore ? String.valueOf(servedB) : "-",
                withBefore ? String.format(Locale.ROOT, "%.3f", (double) servedS / Math.max(1, servedB)) : "-",
                withBefore ? String.format(Locale.ROOT, "%.3f", objS / Math.max(1e-9, objB)) : "-",
                milpRow ? String.valueOf(boundM) : "-", st.length() > 14 ? st.substring(0, 14) : st,
                cgRow ? String.valueOf(boundL) : "-", servedGap, objGap, 100 * (objG - objSg) / objG, times.wall(50), times.cpu(50),
                withBefore ? String.format(Locale.ROOT, "%.0f", beforeTimes.cpu(50)) : "-", greedyTimes.cpu(50),
                times.cpu(50) / greedyTimes.cpu(50), overbooked, Clock.load()));
        details.forEach(System.out::println);
    }

    private static int count(List<SelectionResult> results) {
        return (int) results.stream().filter(r -> r instanceof SelectionResult.Selected).count();
    }

    private static double sum(List<SelectionResult> results) {
        return results.stream().filter(r -> r instanceof SelectionResult.Selected).mapToDouble(r -> ((SelectionResult.Selected) r).objective()).sum();
    }
}
