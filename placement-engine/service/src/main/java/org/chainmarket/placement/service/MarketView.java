package org.chainmarket.placement.service;

import org.chainmarket.placement.model.Demand;
import org.chainmarket.placement.model.LatencyMap;
import org.chainmarket.placement.model.PlacementProblem;
import org.chainmarket.placement.model.RunningInstance;
import org.chainmarket.placement.model.SiteSpec;
import org.chainmarket.schemas.model.CatalogueEntry;
import org.chainmarket.schemas.model.InstanceContext;
import org.chainmarket.schemas.model.InstanceStatus;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfDemand;
import org.chainmarket.schemas.model.VnfOffer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the service knows of the market, from Kafka: providers' domains (sites, links), catalogues, running instances
 * (offers), their status (instance contexts), the last demand report per VNF type (what instances carry) and the
 * backlog of rejected demand: every report's rejections, kept until a published plan was built from them
 * ({@link #planned()}) or they are older than the demand horizon. It also knows when each instance last carried a chain
 * (or became ready after its start, or was first seen), so an instance idle for less than the idle grace is marked
 * {@link RunningInstance#idleGrace()}; an instance still booting is always in its grace (it cannot yet have served
 * the demand it was started for, and stopping it then is the churn the grace prevents). Not thread-safe: the service's loop owns it. {@link #problem(double)} turns it
 * into a placement problem.
 */
public final class MarketView {
    /** Rejections kept when the view is built without a horizon. */
    public static final Duration DEFAULT_DEMAND_HORIZON = Duration.ofMinutes(15);

    /** One report's rejections at one switch, received at {@code at}; {@code seq} orders them. */
    private record Rejected(long seq, Instant at, String vnfType, VnfDemand.Point point) {
    }

    private final InstantSource time;
    private final Duration demandHorizon;
    private final Duration idleGrace;
    private final List<Rejected> backlog = new ArrayList<>();
    private final Map<OfferId, Instant> lastBusy = new HashMap<>();
    private long rejectedSeq;
    private long usedUpTo;
    private final Map<ProviderId, ProviderDomain> domains = new LinkedHashMap<>();
    private final Map<String, CatalogueEntry> catalogue = new LinkedHashMap<>();
    private final Map<OfferId, VnfOffer> offers = new LinkedHashMap<>();
    private final Map<OfferId, InstanceStatus> status = new LinkedHashMap<>();
    private final Map<String, VnfDemand> demand = new LinkedHashMap<>();
    private final Map<String, Integer> reports = new LinkedHashMap<>();
    private final Map<OfferId, RunningInstance> starting = new LinkedHashMap<>();
    private final Set<OfferId> draining = new LinkedHashSet<>();

    /** System time, the default horizon, no idle grace. */
    public MarketView() {
        this(Clock.systemUTC(), DEFAULT_DEMAND_HORIZON, Duration.ZERO);
    }

    /**
     * @param time          the clock of rejections' age and instances' idleness
     * @param demandHorizon rejections older than this are dropped even if no plan used them
     * @param idleGrace     an instance that carried a chain (or started) less than this ago is not stopped
     */
    public MarketView(InstantSource time, Duration demandHorizon, Duration idleGrace) {
        this.time = time;
        this.demandHorizon = demandHorizon;
        this.idleGrace = idleGrace;
        if (demandHorizon.isNegative() || idleGrace.isNegative()) {
            throw new IllegalArgumentException("demandHorizon and idleGrace must be >= 0, got " + demandHorizon + ", " + idleGrace);
        }
    }

    public void domain(ProviderDomain d) {
        domains.put(d.providerId(), d);
    }

    public void domainWithdrawn(ProviderId id) {
        domains.remove(id);
    }

    public void catalogueEntry(CatalogueEntry e) {
        catalogue.put(e.key(), e);
    }

    public void catalogueEntryRemoved(String key) {
        catalogue.remove(key);
    }

    /** An offer advertised; an offer id another provider holds does not move to this one (it is ignored). */
    public void offer(VnfOffer o) {
        VnfOffer held = offers.get(o.offerId());
        if (held != null && !held.providerId().equals(o.providerId())) {
            return;
        }
        offers.put(o.offerId(), o);
        if (starting.remove(o.offerId()) != null) {
            lastBusy.put(o.offerId(), time.instant()); // ready now: its grace runs from here
        } else {
            lastBusy.putIfAbsent(o.offerId(), time.instant());
        }
    }

    /** A withdrawal read from provider {@code by}'s topic: it withdraws only that provider's offer. */
    public void offerWithdrawn(OfferId id, ProviderId by) {
        VnfOffer held = offers.get(id);
        if (held == null || held.providerId().equals(by)) {
            offerWithdrawn(id);
        }
    }

    public void offerWithdrawn(OfferId id) {
        offers.remove(id);
        status.remove(id);
        draining.remove(id);
        lastBusy.remove(id);
    }

    /** Whether {@code id} is advertised now. */
    public boolean advertises(OfferId id) {
        return offers.containsKey(id);
    }

    /** An instance asked to start: counted as running until its offer appears or its start fails. */
    public void starting(RunningInstance i) {
        starting.put(i.offerId(), i);
        lastBusy.put(i.offerId(), time.instant());
    }

    public void startFailed(OfferId id) {
        starting.remove(id);
        if (!offers.containsKey(id)) {
            lastBusy.remove(id);
        }
    }

    /** An instance asked to drain: no longer counted as running; its chains count as demand to place. */
    public void draining(OfferId id) {
        draining.add(id);
    }

    /** Demand reports received so far for {@code vnfType}. */
    public int reportsOf(String vnfType) {
        return reports.getOrDefault(vnfType, 0);
    }

    public void context(InstanceContext c) {
        status.put(c.offerId(), c.status());
    }

    /**
     * A demand report: its instance loads replace the type's last ones; its rejections join the backlog, which the
     * next report does not replace.
     */
    public void demand(VnfDemand d) {
        Instant now = time.instant();
        for (VnfDemand.InstanceLoad l : d.instances()) {
            if (l.chains() > 0 || chainsOn(l.offerId()) > 0) {
                lastBusy.put(l.offerId(), now); // carries chains, or emptied since the last report: idle from now on
            }
        }
        demand.put(d.vnfType(), d);
        reports.merge(d.vnfType(), 1, Integer::sum);
        for (VnfDemand.Point p : d.points()) {
            if (p.rejectedMbps() > 0) {
                backlog.add(new Rejected(++rejectedSeq, now, d.vnfType(), p));
            }
        }
    }

    /**
     * A plan built from the last {@link #problem} was published: the rejections it counted are used up (those that
     * came after it wait for the next plan).
     */
    public void planned() {
        backlog.removeIf(r -> r.seq() <= usedUpTo);
    }

    private void expire(Instant now) {
        Instant oldest = now.minus(demandHorizon);
        backlog.removeIf(r -> r.at().isBefore(oldest));
    }

    /**
     * Whether {@code id} carries no chains and was last seen carrying one (or emptying, starting, or first seen) less
     * than the grace ago.
     */
    private boolean inIdleGrace(OfferId id, Instant now) {
        Instant busy = lastBusy.get(id);
        return busy != null && chainsOn(id) == 0 && now.isBefore(busy.plus(idleGrace));
    }

    public boolean knowsOffer(OfferId id) {
        return offers.containsKey(id);
    }

    public VnfOffer offer(OfferId id) {
        return offers.get(id);
    }

    /** Chains the last demand reports say {@code id} carries. */
    public int chainsOn(OfferId id) {
        for (VnfDemand d : demand.values()) {
            for (VnfDemand.InstanceLoad l : d.instances()) {
                if (l.offerId().equals(id)) {
                    return l.chains();
                }
            }
        }
        return 0;
    }

    /** Sites whose every running instance (at least one) is down. */
    public Set<String> failedSites() {
        Map<String, Boolean> allDown = new LinkedHashMap<>();
        for (VnfOffer o : offers.values()) {
            boolean down = status.get(o.offerId()) == InstanceStatus.DOWN;
            allDown.merge(o.siteId(), down, Boolean::logicalAnd);
        }
        Set<String> failed = new LinkedHashSet<>();
        allDown.forEach((site, down) -> {
            if (down) {
                failed.add(site);
            }
        });
        return failed;
    }

    /**
     * The placement problem of the market now: every advertised site (a failed one with nothing to run on), the
     * catalogue, every offer as a running instance (at a known site; idle for less than the grace: marked so), carried
     * demand from the last reports' instance loads and new demand from the backlog of rejections (within the horizon),
     * summed per type and switch with the tightest bound; demand without a latency bound gets {@code defaultMaxLatencyMs}.
     * Instances asked to start count as running; instances draining do not, and the chains they still carry count as
     * demand to place.
     * Demand or instances at switches or sites no domain advertises are left out.
     */
    public PlacementProblem problem(double defaultMaxLatencyMs) {
        Instant now = time.instant();
        expire(now);
        Set<String> failed = failedSites();
        List<SiteSpec> sites = new ArrayList<>();
        Set<String> switches = new LinkedHashSet<>();
        List<LatencyMap.Link> links = new ArrayList<>();
        for (ProviderDomain d : domains.values()) {
            d.switches().forEach(s -> switches.add(s.switchId()));
            for (ProviderDomain.Site s : d.sites()) {
                SiteSpec spec = new SiteSpec(s.siteId(), d.providerId(), s.switchId(), s.cpuCores(), s.memoryGb());
                sites.add(failed.contains(s.siteId()) ? spec.failed() : spec);
            }
            d.links().forEach(l -> links.add(new LatencyMap.Link(l.from(), l.to(), l.latencyMs())));
        }
        for (ProviderDomain d : domains.values()) {
            for (ProviderDomain.BorderLink b : d.borderLinks()) {
                if (switches.contains(b.remoteSwitch())) {
                    links.add(new LatencyMap.Link(b.localSwitch(), b.remoteSwitch(), b.latencyMs()));
                }
            }
        }
        LatencyMap latency = LatencyMap.of(switches, links);
        Set<String> siteIds = new HashSet<>();
        sites.forEach(s -> siteIds.add(s.siteId()));
        List<RunningInstance> running = new ArrayList<>();
        Set<OfferId> runningIds = new HashSet<>();
        for (VnfOffer o : offers.values()) {
            if (siteIds.contains(o.siteId()) && !draining.contains(o.offerId())) {
                running.add(new RunningInstance(o.offerId(), o.providerId(), o.siteId(), o.vnfType(), inIdleGrace(o.offerId(), now)));
                runningIds.add(o.offerId());
            }
        }
        for (RunningInstance i : starting.values()) {
            if (siteIds.contains(i.siteId())) {
                running.add(i.withIdleGrace(true)); // still booting
            }
        }
        List<Demand> demands = new ArrayList<>();
        Map<String, Demand> unmet = new LinkedHashMap<>();
        usedUpTo = 0;
        for (Rejected r : backlog) {
            usedUpTo = Math.max(usedUpTo, r.seq());
            VnfDemand.Point p = r.point();
            if (!switches.contains(p.switchId())) {
                continue;
            }
            double max = p.maxLatencyMs() == null ? defaultMaxLatencyMs : p.maxLatencyMs();
            unmet.merge(r.vnfType() + "|" + p.switchId(), Demand.unmet(r.vnfType(), p.switchId(), p.rejectedMbps(), p.rejected(), max),
                    (a, b) -> Demand.unmet(a.vnfType(), a.switchId(), a.mbps() + b.mbps(), a.rejectedOrders() + b.rejectedOrders(),
                            Math.min(a.maxLatencyMs(), b.maxLatencyMs())));
        }
        demands.addAll(unmet.values());
        for (VnfDemand d : demand.values()) {
            Map<String, Double> bound = new LinkedHashMap<>();
            for (VnfDemand.Point p : d.points()) {
                bound.put(p.switchId(), p.maxLatencyMs() == null ? defaultMaxLatencyMs : p.maxLatencyMs());
            }
            for (VnfDemand.InstanceLoad l : d.instances()) {
                boolean stays = runningIds.contains(l.offerId());
                for (VnfDemand.Share s : l.shares()) {
                    if (!switches.contains(s.switchId())) {
                        continue;
                    }
                    double max = bound.getOrDefault(s.switchId(), defaultMaxLatencyMs);
                    demands.add(stays
                            ? Demand.carried(d.vnfType(), s.switchId(), s.bandwidthMbps(), s.chains(), max, l.offerId())
                            : new Demand(d.vnfType(), s.switchId(), s.bandwidthMbps(), s.chains(), max, null, 0));
                }
            }
        }
        return new PlacementProblem(sites, new ArrayList<>(catalogue.values()), running, demands, latency);
    }
}
