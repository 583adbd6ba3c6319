package org.chainmarket.selection.solver;

import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.selection.ChainAssembler;
import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.ChainSelector;
import org.chainmarket.selection.HopCandidates;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.OfferState;
import org.chainmarket.selection.SelectionResult;
import org.chainmarket.selection.Steering;
import org.chainmarket.selection.domain.ChainFact;
import org.chainmarket.selection.domain.HopAssignment;
import org.chainmarket.selection.domain.Leg;
import org.chainmarket.selection.domain.LegListener;
import org.chainmarket.selection.domain.OfferFact;
import org.chainmarket.selection.domain.PathTable;
import org.chainmarket.selection.domain.SelectionSolution;
import org.chainmarket.selection.domain.ServableAlone;
import org.chainmarket.selection.exact.LayeredParetoSelector;
import org.chainmarket.selection.network.MultiDomainNetwork;
import org.chainmarket.selection.network.NetLink;
import org.jgrapht.GraphPath;
import org.optaplanner.core.api.score.ScoreExplanation;
import org.optaplanner.core.api.score.buildin.hardmediumsoftlong.HardMediumSoftLongScore;
import org.optaplanner.core.api.score.constraint.ConstraintMatchTotal;
import org.optaplanner.core.api.score.stream.ConstraintStreamImplType;
import org.optaplanner.core.api.solver.SolutionManager;
import org.optaplanner.core.api.solver.SolverFactory;
import org.optaplanner.core.config.localsearch.LocalSearchPhaseConfig;
import org.optaplanner.core.config.phase.custom.CustomPhaseConfig;
import org.optaplanner.core.config.solver.SolverConfig;
import org.optaplanner.core.config.solver.termination.TerminationConfig;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Selection with OptaPlanner (Bavet constraint streams): one chain, or a batch that shares offer and link capacity.
 * The solver starts from {@link SequentialInitializer} and improves with late-acceptance local search under
 * {@link SelectionConstraintProvider}; it chooses each hop's offer and each leg's route among the leg's k
 * lowest-latency usable paths. Its answer is then admitted chain by chain, along the chosen routes, against the
 * capacity actually left, so a result never overbooks an offer or a link; a chain that is not admitted is re-tried
 * with the exact single-chain search on what is left (which may route legs along alternatives too), and otherwise
 * rejected with the constraint and hop that fail.
 * Thread-safe: solver factories are shared, every call builds its own solver.
 */
public final class OptaPlannerSelector implements ChainSelector {
    private static final Map<FactoryKey, SolverFactory<SelectionSolution>> FACTORIES = new ConcurrentHashMap<>();

    /** One solver factory per limits and construction variant. */
    private record FactoryKey(SolverLimits limits, boolean columnPacking) {
    }

    private final SelectionWeights weights;
    private final Steering steering;
    private final Function<Integer, SolverLimits> limits;
    private final int kPaths;
    private final boolean columnPacking;

    /**
     * A selector whose legs may each take one of their {@code kPaths} lowest-latency usable routes (1 = shortest
     * only); the solver picks the route as it picks the offers, so chains that share a full link can move to another.
     */
    public OptaPlannerSelector(SelectionWeights weights, Steering steering, Function<Integer, SolverLimits> limits, int kPaths) {
        this(weights, steering, limits, kPaths, true);
    }

    private OptaPlannerSelector(SelectionWeights weights, Steering steering, Function<Integer, SolverLimits> limits, int kPaths,
                                boolean columnPacking) {
        if (kPaths < 1) {
            throw new IllegalArgumentException("kPaths must be at least 1, got " + kPaths);
        }
        this.weights = weights;
        this.steering = steering;
        this.limits = limits;
        this.kPaths = kPaths;
        this.columnPacking = columnPacking;
    }

    /**
     * This selector with the construction's column packing ({@link ColumnPacking}) on or off (on by default); off gives
     * the construction as it was before that step, to compare the two on the same batches.
     */
    public OptaPlannerSelector withColumnPacking(boolean on) {
        return new OptaPlannerSelector(weights, steering, limits, kPaths, on);
    }

    public OptaPlannerSelector(SelectionWeights weights, Steering steering, Function<Integer, SolverLimits> limits) {
        this(weights, steering, limits, MultiDomainNetwork.DEFAULT_K_PATHS);
    }

