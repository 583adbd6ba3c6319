package org.chainmarket.broker.placement;

import io.micronaut.context.annotation.Value;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import org.chainmarket.broker.cluster.SweepLeader;
import org.chainmarket.broker.outbox.Outbox;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfDemand;
import org.chainmarket.schemas.model.VnfOffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The demand the placement service plans from: every {@code chainmarket.placement.demand-interval}, one
 * {@code DemandReported} per VNF type (through the outbox, keyed by type) for the window since the last report, built
 * from the broker's own records: per ingress switch, the orders served (chains ordered in the window and not
 * rejected) and rejected with their constraint ({@code placement_rejection}: for capacity {@code OFFER_CAPACITY} and
 * {@code VNF_TYPE}, for latency {@code LATENCY} and {@code LATENCY_AND_BUDGET}; others are not placement's to cure),
 * and per offer the chains it holds now by ingress ({@code chain_reservation}). A type is reported while it has
 * offers or demand, and once more after, so an old report's rejections do not linger. The latency a rejected point
 * allows is half the tightest bound of its orders (an instance there leaves the other half to reach the egress).
 * Only the replica that leads the sweeps reports.
 */
@Singleton
public class DemandReports {
    /** Constraints that more instances near the demand cure, by how the report counts them. */
    static final Set<String> CAPACITY = Set.of("OFFER_CAPACITY", "VNF_TYPE");
    static final Set<String> LATENCY = Set.of("LATENCY", "LATENCY_AND_BUDGET");
    private static final Logger LOG = LoggerFactory.getLogger(DemandReports.class);

    private final EntityManager em;
    private final Outbox outbox;
    private final SweepLeader leader;
    private final Duration interval;
    private final Set<String> reported = new LinkedHashSet<>();
    private volatile Instant windowStart;

    DemandReports(EntityManager em, Outbox outbox, SweepLeader leader,
                  @Value("${chainmarket.placement.demand-interval}") Duration interval) {
        this.em = em;
        this.outbox = outbox;
        this.leader = leader;
        this.interval = interval;
    }

    /** A refused order (the order's hook): recorded for the next report; a failure to record it is only logged. */
    @EventListener
    void rejected(OrderRejected r) {
        try {
            record(r);
        } catch (RuntimeException e) {
            LOG.warn("the rejection of order {} is left out of the demand reports: {}", r.chainId(), e.toString());
        }
    }

    @Transactional
    void record(OrderRejected r) {
        if (!CAPACITY.contains(r.constraint()) && !LATENCY.contains(r.constraint())) {
            return;
        }
        List<String> types = r.hopIndex() != null && r.hopIndex() >= 0 && r.hopIndex() < r.order().vnfTypes().size()
                ? List.of(r.order().vnfTypes().get(r.hopIndex())) : new ArrayList<>(new LinkedHashSet<>(r.order().vnfTypes()));
        for (String type : types) {
            em.createNativeQuery("INSERT INTO placement_rejection (chain_id, vnf_type, ingress, constraint_name, mbps, max_latency_ms, "
                            + "rejected_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING")
                    .setParameter(1, r.chainId().value()).setParameter(2, type).setParameter(3, r.order().ingress())
                    .setParameter(4, r.constraint()).setParameter(5, r.order().bandwidthMbps())
                    .setParameter(6, r.order().maxLatencyMs()).setParameter(7, Timestamp.from(r.at())).executeUpdate();
        }
    }

    @Scheduled(fixedDelay = "${chainmarket.placement.demand-interval}", initialDelay = "${chainmarket.placement.demand-interval}")
    void tick() {
        if (!leader.leads()) {
            windowStart = null;
            return;
        }
        try {
            Instant now = Instant.now();
            Instant from = windowStart == null ? now.minus(interval) : windowStart;
            List<VnfDemand> reports = report(from, now);
            windowStart = now;
            if (reports.stream().anyMatch(d -> d.points().stream().anyMatch(p -> p.rejected() > 0))) {
                LOG.info("demand {} .. {}: {}", from, now, reports.stream().map(DemandReports::summary).toList());
            }
        } catch (RuntimeException e) {
            LOG.debug("no demand report this time: {}", e.toString());
        }
    }

    /** Builds and publishes (through the outbox) the reports of the window {@code [from, to)}; returns them. */
    @Transactional
    public List<VnfDemand> report(Instant from, Instant to) {
        Map<String, Map<String, Point>> points = new TreeMap<>();
        @SuppressWarnings("unchecked")
        List<Object[]> rejections = em.createNativeQuery("SELECT vnf_type, ingress, constraint_name, mbps, max_latency_ms "
                        + "FROM placement_rejection WHERE rejected_at >= ?1 AND rejected_at < ?2")
                .setParameter(1, Timestamp.from(from)).setParameter(2, Timestamp.from(to)).getResultList();
        for (Object[] r : rejections) {
            Point p = points.computeIfAbsent((String) r[0], k -> new TreeMap<>()).computeIfAbsent((String) r[1], k -> new Point());
            double mbps = ((Number) r[3]).doubleValue();
            if (CAPACITY.contains((String) r[2])) {
                p.rejectedCapacity++;
            } else {
                p.rejectedLatency++;
            }
            p.rejectedMbps += mbps;
            double allows = ((Number) r[4]).doubleValue() / 2;
            p.maxLatencyMs = p.maxLatencyMs == null ? allows : Math.min(p.maxLatencyMs, allows);
        }
        @SuppressWarnings("unchecked")
        List<String> served = em.createNativeQuery("SELECT order_json FROM chain WHERE created_at >= ?1 AND created_at < ?2 "
                        + "AND state <> 'REJECTED'")
                .setParameter(1, Timestamp.from(from)).setParameter(2, Timestamp.from(to)).getResultList();
        for (String json : served) {
            ChainOrder o = Json.read(json, ChainOrder.class);
            for (String type : new LinkedHashSet<>(o.vnfTypes())) {
                Point p = points.computeIfAbsent(type, k -> new TreeMap<>()).computeIfAbsent(o.ingress(), k -> new Point());
                p.served++;
                p.servedMbps += o.bandwidthMbps();
            }
        }
        Map<String, Map<OfferId, Load>> loads = new TreeMap<>();
        @SuppressWarnings("unchecked")
        List<String> live = em.createNativeQuery("SELECT offer_json FROM offer WHERE NOT withdrawn").getResultList();
        for (String json : live) {
            VnfOffer o = Json.read(json, VnfOffer.class);
            loads.computeIfAbsent(o.vnfType(), k -> new TreeMap<>()).put(o.offerId(), new Load(o.providerId(), o.siteId()));
        }
        @SuppressWarnings("unchecked")
        List<Object[]> held = em.createNativeQuery("SELECT o.offer_json, c.order_json, r.mbps FROM chain_reservation r "
                + "JOIN chain c ON c.id = r.chain_id JOIN offer o ON o.id = r.offer_id").getResultList();
        for (Object[] r : held) {
            VnfOffer o = Json.read((String) r[0], VnfOffer.class);
            ChainOrder order = Json.read((String) r[1], ChainOrder.class);
            Load l = loads.computeIfAbsent(o.vnfType(), k -> new TreeMap<>()).computeIfAbsent(o.offerId(), k -> new Load(o.providerId(), o.siteId()));
            Share s = l.shares.computeIfAbsent(order.ingress(), k -> new Share());
            s.chains++;
            s.mbps += ((Number) r[2]).doubleValue();
        }
        Set<String> types = new LinkedHashSet<>(points.keySet());
        types.addAll(loads.keySet());
        Set<String> stale = new LinkedHashSet<>(reported);
        stale.removeAll(types);
        types.addAll(stale);
        List<VnfDemand> out = new ArrayList<>();
        for (String type : types) {
            List<VnfDemand.Point> ps = new ArrayList<>();
            points.getOrDefault(type, Map.of()).forEach((sw, p) -> ps.add(new VnfDemand.Point(sw, p.served, p.servedMbps,
                    p.rejectedCapacity, p.rejectedLatency, p.rejectedMbps, p.maxLatencyMs)));
            List<VnfDemand.InstanceLoad> is = new ArrayList<>();
            loads.getOrDefault(type, Map.of()).forEach((offer, l) -> {
                List<VnfDemand.Share> shares = new ArrayList<>();
                l.shares.forEach((sw, s) -> shares.add(new VnfDemand.Share(sw, s.chains, s.mbps)));
                is.add(new VnfDemand.InstanceLoad(offer, l.provider, l.site, shares));
            });
            VnfDemand d = new VnfDemand(type, from, to, ps, is);
            outbox.append(EventType.DEMAND_REPORTED, "vnf-demand", type, d);
            out.add(d);
        }
        reported.clear();
        reported.addAll(points.keySet());
        reported.addAll(loads.keySet());
        em.createNativeQuery("DELETE FROM placement_rejection WHERE rejected_at < ?1")
                .setParameter(1, Timestamp.from(to.minus(Duration.ofHours(1)))).executeUpdate();
        return out;
    }

    private static String summary(VnfDemand d) {
        int rejected = d.points().stream().mapToInt(VnfDemand.Point::rejected).sum();
        return d.vnfType() + ": " + rejected + " rejected, " + d.instances().size() + " instances";
    }

    private static final class Point {
        int served;
        double servedMbps;
        int rejectedCapacity;
        int rejectedLatency;
        double rejectedMbps;
        Double maxLatencyMs;
    }

    private static final class Share {
        int chains;
        double mbps;
    }

    private static final class Load {
        final ProviderId provider;
        final String site;
        final Map<String, Share> shares = new TreeMap<>();

        Load(ProviderId provider, String site) {
            this.provider = provider;
            this.site = site;
        }
    }
}
