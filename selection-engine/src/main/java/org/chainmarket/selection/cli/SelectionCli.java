package org.chainmarket.selection.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.SelectionResult;
import org.chainmarket.selection.exact.ExhaustiveBatchSelector;
import org.chainmarket.selection.exact.LayeredParetoSelector;
import org.chainmarket.selection.greedy.NearestInstanceSelector;
import org.chainmarket.selection.problem.LoadedProblem;
import org.chainmarket.selection.problem.ProblemLoader;
import org.chainmarket.selection.solver.ChainScores;
import org.chainmarket.selection.solver.OptaPlannerSelector;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code selection-engine solve problem.json [-o out.json] [--strategy solver|greedy|exact]}. */
@Command(name = "selection-engine", mixinStandardHelpOptions = true, subcommands = {SelectionCli.Solve.class},
        description = "Selects concrete service chains (offers and paths) for abstract chain requests.")
public final class SelectionCli implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given output streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return new CommandLine(new SelectionCli()).setOut(out).setErr(err).execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "name a subcommand, e.g. solve problem.json");
    }

    /** Which selection strategy to use. */
    public enum Strategy { solver, greedy, exact }

    @Command(name = "solve", mixinStandardHelpOptions = true,
            description = "Solves a problem file and writes the concrete chains and their score as JSON.")
    static final class Solve implements Callable<Integer> {
        @Parameters(index = "0", description = "problem file (JSON, see README)")
        Path problem;

        @Option(names = {"-o", "--output"}, description = "write the result here instead of standard output")
        Path output;

        @Option(names = "--strategy", defaultValue = "solver", description = "solver (default), greedy or exact")
        Strategy strategy;

        @Option(names = "--k-paths", defaultValue = "3",
                description = "routes per leg the solver and the exact single-chain search may choose from (default 3; 1 = shortest only)")
        int kPaths;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            LoadedProblem p = ProblemLoader.load(problem);
            long t0 = System.nanoTime();
            List<SelectionResult> results;
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("strategy", strategy.name());
            switch (strategy) {
                case solver -> {
                    OptaPlannerSelector.BatchOutcome outcome = new OptaPlannerSelector(p.weights(), p.steering(),
                            org.chainmarket.selection.solver.SolverLimits::forHops, kPaths).solve(p.market(), p.requests(), true);
                    results = outcome.results();
                    doc.put("score", outcome.score());
                    doc.put("constraintTotals", outcome.totals());
                }
                case greedy -> results = new NearestInstanceSelector(p.weights().objective(), p.steering()).selectBatch(p.market(), p.requests());
                case exact -> results = p.requests().size() == 1
                        ? List.of(new LayeredParetoSelector(p.weights().objective(), p.steering(), kPaths).select(p.market(), p.requests().get(0)))
                        : new ExhaustiveBatchSelector(p.weights().objective(), p.steering(), 2_000_000).selectBatch(p.market(), p.requests());
                default -> throw new IllegalStateException();
            }
            doc.put("solveMillis", (System.nanoTime() - t0) / 1e6);
            List<Map<String, Object>> chains = new ArrayList<>();
            double total = 0;
            int served = 0;
            for (int i = 0; i < results.size(); i++) {
                ChainRequest r = p.requests().get(i);
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("id", r.id());
                if (results.get(i) instanceof SelectionResult.Selected s) {
                    served++;
                    total += s.objective();
                    c.put("status", "selected");
                    c.put("objective", s.objective());
                    c.put("breakdown", s.breakdown().isEmpty() ? ChainScores.of(s.chain(), r, p.weights()) : s.breakdown());
                    c.put("chain", s.chain());
                } else if (results.get(i) instanceof SelectionResult.Rejected rej) {
                    c.put("status", "rejected");
                    c.put("constraint", rej.constraint());
                    c.put("hop", rej.hopIndex());
                    c.put("reason", rej.reason());
                }
                chains.add(c);
            }
            doc.put("served", served);
            doc.put("rejected", results.size() - served);
            doc.put("totalObjective", total);
            doc.put("chains", chains);
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            String json = mapper.writeValueAsString(doc);
            if (output != null) {
                Files.writeString(output, json + System.lineSeparator());
                spec.commandLine().getOut().println("wrote " + served + " selected and " + (results.size() - served)
                        + " rejected chains to " + output);
            } else {
                spec.commandLine().getOut().println(json);
            }
            return 0;
        }
    }
}