    public OptaPlannerSelector(SelectionWeights weights, Steering steering) {
        this(weights, steering, SolverLimits::forHops);
    }

    public OptaPlannerSelector() {
        this(SelectionWeights.DEFAULT, Steering.NO_PROXIES);
    }

    /** The batch results, the solver's score and its total per constraint (EUR/h-equivalents for soft ones). */
    public record BatchOutcome(List<SelectionResult> results, String score, Map<String, Double> totals) {
    }

    @Override
    public SelectionResult select(MarketSnapshot market, ChainOrder order) {
        return select(market, ChainRequest.of("chain", order));
    }

    @Override
    public SelectionResult select(MarketSnapshot market, ChainRequest request) {
        return solve(market, List.of(request), false).results().get(0);
    }

    @Override
    public List<SelectionResult> selectBatch(MarketSnapshot market, List<ChainRequest> requests) {
        return solve(market, requests, false).results();
    }

    /** The solver configuration: sequential construction (with column packing), then local search within {@code limits}. */
    public static SolverConfig solverConfig(SolverLimits limits) {
        return solverConfig(limits, true);
    }

    /** As {@link #solverConfig(SolverLimits)}, with the construction's column packing on or off. */
    public static SolverConfig solverConfig(SolverLimits limits, boolean columnPacking) {
        return new SolverConfig()
                .withSolutionClass(SelectionSolution.class)
                .withEntityClasses(HopAssignment.class)
                .withConstraintProviderClass(SelectionConstraintProvider.class)
                .withConstraintStreamImplType(ConstraintStreamImplType.BAVET)
                .withRandomSeed(42L)
                .withPhases(new CustomPhaseConfig().withCustomPhaseCommandList(List.of(new SequentialInitializer(limits.construction().toNanos(), columnPacking))),
                        new LocalSearchPhaseConfig().withTerminationConfig(termination(limits)));
    }

    private static TerminationConfig termination(SolverLimits limits) {
        TerminationConfig t = new TerminationConfig().withSpentLimit(limits.spent()).withUnimprovedSpentLimit(limits.unimproved());
        return limits.calculations() > 0 ? t.withScoreCalculationCountLimit(limits.calculations()) : t;
    }

    private static SolverFactory<SelectionSolution> factory(SolverLimits limits, boolean columnPacking) {
        return FACTORIES.computeIfAbsent(new FactoryKey(limits, columnPacking),
                k -> SolverFactory.create(solverConfig(k.limits(), k.columnPacking())));
    }

    /**
     * A batch as a planning problem: one {@link ChainFact} per request that every hop has a candidate for (the others'
     * results are set in {@code results} already), its hops, the offers and the path table; {@code position} maps a
     * chain to its request's index.
     */
    record Problem(SelectionSolution solution, Map<ChainFact, Integer> position, SelectionResult[] results) {
    }

    Problem problem(MarketSnapshot market, List<ChainRequest> requests) {
        SelectionResult[] results = new SelectionResult[requests.size()];
        Map<OfferId, OfferFact> factOf = new LinkedHashMap<>();
        for (OfferState o : market.offers()) {
            factOf.put(o.offer().offerId(), OfferFact.of(factOf.size(), o));
        }
        List<OfferFact> offers = List.copyOf(factOf.values());

        PathTable table = new PathTable(market.network(), market.linkUsageMbps(), linksCanRunOut(market, requests) ? kPaths : 1);
        List<ChainFact> chains = new ArrayList<>();
        List<HopAssignment> hops = new ArrayList<>();
        Map<ChainFact, Integer> position = new HashMap<>();
        Map<String, List<OfferState>> byType = HopCandidates.byType(market);
        for (int i = 0; i < requests.size(); i++) {
            ChainRequest r = requests.get(i);
            HopCandidates candidates = HopCandidates.of(market, r, steering, byType);
            if (candidates.rejection().isPresent()) {
                results[i] = candidates.rejection().get();
                continue;
            }
            ChainFact chain = ChainFact.of(chains.size(), r, table, weights);
            chains.add(chain);
            position.put(chain, i);
            List<HopAssignment> chainHops = new ArrayList<>();
            for (int h = 0; h < chain.length(); h++) {
                List<OfferFact> admissible = candidates.admissible(h).stream().map(o -> factOf.get(o.offer().offerId())).toList();
                chainHops.add(new HopAssignment(hops.size() + h, chain, h, admissible));
            }
            HopAssignment.link(chainHops);
            hops.addAll(chainHops);
        }
        return new Problem(new SelectionSolution(chains, offers, hops, table), position, results);
    }

