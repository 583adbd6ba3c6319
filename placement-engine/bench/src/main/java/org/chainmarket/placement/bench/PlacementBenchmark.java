package org.chainmarket.placement.bench;

import org.chainmarket.placement.PlacementEngine;
import org.chainmarket.placement.domain.PlacementSolution;
import org.chainmarket.placement.domain.SolutionBuilder;
import org.chainmarket.placement.greedy.FirstFitPlanner;
import org.chainmarket.placement.model.PlacementProblem;
import org.chainmarket.placement.plan.PlanScorer;
import org.chainmarket.placement.plan.Placement;
import org.chainmarket.placement.plan.Planner;
import org.chainmarket.placement.solver.PlacementWeights;
import org.chainmarket.placement.solver.SolverPlanner;
import org.chainmarket.selection.topology.Topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints plan time and objective of first-fit greedy, the solver and the exact MILP (where it runs: up to
 * {@code --exact-max} instances, with a time limit) on Abilene, Geant2012 and Interoute for 10 to 1,000 instances,
 * then the demand replay ({@link DemandReplay}). Arguments: {@code --quick} (fewer sizes, shorter replay),
 * {@code --exact-max N} (default 10), {@code --replay-only}, {@code --plans-only}.
 */
public final class PlacementBenchmark {
    private PlacementBenchmark() {
    }

    record Row(String topology, int asked, int cells, int units, Result greedy, Result solver, Result exact) {
    }

    record Result(long millis, double objective, long hard, int instances, double unservedMbps, boolean optimal) {
    }

    public static void main(String[] args) {
        boolean quick = List.of(args).contains("--quick");
        int exactMax = 10;
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--exact-max")) {
                exactMax = Integer.parseInt(args[i + 1]);
            }
        }
        if (!List.of(args).contains("--replay-only")) {
            plans(quick, exactMax);
        }
        if (!List.of(args).contains("--plans-only")) {
            DemandReplay.main(quick ? new String[]{"--quick"} : new String[0]);
        }
    }

    static void plans(boolean quick, int exactMax) {
        String[] topologies = {"Abilene", "Geant2012", "Interoute"};
        int[] providers = {2, 3, 4};
        int[] sizes = quick ? new int[]{10, 100, 500} : new int[]{10, 50, 100, 500, 1000};
        warmUp();
        List<Row> rows = new ArrayList<>();
        System.out.println("| topology  | instances | cells | units | greedy ms | greedy obj | solver ms | solver obj |  exact ms |  exact obj | gap %  | vs greedy | running g/s/e  | unserved Mbit/s g/s/e | hard s |");
        System.out.println("|-----------|-----------|-------|-------|-----------|------------|-----------|------------|-----------|------------|--------|-----------|----------------|-----------------------|--------|");
        for (int t = 0; t < topologies.length; t++) {
            Topology topology = Topology.bundled(topologies[t]);
            for (int n : sizes) {
                long seed = 1000L * t + n;
                Scenarios.Market market = Scenarios.market(topology, providers[t], n, seed);
                PlacementProblem problem = Scenarios.problem(market, n, seed);
                Result g = run(problem, new FirstFitPlanner());
                Result s = run(problem, new SolverPlanner());
                Result e = n <= exactMax ? run(problem, new MilpPlanner(60_000)) : null;
                PlacementSolution shape = SolutionBuilder.build(problem, PlacementWeights.DEFAULT, PlacementEngine.DEFAULT_UNIT_MBPS);
                Row row = new Row(topologies[t], n, shape.getCells().size(), shape.getUnits().size(), g, s, e);
                rows.add(row);
                System.out.println(format(row));
            }
        }
    }

    private static void warmUp() {
        Scenarios.Market market = Scenarios.market(Topology.bundled("Abilene"), 2, 20, 7);
        PlacementProblem p = Scenarios.problem(market, 20, 7);
        for (int i = 0; i < 3; i++) {
            run(p, new SolverPlanner());
        }
    }

    static Result run(PlacementProblem problem, Planner planner) {
        PlacementSolution s = SolutionBuilder.build(problem, PlacementWeights.DEFAULT, PlacementEngine.DEFAULT_UNIT_MBPS);
        long t0 = System.nanoTime();
        Placement p = planner.plan(s);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        PlanScorer.Scored score = PlanScorer.score(s, p);
        double unserved = s.getUnits().stream().filter(u -> u.getCell() == null).mapToLong(u -> u.getKbps()).sum() / 1000.0;
        boolean optimal = !(planner instanceof MilpPlanner m) || m.lastOptimal();
        return new Result(ms, score.objective(), score.hard(), p.instances(), unserved, optimal);
    }

    static String format(Row r) {
        String exactMs = r.exact() == null ? "-" : String.valueOf(r.exact().millis());
        String exactObj = r.exact() == null ? "-" : String.format(Locale.ROOT, "%.3f%s", r.exact().objective(), r.exact().optimal() ? "" : "*");
        String gap = r.exact() == null ? "-" : String.format(Locale.ROOT, "%.2f", 100 * (r.solver().objective() - r.exact().objective()) / r.exact().objective());
        String vsGreedy = String.format(Locale.ROOT, "%.1f%%", 100 * (r.greedy().objective() - r.solver().objective()) / r.greedy().objective());
        String running = r.greedy().instances() + "/" + r.solver().instances() + "/" + (r.exact() == null ? "-" : r.exact().instances());
        String unserved = String.format(Locale.ROOT, "%.0f/%.0f/%s", r.greedy().unservedMbps(), r.solver().unservedMbps(),
                r.exact() == null ? "-" : String.format(Locale.ROOT, "%.0f", r.exact().unservedMbps()));
        return String.format(Locale.ROOT, "| %-9s | %9d | %5d | %5d | %9d | %10.3f | %9d | %10.3f | %9s | %10s | %6s | %9s | %-14s | %-21s | %6d |",
                r.topology(), r.asked(), r.cells(), r.units(), r.greedy().millis(), r.greedy().objective(), r.solver().millis(),
                r.solver().objective(), exactMs, exactObj, gap, vsGreedy, running, unserved, r.solver().hard());
    }
}
