package org.chainmarket.selection.solver;

import org.chainmarket.selection.domain.ChainFact;
import org.chainmarket.selection.domain.HopAssignment;
import org.chainmarket.selection.domain.Leg;
import org.chainmarket.selection.domain.LinkFact;
import org.chainmarket.selection.domain.OfferFact;
import org.chainmarket.selection.domain.PathTable;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The best offers for one chain given the capacity other chains left: a dynamic program over the layered hop
 * graph on the solver's own facts (indexed switches, cached legs), cheap enough to run many times per batch.
 * It first finds the cheapest chain by the soft cost (price, latency, crossings, changed hops) ignoring the latency
 * bound and budget, keeping one label per switch and layer (the future only depends on the switch); if that chain
 * breaks a bound or reuses an offer it falls back to Pareto labels (latency, price, cost) per offer like
 * {@link org.chainmarket.selection.exact.LayeredParetoSelector}. Every leg takes the lowest-latency of its k routes
 * (shortest first, then the next-shortest loopless alternatives) whose links all have the chain's bandwidth left
 * after the other chains; a link the whole chain would cross more often than its capacity allows is excluded and the
 * search repeated, so the legs that used it move to an alternative route.
 * Batch-wide load balance is left to local search.
 */
final class ChainDp {
    private static final int ATTEMPTS = 4;

    private ChainDp() {
    }

    /** A chain's offers per hop, its legs (ingress to hop 1, ..., last hop to egress) and its soft cost in EUR/h-equivalents. */
    record Plan(OfferFact[] offers, Leg[] legs, double cost) {
    }