    /** Solves a batch; with {@code explain} the outcome carries the per-constraint totals (costs a few ms more). */
    public BatchOutcome solve(MarketSnapshot market, List<ChainRequest> requests, boolean explain) {
        Problem problem = problem(market, requests);
        SelectionResult[] results = problem.results();
        String score = "n/a";
        Map<String, Double> totals = new LinkedHashMap<>();
        if (!problem.solution().getHops().isEmpty()) {
            SelectionSolution solved = factory(limits.apply(problem.solution().getHops().size()), columnPacking)
                    .buildSolver().solve(problem.solution());
            score = String.valueOf(solved.getScore());
            if (explain) {
                totals = totals(solved);
            }
            admit(market, solved, problem.position(), results);
        }
        return new BatchOutcome(List.of(results), score, totals);
    }

    /**
     * The batch's chains as {@link PlanPricing} sees them: each chain's least plan when the offers and links it uses
     * have prices (what a column generation prices its columns with); chains some hop has no admissible offer for are
     * left out.
     */
    public PlanPricing pricing(MarketSnapshot market, List<ChainRequest> requests) {
        return new PlanPricing(problem(market, requests).solution());
    }

    /**
     * Whether this problem's chains could use up some link they can use: only then can a leg need another route than
     * its shortest, so only then do the solver's route variables range over k routes (otherwise moving them would
     * only cost time: an alternative is never shorter).
     */
    private static boolean linksCanRunOut(MarketSnapshot market, List<ChainRequest> requests) {
        double demand = 0;
        double narrowest = Double.POSITIVE_INFINITY;
        for (ChainRequest r : requests) {
            demand += r.order().bandwidthMbps() * (r.order().vnfTypes().size() + 1);
            narrowest = Math.min(narrowest, r.order().bandwidthMbps());
        }
        for (NetLink l : market.network().links()) {
            double free = market.freeMbps(l);
            if (free >= narrowest && free < demand) {
                return true;
            }
        }
        return false;
    }

    /** Per-constraint totals of a solution: hard in their own units, soft in EUR/h-equivalents. */
    public static Map<String, Double> totals(SelectionSolution solution) {
        SolverFactory<SelectionSolution> f = FACTORIES.values().stream().findFirst()
                .orElseGet(() -> factory(SolverLimits.forHops(1), true));
        SolutionManager<SelectionSolution, HardMediumSoftLongScore> manager = SolutionManager.create(f);
        ScoreExplanation<SelectionSolution, HardMediumSoftLongScore> explanation = manager.explain(solution);
        Map<String, Double> out = new LinkedHashMap<>();
        for (String name : SelectionConstraintProvider.HARD) {
            out.put(name, 0.0);
        }
        out.put(SelectionConstraintProvider.UNSERVED_CHAIN, 0.0);
        for (String name : SelectionConstraintProvider.SOFT) {
            out.put(name, 0.0);
        }
        for (ConstraintMatchTotal<HardMediumSoftLongScore> t : explanation.getConstraintMatchTotalMap().values()) {
            HardMediumSoftLongScore s = t.getScore();
            double v = s.hardScore() != 0 ? -s.hardScore() : s.mediumScore() != 0 ? -s.mediumScore()
                    : -(double) s.softScore() / org.chainmarket.selection.domain.Units.SOFT_PER_EUR;
            out.put(t.getConstraintName(), v);
        }
        return out;
    }

