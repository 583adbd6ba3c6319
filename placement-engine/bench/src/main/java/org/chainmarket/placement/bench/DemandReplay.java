package org.chainmarket.placement.bench;

import org.chainmarket.placement.PlacementEngine;
import org.chainmarket.placement.greedy.FirstFitPlanner;
import org.chainmarket.placement.model.Demand;
import org.chainmarket.placement.model.PlacementProblem;
import org.chainmarket.placement.model.RunningInstance;
import org.chainmarket.placement.plan.Planner;
import org.chainmarket.placement.solver.SolverPlanner;
import org.chainmarket.schemas.model.CatalogueEntry;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.PlacementPlan;
import org.chainmarket.selection.topology.Topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A seeded stream of orders with hot spots that move, replayed with placement off (the starting instances stay as
 * they are), with first-fit greedy placement, and with the solver. Every step (15 minutes) {@code ORDERS_PER_STEP}
 * orders arrive; each asks one VNF type ({@link #TYPES}) for 20–100 Mbit/s within {@value #MAX_LATENCY_MS} ms of its
 * ingress for 2–8 steps. 70 % of them enter at one of three hot-spot nodes, which move to other nodes every
 * {@value #HOT_SPOT_STEPS} steps; the rest anywhere. An order takes the nearest instance of its type in reach with
 * room, or is rejected. After each step, placement (when on) plans from what the step showed: the load each instance
 * carries, by ingress, and as new demand per type and ingress what the arrivals (mean of the last two steps) will hold
 * after a mean holding time of {@value #MEAN_HOLD_STEPS} steps less what is carried now, and at least what was
 * rejected; started instances serve from the next step. An instance that stops or moves drains: its chains are
 * re-admitted on the others (make-before-break: a move's new instance first); one it cannot re-home stays on it, and
 * it stops once empty, taking no new chains meanwhile ("chains kept draining" counts those that had to wait).
 * At the start every mode runs the same instances: one of each type per provider, at its first allowed site.
 */
public final class DemandReplay {
    static final List<String> TYPES = List.of("firewall", "dpi", "nat");
    static final int ORDERS_PER_STEP = 40;
    static final double MAX_LATENCY_MS = 10;
    static final int HOT_SPOT_STEPS = 8;
    static final double STEP_HOURS = 0.25;
    /** Mean steps an order holds its instance (2–8). */
    static final double MEAN_HOLD_STEPS = 5;

    private DemandReplay() {
    }

    /** What one replay measured. */
    public record Outcome(String mode, int orders, int reachable, int served, double avgInstances, double instanceHours, int starts,
                          int stops, int moves, int chainsMoved, int chainsKeptDraining, long planMillis) {
        public double servedPercent() {
            return 100.0 * served / orders;
        }
    }

    public static void main(String[] args) {
        boolean quick = List.of(args).contains("--quick");
        int steps = quick ? 24 : 48;
        System.out.println();
        System.out.println("| topology  | placement | orders | reachable % | served % | instances (avg) | instance-hours | starts | stops | moves | chains moved | chains kept draining | plan ms (avg) |");
        System.out.println("|-----------|-----------|--------|-------------|----------|-----------------|----------------|--------|-------|-------|--------------|----------------------|---------------|");
        for (String name : List.of("Abilene", "Geant2012")) {
            Topology t = Topology.bundled(name);
            for (String mode : List.of("off", "greedy", "solver")) {
                Outcome o = replay(t, name.equals("Abilene") ? 2 : 3, steps, mode, 42);
                System.out.printf(Locale.ROOT, "| %-9s | %-9s | %6d | %11.1f | %8.1f | %15.1f | %14.1f | %6d | %5d | %5d | %12d | %20d | %13d |%n",
                        name, mode, o.orders(), 100.0 * o.reachable() / o.orders(), o.servedPercent(), o.avgInstances(), o.instanceHours(), o.starts(), o.stops(),
                        o.moves(), o.chainsMoved(), o.chainsKeptDraining(), o.planMillis() / Math.max(1, steps));
            }
        }
    }

    static final class Instance {
        final OfferId id;
        final CatalogueEntry entry;
        final String siteId;
        final String switchId;
        final List<Order> orders = new ArrayList<>();
        boolean draining;

        Instance(OfferId id, CatalogueEntry entry, String siteId, String switchId) {
            this.id = id;
            this.entry = entry;
            this.siteId = siteId;
            this.switchId = switchId;
        }

        double load() {
            return orders.stream().mapToDouble(o -> o.mbps).sum();
        }

        boolean fits(Order o) {
            return !draining && load() + o.mbps <= entry.capacityMbps() && orders.size() < entry.maxChains();
        }
    }

    record Order(String type, String ingress, double mbps, int until) {
    }

    public static Outcome replay(Topology topology, int providers, int steps, String mode, long seed) {
        Scenarios.Market m = Scenarios.market(topology, providers, 40, seed);
        m = new Scenarios.Market(m.topology(), m.latency(), m.sites(), m.catalogue().stream().filter(e -> TYPES.contains(e.vnfType())).toList());
        Map<String, String> switchOf = new HashMap<>();
        m.sites().forEach(s -> switchOf.put(s.siteId(), s.switchId()));
        Random r = new Random(seed);
        List<String> nodes = topology.nodes().stream().map(Topology.Node::id).toList();
        List<Instance> running = new ArrayList<>();
        int next = 0;
        for (CatalogueEntry e : m.catalogue()) {
            String site = e.siteIds().get(0);
            running.add(new Instance(OfferId.of("i-" + next++), e, site, switchOf.get(site)));
        }
        Map<String, CatalogueEntry> entries = new HashMap<>();
        m.catalogue().forEach(e -> entries.put(e.key(), e));
        Planner planner = mode.equals("solver") ? new SolverPlanner() : mode.equals("greedy") ? new FirstFitPlanner() : null;
        PlacementEngine engine = PlacementEngine.defaults();
        List<String> hot = new ArrayList<>();
        Map<String, Double> lastArrived = new HashMap<>();
        int orders = 0, reachable = 0, served = 0, starts = 0, stops = 0, moves = 0, moved = 0, kept = 0;
        double instanceSteps = 0;
        long planMillis = 0;
        for (int step = 0; step < steps; step++) {
            if (step % HOT_SPOT_STEPS == 0) {
                hot.clear();
                for (int k = 0; k < 3; k++) {
                    hot.add(nodes.get(r.nextInt(nodes.size())));
                }
            }
            int now = step;
            running.forEach(i -> i.orders.removeIf(o -> o.until() <= now));
            running.removeIf(i -> i.draining && i.orders.isEmpty());
            Map<String, double[]> rejected = new LinkedHashMap<>();
            Map<String, Double> arrived = new LinkedHashMap<>();
            for (int k = 0; k < ORDERS_PER_STEP; k++) {
                String type = TYPES.get(r.nextInt(TYPES.size()));
                String ingress = r.nextDouble() < 0.7 ? hot.get(r.nextInt(hot.size())) : nodes.get(r.nextInt(nodes.size()));
                Order o = new Order(type, ingress, 20 + Math.floor(80 * r.nextDouble()), step + 2 + r.nextInt(7));
                orders++;
                if (reachable(o, m)) {
                    reachable++;
                }
                arrived.merge(type + "|" + ingress, o.mbps(), Double::sum);
                if (admit(o, running, m)) {
                    served++;
                } else {
                    double[] agg = rejected.computeIfAbsent(type + "|" + ingress, x -> new double[2]);
                    agg[0] += o.mbps();
                    agg[1]++;
                }
            }
            instanceSteps += running.size();
            if (planner == null) {
                continue;
            }
            List<RunningInstance> inst = new ArrayList<>();
            List<Demand> demands = new ArrayList<>();
            for (Instance i : running) {
                if (i.draining) {
                    continue;
                }
                inst.add(new RunningInstance(i.id, i.entry.providerId(), i.siteId, i.entry.vnfType()));
                Map<String, double[]> shares = new LinkedHashMap<>();
                for (Order o : i.orders) {
                    double[] sh = shares.computeIfAbsent(o.ingress(), x -> new double[2]);
                    sh[0] += o.mbps();
                    sh[1]++;
                }
                shares.forEach((sw, sh) -> demands.add(Demand.carried(i.entry.vnfType(), sw, sh[0], (int) sh[1], MAX_LATENCY_MS, i.id)));
            }
            // demand to place: what this step's arrivals will hold once they have piled up for a mean holding time,
            // less what instances carry of it now (at least what was rejected)
            Map<String, Double> carried = new HashMap<>();
            running.forEach(i -> i.orders.forEach(o -> carried.merge(o.type() + "|" + o.ingress(), o.mbps(), Double::sum)));
            Map<String, Double> forecast = new LinkedHashMap<>(arrived);
            lastArrived.forEach((k, v) -> forecast.merge(k, v, (x, y) -> (x + y) / 2));
            lastArrived = arrived;
            for (Map.Entry<String, Double> f : forecast.entrySet()) {
                double[] rej = rejected.getOrDefault(f.getKey(), new double[2]);
                double extra = Math.max(rej[0], f.getValue() * MEAN_HOLD_STEPS - carried.getOrDefault(f.getKey(), 0.0));
                if (extra > 0) {
                    String[] tk = f.getKey().split("\\|");
                    demands.add(Demand.unmet(tk[0], tk[1], extra, (int) rej[1], MAX_LATENCY_MS));
                }
            }
            PlacementProblem problem = new PlacementProblem(m.sites(), m.catalogue(), inst, demands, m.latency());
            PlacementEngine.Outcome out = engine.plan(problem, planner, "r" + step, PlacementPlan.Trigger.PERIODIC,
                    Instant.EPOCH, p -> PlacementPlan.Approval.AUTOMATIC);
            planMillis += out.planMillis();
            List<OfferId> retiring = new ArrayList<>();
            for (PlacementPlan.Decision d : out.plan().decisions()) {
                CatalogueEntry e = entries.get(CatalogueEntry.key(d.providerId(), d.vnfType()));
                switch (d.action()) {
                    case START -> {
                        running.add(new Instance(d.offerId(), e, d.siteId(), switchOf.get(d.siteId())));
                        starts++;
                    }
                    case MOVE -> {
                        running.add(new Instance(d.newOfferId(), e, d.siteId(), switchOf.get(d.siteId())));
                        retiring.add(d.offerId());
                        moves++;
                    }
                    case STOP -> {
                        retiring.add(d.offerId());
                        stops++;
                    }
                }
            }
            // drain: each chain moves to another instance (make-before-break); an instance stops once it is empty,
            // and one that still carries chains stays, taking no new ones, until they end
            for (OfferId id : retiring) {
                Instance old = running.stream().filter(i -> i.id.equals(id)).findFirst().orElse(null);
                if (old == null) {
                    continue;
                }
                old.draining = true;
                for (var it = old.orders.iterator(); it.hasNext(); ) {
                    Order o = it.next();
                    if (admit(o, running, m)) {
                        it.remove();
                        moved++;
                    } else {
                        kept++;
                    }
                }
            }
            running.removeIf(i -> i.draining && i.orders.isEmpty());
        }
        return new Outcome(mode, orders, reachable, served, instanceSteps / steps, instanceSteps * STEP_HOURS, starts, stops, moves, moved,
                kept, planMillis);
    }

    /** Whether some provider may run the order's type at a site within its bound: what any placement could serve at best. */
    private static boolean reachable(Order o, Scenarios.Market m) {
        Map<String, String> switchOf = new HashMap<>();
        m.sites().forEach(s -> switchOf.put(s.siteId(), s.switchId()));
        return m.catalogue().stream().filter(e -> e.vnfType().equals(o.type())).flatMap(e -> e.siteIds().stream())
                .anyMatch(site -> m.latency().ms(o.ingress(), switchOf.get(site)) <= MAX_LATENCY_MS);
    }

    private static List<Order> remove(List<Instance> running, OfferId id) {
        for (int k = 0; k < running.size(); k++) {
            if (running.get(k).id.equals(id)) {
                return running.remove(k).orders;
            }
        }
        return List.of();
    }

    private static boolean admit(Order o, List<Instance> running, Scenarios.Market m) {
        Instance best = running.stream()
                .filter(i -> i.entry.vnfType().equals(o.type()) && m.latency().ms(o.ingress(), i.switchId) <= MAX_LATENCY_MS && i.fits(o))
                .min(Comparator.comparingDouble((Instance i) -> m.latency().ms(o.ingress(), i.switchId)).thenComparing(i -> i.id.value()))
                .orElse(null);
        if (best == null) {
            return false;
        }
        best.orders.add(o);
        return true;
    }
}
