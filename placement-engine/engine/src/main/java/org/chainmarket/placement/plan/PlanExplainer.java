package org.chainmarket.placement.plan;

import org.chainmarket.placement.domain.CellAllocation;
import org.chainmarket.placement.domain.DemandAssignment;
import org.chainmarket.placement.domain.PlacementSolution;
import org.chainmarket.placement.domain.SiteFact;
import org.chainmarket.placement.model.RunningInstance;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.PlacementPlan;
import org.chainmarket.schemas.model.PlacementPlan.Action;
import org.chainmarket.schemas.model.PlacementPlan.Approval;
import org.chainmarket.schemas.model.PlacementPlan.Decision;
import org.chainmarket.schemas.model.PlacementPlan.Served;
import org.chainmarket.schemas.model.PlacementPlan.Unserved;
import org.chainmarket.schemas.model.PlacementPlan.UnservedConstraint;
import org.chainmarket.schemas.model.ProviderId;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Turns a plan (counts and assignments in a solution) into {@link PlacementPlan} decisions with reasons, and names why
 * each unserved demand is unserved. Per provider and type, instances started and stopped pair up as moves (each stop,
 * most chains first, with the nearest start); the instances stopped in a cell are those the plan leaves least load on.
 */
public final class PlanExplainer {
    private PlanExplainer() {
    }

    public static PlacementPlan explain(PlacementSolution s, Placement placement, String planId, PlacementPlan.Trigger trigger,
                                        String strategy, Instant at, Function<ProviderId, Approval> approval) {
        PlanScorer.Scored scored = PlanScorer.score(s, placement);
        Map<OfferId, List<DemandAssignment>> carried = new HashMap<>();
        for (DemandAssignment u : s.getUnits()) {
            if (u.isCarried()) {
                carried.computeIfAbsent(u.getDemand().carriedBy(), k -> new ArrayList<>()).add(u);
            }
        }
        Map<String, List<CellAllocation>> byProviderType = new LinkedHashMap<>();
        for (CellAllocation c : s.getCells()) {
            if (c.count() != c.getInitialCount()) {
                byProviderType.computeIfAbsent(c.providerType(), k -> new ArrayList<>()).add(c);
            }
        }
        List<Decision> decisions = new ArrayList<>();
        int[] seq = {0};
        for (List<CellAllocation> group : byProviderType.values()) {
            List<Stop> stops = new ArrayList<>();
            List<CellAllocation> starts = new ArrayList<>();
            for (CellAllocation c : group) {
                int delta = c.count() - c.getInitialCount();
                if (delta > 0) {
                    for (int k = 0; k < delta; k++) {
                        starts.add(c);
                    }
                } else {
                    List<RunningInstance> running = new ArrayList<>(c.getRunning());
                    running.sort(Comparator.comparing(RunningInstance::idleGrace)
                            .thenComparingLong((RunningInstance r) -> kbpsStayingAt(c, carried.get(r.offerId())))
                            .thenComparingLong(r -> kbps(carried.get(r.offerId())))
                            .thenComparing(r -> r.offerId().value()));
                    for (int k = 0; k < -delta; k++) {
                        stops.add(new Stop(c, running.get(k), carried.getOrDefault(running.get(k).offerId(), List.of())));
                    }
                }
            }
            stops.sort(Comparator.comparingInt((Stop st) -> -chains(st.units())).thenComparing(st -> st.instance().offerId().value()));
            for (Stop st : stops) {
                CellAllocation to = starts.stream()
                        .min(Comparator.comparingDouble((CellAllocation c) -> s.getProblem().latency().ms(st.cell().getSite().switchIndex(), c.getSite().switchIndex()))
                                .thenComparingInt(CellAllocation::getId))
                        .orElse(null);
                if (to != null) {
                    starts.remove(to);
                    decisions.add(move(st, to, planId, ++seq[0], approval, s));
                } else {
                    decisions.add(stop(st, planId, ++seq[0], approval));
                }
            }
            for (CellAllocation c : starts) {
                decisions.add(start(c, planId, ++seq[0], approval, s));
            }
        }
        return new PlacementPlan(planId, at, trigger, strategy, scored.objective(), scored.softTotals(), decisions, unserved(s));
    }

    private record Stop(CellAllocation cell, RunningInstance instance, List<DemandAssignment> units) {
    }

