package org.chainmarket.selection.testing;

import com.google.ortools.Loader;
import com.google.ortools.linearsolver.MPConstraint;
import com.google.ortools.linearsolver.MPObjective;
import com.google.ortools.linearsolver.MPSolver;
import com.google.ortools.linearsolver.MPSolverParameters;
import com.google.ortools.linearsolver.MPVariable;
import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.Objective;
import org.chainmarket.selection.OfferState;
import org.chainmarket.selection.SelectionResult;
import org.chainmarket.selection.network.NetLink;
import org.jgrapht.Graph;
import org.jgrapht.GraphPath;
import org.jgrapht.alg.interfaces.ShortestPathAlgorithm;
import org.jgrapht.alg.shortestpath.DijkstraShortestPath;
import org.jgrapht.alg.shortestpath.YenKShortestPath;
import org.jgrapht.graph.AsWeightedGraph;
import org.jgrapht.graph.MaskSubgraph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An independent optimum of the selection problem as a mixed-integer program, solved by SCIP through OR-Tools; it
 * shares no search code with the engine (paths from JGraphT's Dijkstra and Yen, candidates filtered here).
 * <p>
 * The problem is the engine's: every chain takes one offer per hop (its VNF type, an allowed provider, capacity free)
 * and no offer for two of its hops, routes every leg along one of its {@code kPaths} lowest-latency loopless paths
 * over links with the chain's bandwidth free, keeps its latency bound (links + processing at the snapshot's load) and
 * budget; all chains together keep every offer's free bandwidth and chain slots and every link's free bandwidth
 * (a link crossed by two legs carries the chain twice). Lexicographic objective: serve as many chains as possible,
 * then least total price + weight x latency.
 * <p>
 * Variables: {@code x[chain, hop, offer]}, {@code served[chain]}, and per leg a flow through the layered graph of
 * switches {@code y[chain, leg, from switch, to switch, route]} with conservation against the offers chosen at
 * either end. Reductions that keep the optimum: offers and switch pairs that cannot meet the latency bound or budget
 * even with the shortest everything else (the shortest paths through the chain's earlier and later hops, each at its
 * nearest candidate) are left out, and a pair has variables for its alternatives only when its shortest path crosses
 * a link that the batch could overbook. A chain's latency and price rows are scaled by its served variable, which is
 * the same for whole chains and tightens the LP relaxation. Solved within a time limit, optionally starting from
 * another strategy's chains (a solution hint); the result says whether it is proven optimal and gives SCIP's bound.
 */
public final class MilpReference {
    private final Objective objective;
    private final int kPaths;

    public MilpReference(Objective objective, int kPaths) {
        this.objective = objective;
        this.kPaths = kPaths;
    }

    /**
     * The outcome: chains served and their summed objective in the best solution found, upper bound of the chains
     * that can be served and lower bound of the objective at that count (both proven by SCIP), whether it is optimal,
     * and the model's size and time.
     */
    public record Result(int served, double objective, int servedBound, double objectiveBound, boolean optimal, String status,
                         long millis, long timeLimitMillis, int variables, int constraints, List<List<String>> offers,
                         int hintedChains) {
    }

    /** One route variable of a leg: the switches of its path, in order. */
    private record Route(List<String> switches, MPVariable y) {
    }

    /**
     * Sets SCIP's solution hint from {@code start}: for each selected chain the model can represent (its offers have
     * variables), served = 1, its offers' x = 1 and each leg's route variable whose path is the leg's; every other
     * variable of that chain 0, and every chain not selected unserved. Returns the number of chains hinted as served.
     */
    private static int hint(MPSolver solver, List<ChainRequest> requests, List<MPVariable> served,
                            List<List<Map<OfferState, MPVariable>>> chosen, List<List<Map<String, List<Route>>>> routeVars,
                            List<SelectionResult> start) {
        Map<MPVariable, Double> values = new LinkedHashMap<>();
        int hinted = 0;
        for (int i = 0; i < requests.size(); i++) {
            List<Map<OfferState, MPVariable>> xs = chosen.get(i);
            List<MPVariable> picked = new ArrayList<>();
            boolean representable = false;
            if (start.get(i) instanceof SelectionResult.Selected sel) {
                representable = true;
                ConcreteChain c = sel.chain();
                for (int h = 0; h < xs.size() && representable; h++) {
                    String id = c.hops().get(h).offerId().value();
                    MPVariable v = xs.get(h).entrySet().stream().filter(e -> e.getKey().offer().offerId().value().equals(id))
                            .map(Map.Entry::getValue).findFirst().orElse(null);
                    representable = v != null;
                    picked.add(v);
                }
                if (representable) {
                    List<List<String>> legs = legs(c);
                    for (int j = 0; j < legs.size(); j++) {
                        List<String> leg = legs.get(j);
                        List<Route> routes = routeVars.get(i).get(j).getOrDefault(leg.get(0) + "|" + leg.get(leg.size() - 1), List.of());
                        routes.stream().filter(r -> r.switches().equals(leg)).findFirst().ifPresent(r -> picked.add(r.y()));
                    }
                }
            }
            values.put(served.get(i), representable ? 1.0 : 0.0);
            hinted += representable ? 1 : 0;
            for (Map<OfferState, MPVariable> x : xs) {
                x.values().forEach(v -> values.put(v, 0.0));
            }
            for (Map<String, List<Route>> leg : routeVars.get(i)) {
                leg.values().forEach(rs -> rs.forEach(r -> values.put(r.y(), 0.0)));
            }
            if (representable) {
                picked.forEach(v -> values.put(v, 1.0));
            }
        }
        MPVariable[] vars = values.keySet().toArray(new MPVariable[0]);
        double[] vals = values.values().stream().mapToDouble(Double::doubleValue).toArray();
        solver.setHint(vars, vals);
        return hinted;
    }