    /**
     * Admits the solver's chains one by one against one ledger, the snapshot with the chains admitted so far held
     * ({@link MarketSnapshot#withChain}); a chain that does not fit is re-tried with the exact single-chain search on
     * what is left. A chain left unserved is rejected with its own reason when it cannot be served even alone, and
     * otherwise for the capacity the batch took.
     */
    private void admit(MarketSnapshot market, SelectionSolution solved, Map<ChainFact, Integer> position, SelectionResult[] results) {
        Map<ChainFact, List<HopAssignment>> byChain = new LinkedHashMap<>();
        for (HopAssignment h : solved.getHops()) {
            byChain.computeIfAbsent(h.getChain(), c -> new ArrayList<>()).add(h);
        }
        List<ChainFact> retry = new ArrayList<>();
        List<ChainFact> unserved = new ArrayList<>();
        MarketSnapshot left = market;
        for (Map.Entry<ChainFact, List<HopAssignment>> e : byChain.entrySet()) {
            ChainFact chain = e.getKey();
            List<HopAssignment> chainHops = e.getValue();
            chainHops.sort(Comparator.comparingInt(HopAssignment::getIndex));
            if (chainHops.stream().allMatch(h -> h.getOffer() == null)) {
                unserved.add(chain); // placed nowhere: construction already searched what the others left
                continue;
            }
            if (chainHops.stream().anyMatch(h -> h.getOffer() == null)) {
                retry.add(chain);
                continue;
            }
            List<OfferState> chosen = chainHops.stream().map(h -> h.getOffer().state()).toList();
            Optional<ConcreteChain> assembled = assembleAlongLegs(chain, chainHops, chosen, market);
            if (assembled.isEmpty() || !left.fits(assembled.get(), chain.order())) {
                retry.add(chain);
                continue;
            }
            left = left.withChain(assembled.get(), chain.order().bandwidthMbps());
            results[position.get(chain)] = selected(assembled.get(), chain.request());
        }
        LayeredParetoSelector exact = new LayeredParetoSelector(weights.objective(), steering, kPaths);
        for (ChainFact chain : retry) {
            SelectionResult r = exact.select(left, chain.request());
            if (r instanceof SelectionResult.Selected s) {
                left = left.withChain(s.chain(), chain.order().bandwidthMbps());
                results[position.get(chain)] = selected(s.chain(), chain.request());
            } else {
                unserved.add(chain);
            }
        }
        ServableAlone servable = solved.getServableAlone();
        LayeredParetoSelector.Explainer explainer = exact.explainer(market);
        for (ChainFact chain : unserved) {
            results[position.get(chain)] = servable.known() ? rejection(servable, chain, explainer)
                    : rejection(exact.select(market, chain.request()));
        }
    }

    /**
     * Why a chain the batch leaves unserved is rejected, from what the construction found for it alone: a plan (it was
     * the capacity the batch took), a finished search without one (its own reason, explained without searching for a
     * chain again), or a search that stopped at its budget (its reason, and that the search stopped).
     */
    static SelectionResult.Rejected rejection(ServableAlone servable, ChainFact chain, LayeredParetoSelector.Explainer explainer) {
        if (servable.contains(chain)) {
            return rejection(null);
        }
        SelectionResult.Rejected why = explainer.explain(chain.request());
        return servable.infeasible(chain) ? why : new SelectionResult.Rejected(why.constraint(), why.hopIndex(), why.reason()
                + " No chain within the limits was found before the search reached its budget.");
    }

    /** {@code alone} when it is a rejection, otherwise the rejection for the capacity the other chains of the batch took. */
    private static SelectionResult.Rejected rejection(SelectionResult alone) {
        return alone instanceof SelectionResult.Rejected r ? r : new SelectionResult.Rejected(SelectionResult.Constraint.OFFER_CAPACITY,
                null, "The chain would fit on its own: the other chains of this batch took the offer or link capacity it needs.");
    }

    /** The chain along the routes the solver chose for its legs; empty when a leg has no usable path. */
    private static Optional<ConcreteChain> assembleAlongLegs(ChainFact chain, List<HopAssignment> chainHops, List<OfferState> chosen,
                                                             MarketSnapshot market) {
        List<GraphPath<String, NetLink>> paths = new ArrayList<>();
        for (HopAssignment h : chainHops) {
            Leg in = h.computeLegIn();
            if (in == null || !in.reachable()) {
                return Optional.empty();
            }
            paths.add(chain.paths().path(in));
        }
        Leg out = chainHops.get(chainHops.size() - 1).legOut();
        if (out == null || !out.reachable()) {
            return Optional.empty();
        }
        paths.add(chain.paths().path(out));
        return Optional.of(ChainAssembler.assemble(chain.order(), chosen, market.network(), paths));
    }

    private SelectionResult.Selected selected(ConcreteChain chain, ChainRequest request) {
        return new SelectionResult.Selected(chain, weights.objective().of(chain.latencyMs(), chain.pricePerHour()),
                ChainScores.of(chain, request, weights));
    }
}