    private static Decision start(CellAllocation c, String planId, int n, Function<ProviderId, Approval> approval, PlacementSolution s) {
        List<Served> serves = inflow(c);
        int newInstances = Math.max(1, c.count() - c.getInitialCount());
        List<Served> share = serves.stream().map(x -> new Served(x.switchId(), round(x.bandwidthMbps() / newInstances))).toList();
        int rejected = c.getUnits().stream().filter(u -> !u.isCarried()).map(DemandAssignment::getDemand).distinct()
                .mapToInt(d -> d.rejectedOrders()).sum();
        double worst = c.getUnits().stream().filter(u -> u.getInitialCell() != c).mapToDouble(u -> u.latencyMsTo(c)).max().orElse(0);
        String reason = String.format(Locale.ROOT, "%s at %s serves %s of %s demand%s%s; costs %.2f EUR/h",
                c.getCount() > 1 ? "one more of " + c.getCount() + " instances" : "a new instance", c.getSite().siteId(),
                describe(share), c.getVnfType(),
                rejected > 0 ? " (" + rejected + " orders rejected)" : "",
                serves.isEmpty() ? "" : String.format(Locale.ROOT, " within %.1f ms", worst), c.pricePerHour());
        return new Decision(planId + "-" + n, c.getProviderId(), Action.START, c.getVnfType(), c.getSite().siteId(), null,
                newOfferId(c, planId, n), null, approval.apply(c.getProviderId()), reason, c.pricePerHour(), share, 0, 0);
    }

    private static Decision stop(Stop st, String planId, int n, Function<ProviderId, Approval> approval) {
        CellAllocation c = st.cell();
        int chains = chains(st.units());
        double mbps = round(kbps(st.units()) / 1000.0);
        String reason = why(c) + (chains > 0
                ? String.format(Locale.ROOT, "; its %d chains (%s Mbit/s) move to %s first", chains, fmt(mbps), targets(st.units()))
                : "; it carries no chains");
        double price = c.pricePerHour();
        return new Decision(planId + "-" + n, c.getProviderId(), Action.STOP, c.getVnfType(), c.getSite().siteId(), null,
                st.instance().offerId(), null, approval.apply(c.getProviderId()),
                reason + String.format(Locale.ROOT, "; saves %.2f EUR/h", price), -price, List.of(), chains, mbps);
    }

    private static Decision move(Stop st, CellAllocation to, String planId, int n, Function<ProviderId, Approval> approval, PlacementSolution s) {
        CellAllocation from = st.cell();
        int chains = chains(st.units());
        double mbps = round(kbps(st.units()) / 1000.0);
        double ms = s.getProblem().latency().ms(from.getSite().switchIndex(), to.getSite().switchIndex());
        String reason = String.format(Locale.ROOT, "moves %s → %s (%.1f ms apart): %s; %s", from.getSite().siteId(),
                to.getSite().siteId(), ms, why(from),
                chains > 0 ? String.format(Locale.ROOT, "the new instance starts, then its %d chains (%s Mbit/s) are substituted onto %s, then it stops",
                        chains, fmt(mbps), targets(st.units())) : "it carries no chains");
        List<Served> serves = inflow(to);
        return new Decision(planId + "-" + n, from.getProviderId(), Action.MOVE, from.getVnfType(), to.getSite().siteId(),
                from.getSite().siteId(), st.instance().offerId(), newOfferId(to, planId, n), approval.apply(from.getProviderId()),
                reason, to.pricePerHour() - from.pricePerHour(), serves, chains, mbps);
    }

    /** Why a cell runs fewer instances than now. */
    private static String why(CellAllocation c) {
        if (c.getSite().cpuCores() == 0) {
            return "site " + c.getSite().siteId() + " failed";
        }
        if (c.getEntry() == null) {
            return c.getVnfType() + " is no longer in " + c.getProviderId() + "'s catalogue";
        }
        if (!c.isAllowed()) {
            return c.getProviderId() + "'s catalogue no longer allows " + c.getVnfType() + " at " + c.getSite().siteId();
        }
        return String.format(Locale.ROOT, "%s keeps %d %s instance(s) for %s Mbit/s", c.getSite().siteId(), c.count(),
                c.getVnfType(), fmt(round(c.loadKbps() / 1000.0)));
    }

    /** Demand this cell takes that it does not serve now, by switch. */
    private static List<Served> inflow(CellAllocation c) {
        Map<String, Long> bySwitch = new LinkedHashMap<>();
        for (DemandAssignment u : c.getUnits()) {
            if (u.getInitialCell() != c) {
                bySwitch.merge(u.getSwitchId(), u.getKbps(), Long::sum);
            }
        }
        return bySwitch.entrySet().stream().map(e -> new Served(e.getKey(), round(e.getValue() / 1000.0))).toList();
    }

    private static String targets(List<DemandAssignment> units) {
        String t = units.stream().map(u -> u.getCell() == null ? "nowhere" : u.getCell().getSite().siteId()).distinct().sorted()
                .collect(Collectors.joining(", "));
        return t.isEmpty() ? "the instances that stay" : t;
    }

    private static OfferId newOfferId(CellAllocation c, String planId, int n) {
        return OfferId.of(c.getProviderId().value() + "-" + c.getVnfType() + "-" + c.getSite().siteId() + "-" + planId + "-" + n);
    }