    /** The switches of each leg of {@code chain} (ingress to hop 1, ..., last hop to egress), in order, repeats removed. */
    static List<List<String>> legs(ConcreteChain chain) {
        List<List<String>> out = new ArrayList<>();
        List<String> leg = new ArrayList<>();
        for (ConcreteChain.PathNode n : chain.path()) {
            if (leg.isEmpty() || !leg.get(leg.size() - 1).equals(n.switchId())) {
                leg.add(n.switchId());
            }
            if (n.hopIndex() != null) {
                out.add(leg);
                leg = new ArrayList<>();
                leg.add(n.switchId());
            }
        }
        out.add(leg);
        return out;
    }

    public Result solve(MarketSnapshot market, List<ChainRequest> requests, long timeLimitMillis) {
        return solve(market, requests, timeLimitMillis, null);
    }

    /**
     * As {@link #solve(MarketSnapshot, List, long)}, starting SCIP from {@code hintFrom} (results by request, e.g. another
     * strategy's; null = none): every selected chain's served flag, offers and the routes of its legs that are among
     * the model's routes are handed to SCIP as a (partial) solution hint, so that it has an incumbent at least that good
     * from the start and spends its time on the bound. The hint changes what SCIP finds first, never what is optimal.
     */
    public Result solve(MarketSnapshot market, List<ChainRequest> requests, long timeLimitMillis, List<SelectionResult> hintFrom) {
        Loader.loadNativeLibraries();
        long t0 = System.currentTimeMillis();
        MPSolver solver = MPSolver.createSolver("SCIP");
        if (solver == null) {
            throw new IllegalStateException("OR-Tools has no SCIP solver on this platform");
        }
        double totalDemand = 0;
        double maxObjective = 0;
        for (ChainRequest r : requests) {
            totalDemand += r.order().bandwidthMbps() * (r.order().vnfTypes().size() + 1);
            maxObjective += r.order().maxPricePerHour() + objective.latencyWeight() * r.order().maxLatencyMs();
        }
        double big = maxObjective + 1;
        Set<NetLink> constrained = new LinkedHashSet<>();
        for (NetLink l : market.network().links()) {
            if (l.freeMbps(market.linkUsageMbps()) < totalDemand) {
                constrained.add(l);
            }
        }
        Map<NetLink, MPConstraint> linkRows = new HashMap<>();
        for (NetLink l : constrained) {
            linkRows.put(l, solver.makeConstraint(Double.NEGATIVE_INFINITY, Math.max(0, l.freeMbps(market.linkUsageMbps()))));
        }
        Map<OfferState, MPConstraint[]> offerRows = new LinkedHashMap<>();
        for (OfferState o : market.offers()) {
            offerRows.put(o, new MPConstraint[]{solver.makeConstraint(Double.NEGATIVE_INFINITY, Math.max(0, o.freeMbps())),
                    solver.makeConstraint(Double.NEGATIVE_INFINITY, Math.max(0, o.freeChains()))});
        }
        MPObjective obj = solver.objective();
        List<MPVariable> served = new ArrayList<>();
        List<List<Map<OfferState, MPVariable>>> chosen = new ArrayList<>();
        // per chain and leg: "from|to" -> the route variables of that switch pair with their paths
        List<List<Map<String, List<Route>>>> routeVars = new ArrayList<>();
        Map<Double, Paths> pathsByBandwidth = new HashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            ChainOrder order = requests.get(i).order();
            double bw = order.bandwidthMbps();
            Paths paths = pathsByBandwidth.computeIfAbsent(bw, b -> new Paths(market, b));
            MPVariable s = solver.makeBoolVar("s" + i);
            served.add(s);
            obj.setCoefficient(s, -big);
            // latency <= bound x served and price <= budget x served: the same for whole chains, but a chain served in
            // part (in the LP relaxation) must keep its bounds in proportion, which tightens the proven bound
            MPConstraint latency = solver.makeConstraint(Double.NEGATIVE_INFINITY, 0, "lat" + i);
            latency.setCoefficient(s, -order.maxLatencyMs());
            MPConstraint budget = solver.makeConstraint(Double.NEGATIVE_INFINITY, 0, "price" + i);
            budget.setCoefficient(s, -order.maxPricePerHour());
            int hops = order.vnfTypes().size();
            List<List<OfferState>> layers = new ArrayList<>();
            double minPrices = 0;
            for (String type : order.vnfTypes()) {
                List<OfferState> layer = market.offers().stream().filter(o -> o.offer().vnfType().equals(type)
                        && order.allows(o.offer().providerId()) && o.freeChains() >= 1 && o.freeMbps() + 1e-9 >= bw).toList();
                layers.add(layer);
                minPrices += layer.stream().mapToDouble(o -> o.offer().priceFor(bw)).min().orElse(0);
            }
            // least latency from the ingress through hops 1..h+1 to each offer of hop h+1, and from each offer of a hop through
            // the later hops to the egress (shortest paths, processing included): no chain through it is faster
            double[][] fwd = new double[hops][];
            double[][] bwd = new double[hops][];
            for (int h = 0; h < hops; h++) {
                Map<String, Double> before = h == 0 ? Map.of(order.ingress(), 0.0) : leastBySwitch(layers.get(h - 1), fwd[h - 1]);
                fwd[h] = through(paths, before, layers.get(h));
            }
            for (int h = hops - 1; h >= 0; h--) {
                Map<String, Double> after = h == hops - 1 ? Map.of(order.egress(), 0.0) : leastBySwitch(layers.get(h + 1), bwd[h + 1]);
                bwd[h] = through(paths, after, layers.get(h));
            }
            List<Map<String, Double>> keptFwd = new ArrayList<>(); // per hop: switch -> least fwd of the offers kept there
            List<Map<String, Double>> keptBwd = new ArrayList<>();
            List<Map<OfferState, MPVariable>> xs = new ArrayList<>();
            Map<OfferState, List<MPVariable>> usesOfOffer = new HashMap<>();
            List<Map<String, List<MPVariable>>> atSwitch = new ArrayList<>(); // per position: switch -> x variables
            Map<String, List<MPVariable>> start = new HashMap<>();
            start.put(order.ingress(), List.of(s));
            atSwitch.add(start);
            for (int h = 0; h < hops; h++) {
                Map<OfferState, MPVariable> x = new LinkedHashMap<>();
                Map<String, List<MPVariable>> bySwitch = new HashMap<>();
                MPConstraint one = solver.makeConstraint(0, 0);
                one.setCoefficient(s, -1);
                double otherPrices = minPrices - layers.get(h).stream().mapToDouble(o -> o.offer().priceFor(bw)).min().orElse(0);
                Map<String, Double> hopFwd = new HashMap<>();
                Map<String, Double> hopBwd = new HashMap<>();
                keptFwd.add(hopFwd);
                keptBwd.add(hopBwd);
                for (int q = 0; q < layers.get(h).size(); q++) {
                    OfferState o = layers.get(h).get(q);
                    double through = fwd[h][q] + bwd[h][q] - o.processingLatencyMs();
                    if (!(through <= order.maxLatencyMs() + 1e-9) || o.offer().priceFor(bw) + otherPrices > order.maxPricePerHour() + 1e-9) {
                        continue;
                    }
                    hopFwd.merge(o.switchId(), fwd[h][q], Math::min);
                    hopBwd.merge(o.switchId(), bwd[h][q], Math::min);
                    MPVariable v = solver.makeBoolVar("x" + i + "_" + h + "_" + o.offer().offerId().value());
                    x.put(o, v);
                    one.setCoefficient(v, 1);
                    double price = o.offer().priceFor(bw);
                    obj.setCoefficient(v, price + objective.latencyWeight() * o.processingLatencyMs());
                    latency.setCoefficient(v, o.processingLatencyMs());
                    budget.setCoefficient(v, price);
                    MPConstraint[] rows = offerRows.get(o);
                    rows[0].setCoefficient(v, rows[0].getCoefficient(v) + bw);
                    rows[1].setCoefficient(v, rows[1].getCoefficient(v) + 1);
                    usesOfOffer.computeIfAbsent(o, k -> new ArrayList<>()).add(v);
                    bySwitch.computeIfAbsent(o.switchId(), k -> new ArrayList<>()).add(v);
                }
                xs.add(x);
                atSwitch.add(bySwitch);
            }
            Map<String, List<MPVariable>> end = new HashMap<>();
            end.put(order.egress(), List.of(s));
            atSwitch.add(end);
            for (List<MPVariable> uses : usesOfOffer.values()) {
                if (uses.size() > 1) {
                    MPConstraint once = solver.makeConstraint(Double.NEGATIVE_INFINITY, 1);
                    uses.forEach(v -> once.setCoefficient(v, 1));
                }
            }
            List<Map<String, List<Route>>> chainRoutes = new ArrayList<>();
            routeVars.add(chainRoutes);
            for (int j = 0; j <= hops; j++) {
                Map<String, List<Route>> legRoutes = new HashMap<>();
                chainRoutes.add(legRoutes);
                Map<String, List<MPVariable>> from = atSwitch.get(j);
                Map<String, List<MPVariable>> to = atSwitch.get(j + 1);
                Map<String, MPConstraint> out = new HashMap<>();
                Map<String, MPConstraint> in = new HashMap<>();
                for (Map.Entry<String, List<MPVariable>> a : from.entrySet()) {
                    MPConstraint c = solver.makeConstraint(0, 0);
                    a.getValue().forEach(v -> c.setCoefficient(v, -1));
                    out.put(a.getKey(), c);
                }
                for (Map.Entry<String, List<MPVariable>> b : to.entrySet()) {
                    MPConstraint c = solver.makeConstraint(0, 0);
                    b.getValue().forEach(v -> c.setCoefficient(v, -1));
                    in.put(b.getKey(), c);
                }
                for (String a : from.keySet()) {
                    double fa = j == 0 ? 0 : keptFwd.get(j - 1).get(a);
                    for (String b : to.keySet()) {
                        double lb = fa + paths.latency(a, b) + (j == hops ? 0 : keptBwd.get(j).get(b));
                        if (!(lb <= order.maxLatencyMs() + 1e-9)) {
                            continue;
                        }
                        List<GraphPath<String, NetLink>> routes = paths.routes(a, b, kPaths, constrained);
                        for (int r = 0; r < routes.size(); r++) {
                            GraphPath<String, NetLink> p = routes.get(r);
                            MPVariable y = solver.makeBoolVar("y" + i + "_" + j + "_" + a + "_" + b + "_" + r);
                            legRoutes.computeIfAbsent(a + "|" + b, k -> new ArrayList<>()).add(new Route(p.getVertexList(), y));
                            out.get(a).setCoefficient(y, 1);
                            in.get(b).setCoefficient(y, 1);
                            obj.setCoefficient(y, objective.latencyWeight() * p.getWeight());
                            latency.setCoefficient(y, p.getWeight());
                            for (NetLink l : p.getEdgeList()) {
                                MPConstraint row = linkRows.get(l);
                                if (row != null) {
                                    row.setCoefficient(y, row.getCoefficient(y) + bw);
                                }
                            }
                        }
                    }
                }
            }
            chosen.add(xs);
        }
        obj.setMinimization();
        int hinted = hintFrom == null ? 0 : hint(solver, requests, served, chosen, routeVars, hintFrom);
        solver.setTimeLimit(timeLimitMillis);
        // OR-Tools stops at a relative gap of 1e-4 by default: with the chains' weight in the objective that leaves the
        // cost of the served chains up to a few EUR/h from the optimum while "optimal"; ask for the optimum itself
        MPSolverParameters parameters = new MPSolverParameters();
        parameters.setDoubleParam(MPSolverParameters.DoubleParam.RELATIVE_MIP_GAP, 0.0);
        MPSolver.ResultStatus status = solver.solve(parameters);
        long millis = System.currentTimeMillis() - t0;
        boolean hasSolution = status == MPSolver.ResultStatus.OPTIMAL || status == MPSolver.ResultStatus.FEASIBLE;
        int count = 0;
        List<List<String>> offers = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            List<String> hopsOffers = new ArrayList<>();
            if (hasSolution && served.get(i).solutionValue() > 0.5) {
                count++;
                for (Map<OfferState, MPVariable> x : chosen.get(i)) {
                    x.forEach((o, v) -> {
                        if (v.solutionValue() > 0.5) {
                            hopsOffers.add(o.offer().offerId().value());
                        }
                    });
                }
            }
            offers.add(hopsOffers);
        }
        double value = hasSolution ? obj.value() + big * count : Double.NaN;
        double bound = obj.bestBound();
        int servedBound = (int) Math.min(requests.size(), Math.ceil(-bound / big - 1e-9));
        double objectiveBound = status == MPSolver.ResultStatus.OPTIMAL ? value
                : servedBound == count ? Math.max(0, bound + big * count) : 0;
        Result result = new Result(count, value, servedBound, objectiveBound, status == MPSolver.ResultStatus.OPTIMAL,
                status.name(), millis, timeLimitMillis, solver.numVariables(), solver.numConstraints(), offers, hinted);
        solver.delete();
        return result;
    }

    /** Per switch, the least of {@code values} (by offer of {@code layer}) over the offers there. */
    private static Map<String, Double> leastBySwitch(List<OfferState> layer, double[] values) {
        Map<String, Double> out = new HashMap<>();
        for (int k = 0; k < layer.size(); k++) {
            out.merge(layer.get(k).switchId(), values[k], Math::min);
        }
        return out;
    }

    /** Per offer of {@code layer}: its processing plus the least of (value + path latency) from the switches of {@code ends}. */
    private static double[] through(Paths paths, Map<String, Double> ends, List<OfferState> layer) {
        double[] out = new double[layer.size()];
        Map<String, Double> bySwitch = new HashMap<>();
        for (int k = 0; k < layer.size(); k++) {
            OfferState o = layer.get(k);
            double least = bySwitch.computeIfAbsent(o.switchId(), sw -> {
                double m = Double.POSITIVE_INFINITY;
                for (Map.Entry<String, Double> e : ends.entrySet()) {
                    m = Math.min(m, e.getValue() + paths.latency(e.getKey(), sw));
                }
                return m;
            });
            out[k] = least + o.processingLatencyMs();
        }
        return out;
    }

    /** Lowest-latency paths over the links with a bandwidth free, and k-shortest alternatives, from JGraphT. */
    private static final class Paths {
        final DijkstraShortestPath<String, NetLink> dijkstra;
        final YenKShortestPath<String, NetLink> yen;
        final Map<String, Map<String, Double>> latency = new HashMap<>();
        /** Shortest-path trees by source, and the routes of each switch pair: chains share them. */
        final Map<String, ShortestPathAlgorithm.SingleSourcePaths<String, NetLink>> trees = new HashMap<>();
        final Map<String, List<GraphPath<String, NetLink>>> routes = new HashMap<>();

        Paths(MarketSnapshot market, double bw) {
            Graph<String, NetLink> usable = new AsWeightedGraph<>(new MaskSubgraph<>(market.network().graph(), v -> false,
                    e -> e.freeMbps(market.linkUsageMbps()) + 1e-9 < bw), NetLink::latencyMs, false, false);
            dijkstra = new DijkstraShortestPath<>(usable);
            yen = new YenKShortestPath<>(usable);
        }

        double latency(String a, String b) {
            if (a.equals(b)) {
                return 0;
            }
            return latency.computeIfAbsent(a, s -> new HashMap<>()).computeIfAbsent(b, t -> {
                double d = tree(a).getWeight(b);
                return Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
            });
        }

        private ShortestPathAlgorithm.SingleSourcePaths<String, NetLink> tree(String source) {
            return trees.computeIfAbsent(source, dijkstra::getPaths);
        }

        /** The shortest path, and when it crosses a constrained link, the next k - 1 shortest loopless ones. */
        List<GraphPath<String, NetLink>> routes(String a, String b, int k, Set<NetLink> constrained) {
            return routes.computeIfAbsent(a + "|" + b, key -> computeRoutes(a, b, k, constrained));
        }

        private List<GraphPath<String, NetLink>> computeRoutes(String a, String b, int k, Set<NetLink> constrained) {
            GraphPath<String, NetLink> shortest = tree(a).getPath(b);
            if (shortest == null) {
                return List.of();
            }
            if (k == 1 || a.equals(b) || shortest.getEdgeList().stream().noneMatch(constrained::contains)) {
                return List.of(shortest);
            }
            List<GraphPath<String, NetLink>> out = new ArrayList<>(yen.getPaths(a, b, k));
            if (out.isEmpty() || Math.abs(out.get(0).getWeight() - shortest.getWeight()) > 1e-9) {
                out.add(0, shortest);
            }
            return out.subList(0, Math.min(k, out.size()));
        }
    }
}