    /** A partial chain ending at {@code sw}; {@code leg} is the route that reached it (null at the ingress). */
    private record Label(OfferFact offer, int sw, String switchId, double latencyMs, double price, double cost, Leg leg, Label prev) {
        boolean uses(OfferFact o) {
            for (Label l = this; l != null; l = l.prev) {
                if (l.offer == o) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The best plan, or null when no combination fits the residual capacity and the chain's bounds. */
    static Plan best(ChainFact chain, List<HopAssignment> hops, PathTable table, Residual residual) {
        List<List<OfferFact>> layers = new ArrayList<>();
        for (HopAssignment h : hops) {
            List<OfferFact> admissible = new ArrayList<>();
            for (OfferFact o : h.getCandidates()) {
                if (admissibleIgnoringCapacity(chain, h, o) && residual.offerFits(o, chain.bandwidthKbps())) {
                    admissible.add(o);
                }
            }
            if (admissible.isEmpty()) {
                return null;
            }
            layers.add(admissible);
        }
        Set<LinkFact> blocked = new HashSet<>();
        Plan found = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Label best = cheapestBySwitch(chain, hops, layers, table, residual, blocked);
            if (best == null) {
                break;
            }
            if (!withinBounds(chain, best) || reusesOffer(best)) {
                best = pareto(chain, hops, layers, table, residual, blocked);
                if (best == null) {
                    break;
                }
            }
            OfferFact[] out = new OfferFact[hops.size()];
            Leg[] legs = new Leg[hops.size() + 1];
            legs[hops.size()] = best.leg;
            Label l = best.prev; // the egress label carries no offer
            for (int i = hops.size() - 1; i >= 0; i--, l = l.prev) {
                out[i] = l.offer;
                legs[i] = l.leg;
            }
            List<LinkFact> overbooked = residual.overbookedLinks(chain, legs);
            if (overbooked.isEmpty()) {
                return cheaper(found, new Plan(out, legs, best.cost));
            }
            // the same offers may fit with some legs on other routes; then block the links and search again
            found = cheaper(found, reroute(chain, out, legs, best, residual));
            blocked.addAll(overbooked);
        }
        return found;
    }

    private static Plan cheaper(Plan a, Plan b) {
        return a == null || (b != null && b.cost() < a.cost()) ? b : a;
    }

    /**
     * The cheapest routing of a chain through {@code offers} whose legs fit the capacity left together (a link crossed
     * by two legs carries the chain twice) and keep the latency bound, over every combination of the legs' k routes;
     * null when none does. {@code label} is the chain as found with {@code legs}, whose latency and cost it adjusts.
     */
    private static Plan reroute(ChainFact chain, OfferFact[] offers, Leg[] legs, Label label, Residual residual) {
        PathTable.Paths paths = chain.paths();
        SelectionWeights w = chain.weights();
        Leg[][] options = new Leg[legs.length][];
        double legsLatency = 0;
        double legsCost = 0;
        for (int i = 0; i < legs.length; i++) {
            int a = paths.finder().network().switchIndex(legs[i].from());
            int b = paths.finder().network().switchIndex(legs[i].to());
            options[i] = java.util.Arrays.stream(paths.routes(a, b))
                    .filter(leg -> leg.reachable() && residual.legFits(leg, chain.bandwidthKbps())).toArray(Leg[]::new);
            legsLatency += legs[i].latencyMs();
            legsCost += w.latencyPerMs() * legs[i].latencyMs() + w.interDomainCrossing() * legs[i].crossings();
        }
        Reroute search = new Reroute(chain, options, residual, chain.order().maxLatencyMs() + 1e-9 - (label.latencyMs - legsLatency));
        search.dfs(0, 0, 0, new Leg[legs.length]);
        return search.best == null ? null : new Plan(offers, search.best, label.cost - legsCost + search.bestCost);
    }

    /** Depth-first search over the legs' routes, keeping the links' use within the capacity left. */
    private static final class Reroute {
        final ChainFact chain;
        final Leg[][] options;
        final Residual residual;
        final double maxLatency;
        final java.util.Map<Integer, Long> use = new java.util.HashMap<>();
        Leg[] best;
        double bestCost = Double.POSITIVE_INFINITY;

        Reroute(ChainFact chain, Leg[][] options, Residual residual, double maxLatency) {
            this.chain = chain;
            this.options = options;
            this.residual = residual;
            this.maxLatency = maxLatency;
        }

        void dfs(int i, double latency, double cost, Leg[] chosen) {
            if (cost >= bestCost || latency > maxLatency) {
                return;
            }
            if (i == options.length) {
                best = chosen.clone();
                bestCost = cost;
                return;
            }
            SelectionWeights w = chain.weights();
            for (Leg leg : options[i]) {
                if (!take(leg)) {
                    give(leg);
                    continue;
                }
                chosen[i] = leg;
                dfs(i + 1, latency + leg.latencyMs(), cost + w.latencyPerMs() * leg.latencyMs() + w.interDomainCrossing() * leg.crossings(), chosen);
                give(leg);
            }
        }

        /** Adds a leg's use; false when a link then carries more than it has left (the use stays added). */
        private boolean take(Leg leg) {
            boolean fits = true;
            for (int l : leg.linkIndices()) {
                long used = use.merge(l, chain.bandwidthKbps(), Long::sum);
                fits &= used <= residual.linkKbps[l];
            }
            return fits;
        }

        private void give(Leg leg) {
            for (int l : leg.linkIndices()) {
                use.merge(l, -chain.bandwidthKbps(), Long::sum);
            }
        }
    }

    /** Type, provider lists and steering, without capacity: what a chosen offer must always satisfy. */
    static boolean admissibleIgnoringCapacity(ChainFact chain, HopAssignment hop, OfferFact o) {
        return o.vnfType().equals(hop.getVnfType()) && chain.order().allows(o.providerId())
                && o.admitted().contains(chain.encapsulation());
    }

    private static boolean withinBounds(ChainFact chain, Label l) {
        return l.latencyMs <= chain.order().maxLatencyMs() + 1e-9 && l.price <= chain.order().maxPricePerHour() + 1e-9;
    }

    private static boolean reusesOffer(Label last) {
        for (Label l = last; l != null; l = l.prev) {
            if (l.offer != null && l.prev != null && l.prev.uses(l.offer)) {
                return true;
            }
        }
        return false;
    }

    private static double hopCost(SelectionWeights w, HopAssignment hop, OfferFact c, double hopPrice, double processing) {
        return w.price() * hopPrice + w.latencyPerMs() * processing
                + (hop.getPreviousOffer() != null && !hop.getPreviousOffer().equals(c.offerId()) ? w.changedHop() : 0);
    }

    /**
     * The leg from switch {@code a} to {@code b}: the lowest-latency route that fits the capacity left and avoids the
     * blocked links, trying the shortest first and the next-shortest alternatives only when it does not fit; null
     * when none of the k routes does.
     */
    private static Leg route(PathTable.Paths paths, int a, int b, ChainFact chain, Residual residual, Set<LinkFact> blocked) {
        Leg shortest = paths.leg(a, b);
        if (!shortest.reachable()) {
            return null;
        }
        if (usable(shortest, chain, residual, blocked)) {
            return shortest;
        }
        for (Leg alternative : paths.routes(a, b)) {
            if (alternative.route() > 0 && usable(alternative, chain, residual, blocked)) {
                return alternative;
            }
        }
        return null;
    }

    private static boolean usable(Leg leg, ChainFact chain, Residual residual, Set<LinkFact> blocked) {
        if (!leg.reachable() || !residual.legFits(leg, chain.bandwidthKbps())) {
            return false;
        }
        if (!blocked.isEmpty()) {
            for (LinkFact l : leg.links()) {
                if (blocked.contains(l)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Cheapest chain ignoring bounds: one best label per switch per layer. */
    private static Label cheapestBySwitch(ChainFact chain, List<HopAssignment> hops, List<List<OfferFact>> layers,
                                          PathTable table, Residual residual, Set<LinkFact> blocked) {
        SelectionWeights w = chain.weights();
        PathTable.Paths paths = chain.paths();
        Label[] previous = new Label[table.switchCount()];
        List<Integer> previousSwitches = new ArrayList<>();
        int ingress = table.index(chain.ingress());
        previous[ingress] = new Label(null, ingress, chain.ingress(), 0, 0, 0, null, null);
        previousSwitches.add(ingress);
        for (int layer = 0; layer < layers.size(); layer++) {
            HopAssignment hop = hops.get(layer);
            Label[] bestInto = new Label[table.switchCount()]; // best predecessor + leg, per target switch (cost only)
            double[] bestIntoCost = new double[table.switchCount()];
            boolean[] computed = new boolean[table.switchCount()];
            Leg[] bestLeg = new Leg[table.switchCount()];
            Label[] next = new Label[table.switchCount()];
            List<Integer> nextSwitches = new ArrayList<>();
            Label[] prevFlat = previous;
            Integer[] order = previousSwitches.toArray(new Integer[0]);
            java.util.Arrays.sort(order, java.util.Comparator.comparingDouble(i -> prevFlat[i].cost));
            // while every link still has the chain's bandwidth and none is blocked, every leg takes its shortest path:
            // compare predecessors by the path finder's arrays and build the leg only for the best one
            boolean shortestFit = blocked.isEmpty() && residual.everyLinkFits(chain.bandwidthKbps());
            for (OfferFact c : layers.get(layer)) {
                int sw = table.index(c.switchId());
                if (!computed[sw]) {
                    computed[sw] = true;
                    bestIntoCost[sw] = Double.POSITIVE_INFINITY;
                    for (int p : order) {
                        Label l = previous[p];
                        if (l.cost >= bestIntoCost[sw]) {
                            break; // legs cost >= 0, and predecessors come cheapest first
                        }
                        Leg leg = null;
                        double legCost;
                        if (shortestFit) {
                            double latency = paths.finder().latency(p, sw);
                            if (latency == Double.POSITIVE_INFINITY) {
                                continue;
                            }
                            legCost = w.latencyPerMs() * latency + w.interDomainCrossing() * paths.finder().crossings(p, sw);
                        } else {
                            leg = route(paths, p, sw, chain, residual, blocked);
                            if (leg == null) {
                                continue;
                            }
                            legCost = w.latencyPerMs() * leg.latencyMs() + w.interDomainCrossing() * leg.crossings();
                        }
                        double cost = l.cost + legCost;
                        if (cost < bestIntoCost[sw]) {
                            bestIntoCost[sw] = cost;
                            bestInto[sw] = l;
                            bestLeg[sw] = leg != null ? leg : paths.leg(p, sw);
                        }
                    }
                }
                Label from = bestInto[sw];
                if (from == null) {
                    continue;
                }
                double hopPrice = c.state().offer().priceFor(chain.bandwidthMbps());
                double processing = c.state().processingLatencyMs();
                double cost = bestIntoCost[sw] + hopCost(w, hop, c, hopPrice, processing);
                if (next[sw] == null || cost < next[sw].cost) {
                    if (next[sw] == null) {
                        nextSwitches.add(sw);
                    }
                    next[sw] = new Label(c, sw, c.switchId(), from.latencyMs + bestLeg[sw].latencyMs() + processing,
                            from.price + hopPrice, cost, bestLeg[sw], from);
                }
            }
            if (nextSwitches.isEmpty()) {
                return null;
            }
            previous = next;
            previousSwitches = nextSwitches;
        }
        List<Label> last = new ArrayList<>();
        for (int s : previousSwitches) {
            last.add(previous[s]);
        }
        return toEgress(chain, table, residual, blocked, last, Double.POSITIVE_INFINITY);
    }

    private static Label toEgress(ChainFact chain, PathTable table, Residual residual, Set<LinkFact> blocked,
                                  List<Label> labels, double maxLatency) {
        SelectionWeights w = chain.weights();
        int egress = table.index(chain.egress());
        Label best = null;
        for (Label l : labels) {
            Leg leg = route(chain.paths(), l.sw, egress, chain, residual, blocked);
            if (leg == null) {
                continue;
            }
            double latency = l.latencyMs + leg.latencyMs();
            double cost = l.cost + w.latencyPerMs() * leg.latencyMs() + w.interDomainCrossing() * leg.crossings();
            if (latency <= maxLatency && (best == null || cost < best.cost)) {
                best = new Label(null, egress, chain.egress(), latency, l.price, cost, leg, l);
            }
        }
        return best;
    }

    /** Exact under the bounds: non-dominated (latency, price, cost) labels per offer. */
    private static Label pareto(ChainFact chain, List<HopAssignment> hops, List<List<OfferFact>> layers, PathTable table,
                                Residual residual, Set<LinkFact> blocked) {
        SelectionWeights w = chain.weights();
        PathTable.Paths paths = chain.paths();
        double maxLatency = chain.order().maxLatencyMs() + 1e-9;
        double maxPrice = chain.order().maxPricePerHour() + 1e-9;
        int ingress = table.index(chain.ingress());
        List<Label> previous = List.of(new Label(null, ingress, chain.ingress(), 0, 0, 0, null, null));
        for (int layer = 0; layer < layers.size(); layer++) {
            HopAssignment hop = hops.get(layer);
            List<Label> next = new ArrayList<>();
            for (OfferFact c : layers.get(layer)) {
                int sw = table.index(c.switchId());
                double hopPrice = c.state().offer().priceFor(chain.bandwidthMbps());
                double processing = c.state().processingLatencyMs();
                double hopCost = hopCost(w, hop, c, hopPrice, processing);
                List<Label> front = new ArrayList<>(2);
                for (Label l : previous) {
                    Leg leg = route(paths, l.sw, sw, chain, residual, blocked);
                    if (leg == null) {
                        continue;
                    }
                    double latency = l.latencyMs + leg.latencyMs() + processing;
                    double price = l.price + hopPrice;
                    double cost = l.cost + hopCost + w.latencyPerMs() * leg.latencyMs() + w.interDomainCrossing() * leg.crossings();
                    if (latency <= maxLatency && price <= maxPrice && !l.uses(c)) {
                        addIfNotDominated(front, new Label(c, sw, c.switchId(), latency, price, cost, leg, l));
                    }
                }
                next.addAll(front);
            }
            if (next.isEmpty()) {
                return null;
            }
            previous = next;
        }
        return toEgress(chain, table, residual, blocked, previous, maxLatency);
    }

    private static void addIfNotDominated(List<Label> front, Label label) {
        for (Label l : front) {
            if (l.latencyMs <= label.latencyMs && l.price <= label.price && l.cost <= label.cost) {
                return;
            }
        }
        front.removeIf(l -> label.latencyMs <= l.latencyMs && label.price <= l.price && label.cost <= l.cost);
        front.add(label);
    }
}
