package org.chainmarket.adapters.emulated;

import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck.FlowEntry;
import org.chainmarket.schemas.model.InstanceStatus;
import org.chainmarket.schemas.model.LinkContext;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.TelemetryBatch;
import org.chainmarket.schemas.model.VnfOffer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The emulated domain's operational data: a load model driven by the installed flow entries and the chains'
 * bandwidth, plus injected faults. An offer's traffic is the bandwidth of every chain whose entries output to
 * {@code vnf:<offerId>}; its load is traffic / capacity plus any injected extra load (at most 1); CPU is
 * {@link #BASE_CPU} + load; processing delay grows as nominal / (1 - load). A link's utilization is the larger of
 * its two directions' chain bandwidth over its capacity (plus injected extra); its delay grows with queueing as
 * utilization approaches 1, and it loses packets past 90 %. Thread-safe.
 */
final class TelemetryModel {
    /** CPU of an idle live instance. */
    static final double BASE_CPU = 0.05;
    /** Memory of an idle live instance. */
    static final double BASE_MEMORY = 0.2;
    /** Queueing delay scale of a link: extra delay = QUEUE_MS * u / (1 - u). */
    static final double QUEUE_MS = 0.1;
    /** Load is capped here in the delay formulas, so delays stay finite. */
    static final double MAX_QUEUE_LOAD = 0.95;

    private final ProviderDomain domain;
    private volatile Map<OfferId, VnfOffer> offers;
    private final Map<String, MeasuredLink> links;
    private final ConcurrentMap<OfferId, Double> hotOffers = new ConcurrentHashMap<>();
    private final Set<OfferId> killed = ConcurrentHashMap.newKeySet();
    private final Set<String> failedSites = ConcurrentHashMap.newKeySet();
    private final ConcurrentMap<String, Double> hotLinks = new ConcurrentHashMap<>();
    private final Map<OfferId, Long> heartbeats = new HashMap<>();

    TelemetryModel(ProviderDomain domain, List<VnfOffer> offers) {
        this.domain = domain;
        Set<String> sites = new java.util.HashSet<>();
        domain.sites().forEach(s -> sites.add(s.siteId()));
        Map<OfferId, VnfOffer> byId = new LinkedHashMap<>();
        for (int i = 0; i < offers.size(); i++) {
            VnfOffer o = Objects.requireNonNull(offers.get(i), "offers[" + i + "]");
            if (!o.providerId().equals(domain.providerId())) {
                throw new IllegalArgumentException("offers[" + i + "] (" + o.offerId() + ") belongs to provider "
                        + o.providerId() + ", not " + domain.providerId());
            }
            if (!sites.contains(o.siteId())) {
                throw new IllegalArgumentException("offers[" + i + "] (" + o.offerId() + ") is at site '" + o.siteId()
                        + "', which is not a site of domain " + domain.providerId());
            }
            if (byId.put(o.offerId(), o) != null) {
                throw new IllegalArgumentException("offers[" + i + "]: offer " + o.offerId() + " is listed twice");
            }
        }
        this.offers = java.util.Collections.unmodifiableMap(byId);
        Map<String, MeasuredLink> measured = new LinkedHashMap<>();
        for (ProviderDomain.Link l : domain.links()) {
            measured.putIfAbsent(LinkContext.key(l.from(), l.to()), new MeasuredLink(l.from(), l.to(), l.latencyMs(), l.bandwidthMbps()));
        }
        for (ProviderDomain.BorderLink b : domain.borderLinks()) {
            // each border link is reported once, by the side whose switch id sorts first (the other side does the same)
            if (b.localSwitch().compareTo(b.remoteSwitch()) < 0) {
                measured.putIfAbsent(LinkContext.key(b.localSwitch(), b.remoteSwitch()),
                        new MeasuredLink(b.localSwitch(), b.remoteSwitch(), b.latencyMs(), b.bandwidthMbps()));
            }
        }
        this.links = java.util.Collections.unmodifiableMap(measured);
    }

    Map<OfferId, VnfOffer> offers() {
        return offers;
    }

    /** An instance started at run time: reported from the next sample on, like the offers given at construction. */
    synchronized void add(VnfOffer offer) {
        Map<OfferId, VnfOffer> next = new LinkedHashMap<>(offers);
        next.put(offer.offerId(), offer);
        offers = java.util.Collections.unmodifiableMap(next);
    }

    /** An instance stopped: no longer reported; its faults and heartbeat counter are forgotten. */
    synchronized void remove(OfferId offer) {
        Map<OfferId, VnfOffer> next = new LinkedHashMap<>(offers);
        next.remove(offer);
        offers = java.util.Collections.unmodifiableMap(next);
        hotOffers.remove(offer);
        killed.remove(offer);
        heartbeats.remove(offer);
    }

    void makeHot(OfferId offer, double extraLoad) {
        known(offer);
        if (!(extraLoad >= 0 && extraLoad <= 1)) {
            throw new IllegalArgumentException("extraLoad must be within 0..1 but was " + extraLoad);
        }
        hotOffers.put(offer, extraLoad);
    }

    void cool(OfferId offer) {
        known(offer);
        hotOffers.remove(offer);
    }

    void kill(OfferId offer) {
        known(offer);
        killed.add(offer);
    }

    void revive(OfferId offer) {
        known(offer);
        killed.remove(offer);
    }

    void failSite(String siteId) {
        knownSite(siteId);
        failedSites.add(siteId);
    }

    void restoreSite(String siteId) {
        knownSite(siteId);
        failedSites.remove(siteId);
    }

    void makeLinkHot(String a, String b, double extraUtilization) {
        String key = knownLink(a, b);
        if (!(extraUtilization >= 0 && extraUtilization <= 1)) {
            throw new IllegalArgumentException("extraUtilization must be within 0..1 but was " + extraUtilization);
        }
        hotLinks.put(key, extraUtilization);
    }

    void coolLink(String a, String b) {
        hotLinks.remove(knownLink(a, b));
    }

    boolean isDown(OfferId offer) {
        VnfOffer o = known(offer);
        return killed.contains(offer) || failedSites.contains(o.siteId());
    }

    /** The samples for {@code now}, given each chain's installed entries and bandwidth. */
    synchronized TelemetryBatch sample(Instant now, Map<ChainId, List<FlowEntry>> chains, Map<ChainId, Double> bandwidth) {
        Map<String, Double> intoVnf = new HashMap<>();
        Map<String, Double> directed = new HashMap<>();
        chains.forEach((chain, entries) -> {
            double bw = bandwidth.getOrDefault(chain, 0.0);
            for (FlowEntry e : entries) {
                for (String action : e.actions()) {
                    if (!action.startsWith("output:")) {
                        continue;
                    }
                    String port = action.substring("output:".length());
                    if (port.startsWith("vnf:")) {
                        intoVnf.merge(port.substring("vnf:".length()), bw, Double::sum);
                    } else if (port.startsWith("to:")) {
                        directed.merge(e.switchId() + ">" + port.substring("to:".length()), bw, Double::sum);
                    } else if (port.startsWith("border:")) {
                        directed.merge(e.switchId() + ">" + port.substring("border:".length()), bw, Double::sum);
                    }
                }
            }
        });
        List<TelemetryBatch.VnfSample> vnfSamples = new ArrayList<>(offers.size());
        for (VnfOffer o : offers.values()) {
            OfferId id = o.offerId();
            boolean down = killed.contains(id) || failedSites.contains(o.siteId());
            long seq = heartbeats.getOrDefault(id, 0L);
            if (down) {
                vnfSamples.add(new TelemetryBatch.VnfSample(id, now, InstanceStatus.DOWN, 0, 0, 0, 0, 0, seq));
                continue;
            }
            seq++;
            heartbeats.put(id, seq);
            double traffic = intoVnf.getOrDefault(id.value(), 0.0);
            double load = Math.min(1, traffic / o.capacityMbps() + hotOffers.getOrDefault(id, 0.0));
            double cpu = Math.min(1, BASE_CPU + load);
            double memory = Math.min(1, BASE_MEMORY + 0.3 * load);
            double delay = o.processingLatencyMs() / (1 - Math.min(load, MAX_QUEUE_LOAD));
            InstanceStatus status = load >= 1 ? InstanceStatus.DEGRADED : InstanceStatus.UP;
            vnfSamples.add(new TelemetryBatch.VnfSample(id, now, status, round(cpu), round(memory), round(traffic),
                    round(traffic), round(delay), seq));
        }
        List<TelemetryBatch.LinkSample> linkSamples = new ArrayList<>(links.size());
        links.forEach((key, l) -> {
            double forward = directed.getOrDefault(l.from + ">" + l.to, 0.0);
            double backward = directed.getOrDefault(l.to + ">" + l.from, 0.0);
            double u = Math.min(1, Math.max(forward, backward) / l.capacityMbps + hotLinks.getOrDefault(key, 0.0));
            double queueLoad = Math.min(u, MAX_QUEUE_LOAD);
            double delay = l.latencyMs + QUEUE_MS * queueLoad / (1 - queueLoad);
            double loss = u > 0.9 ? (u - 0.9) * 0.1 : 0;
            linkSamples.add(new TelemetryBatch.LinkSample(l.from, l.to, now, round(delay), round(u), round(loss)));
        });
        return new TelemetryBatch(domain.providerId(), now, vnfSamples, linkSamples);
    }

    private VnfOffer known(OfferId offer) {
        VnfOffer o = offers.get(Objects.requireNonNull(offer, "offerId"));
        if (o == null) {
            throw new IllegalArgumentException("offerId " + offer + " is not an offer of domain " + domain.providerId()
                    + " (known: " + offers.keySet() + ")");
        }
        return o;
    }

    private void knownSite(String siteId) {
        if (domain.sites().stream().noneMatch(s -> s.siteId().equals(siteId))) {
            throw new IllegalArgumentException("siteId '" + siteId + "' is not a site of domain " + domain.providerId());
        }
    }

    private String knownLink(String a, String b) {
        String key = LinkContext.key(a, b);
        if (!links.containsKey(key)) {
            throw new IllegalArgumentException("link " + a + "-" + b + " is not a link domain " + domain.providerId()
                    + " reports (its own links, and border links whose local switch id sorts first)");
        }
        return key;
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }

    private record MeasuredLink(String from, String to, double latencyMs, double capacityMbps) {
    }
}