    /** Every unserved demand, aggregated by type, switch and the constraint that stops it. */
    public static List<Unserved> unserved(PlacementSolution s) {
        Map<String, Boolean> typeOffered = new HashMap<>();
        s.getCells().forEach(c -> typeOffered.merge(c.getVnfType(), c.isAllowed(), Boolean::logicalOr));
        Map<List<Object>, double[]> agg = new LinkedHashMap<>();
        Map<List<Object>, String> reasons = new HashMap<>();
        for (DemandAssignment u : s.getUnits()) {
            if (u.getCell() != null) {
                continue;
            }
            UnservedConstraint why;
            String reason;
            List<CellAllocation> reach = u.getCandidates().stream().filter(CellAllocation::isAllowed).toList();
            double bound = u.getDemand().maxLatencyMs();
            if (!typeOffered.getOrDefault(u.getVnfType(), false)) {
                why = UnservedConstraint.NO_CATALOGUE;
                reason = "no provider has " + u.getVnfType() + " in its catalogue at any site";
            } else if (reach.isEmpty()) {
                why = UnservedConstraint.OUT_OF_REACH;
                CellAllocation nearest = s.getCells().stream().filter(c -> c.isAllowed() && c.getVnfType().equals(u.getVnfType()))
                        .min(Comparator.comparingDouble(u::latencyMsTo)).orElseThrow();
                reason = String.format(Locale.ROOT, "no site may run %s within %s ms of %s (nearest: %s at %.1f ms)",
                        u.getVnfType(), fmt(bound), u.getSwitchId(), nearest.getSite().siteId(), u.latencyMsTo(nearest));
            } else if (reach.stream().anyMatch(c -> hasRoom(c, u, s))) {
                why = UnservedConstraint.NOT_WORTH_AN_INSTANCE;
                reason = String.format(Locale.ROOT, "%s could run %s for it, but an instance (%.2f EUR/h) costs more than the demand is weighed",
                        reach.stream().filter(c -> hasRoom(c, u, s)).findFirst().orElseThrow().getSite().siteId(),
                        u.getVnfType(), reach.get(0).pricePerHour());
            } else {
                why = UnservedConstraint.SITE_CAPACITY;
                reason = String.format(Locale.ROOT, "the %d site(s) within %s ms of %s that may run %s (%s) have no vCPU or memory left",
                        reach.stream().map(c -> c.getSite()).distinct().count(), fmt(bound), u.getSwitchId(), u.getVnfType(),
                        reach.stream().map(c -> c.getSite().siteId()).distinct().limit(3).collect(Collectors.joining(", ")));
            }
            List<Object> key = List.of(u.getVnfType(), u.getSwitchId(), why);
            agg.computeIfAbsent(key, k -> new double[1])[0] += u.getKbps() / 1000.0;
            reasons.putIfAbsent(key, reason);
        }
        List<Unserved> out = new ArrayList<>();
        agg.forEach((k, v) -> out.add(new Unserved((String) k.get(0), (String) k.get(1), round(v[0]), (UnservedConstraint) k.get(2), reasons.get(k))));
        return out;
    }

    /** Whether cell {@code c} could take unit {@code u}: room on its instances, or room on its site for one more. */
    private static boolean hasRoom(CellAllocation c, DemandAssignment u, PlacementSolution s) {
        if (c.count() * c.capacityKbps() - c.loadKbps() >= u.getKbps() && (long) c.count() * c.maxChains() - c.chains() >= u.getChains()) {
            return true;
        }
        SiteFact site = c.getSite();
        long cpu = 0;
        long mem = 0;
        for (CellAllocation o : s.getCells()) {
            if (o.getSite().equals(site)) {
                cpu += (long) o.count() * o.vcpu();
                mem += o.count() * o.memoryMb();
            }
        }
        return cpu + c.vcpu() <= site.cpuCores() && mem + c.memoryMb() <= site.memoryMb()
                && u.getKbps() <= c.capacityKbps() && u.getChains() <= c.maxChains();
    }

    private static long kbpsStayingAt(CellAllocation c, List<DemandAssignment> units) {
        return units == null ? 0 : units.stream().filter(u -> u.getCell() == c).mapToLong(DemandAssignment::getKbps).sum();
    }

    private static long kbps(List<DemandAssignment> units) {
        return units == null ? 0 : units.stream().mapToLong(DemandAssignment::getKbps).sum();
    }

    private static int chains(List<DemandAssignment> units) {
        return units == null ? 0 : units.stream().mapToInt(DemandAssignment::getChains).sum();
    }

    private static String describe(List<Served> serves) {
        if (serves.isEmpty()) {
            return "no new demand yet";
        }
        double total = serves.stream().mapToDouble(Served::bandwidthMbps).sum();
        return fmt(round(total)) + " Mbit/s entering at " + serves.stream().map(Served::switchId).limit(4).collect(Collectors.joining(", "))
                + (serves.size() > 4 ? " and " + (serves.size() - 4) + " more" : "");
    }

    private static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
