package org.chainmarket.monitoring.load;

import org.chainmarket.schemas.model.InstanceStatus;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.TelemetryBatch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A seeded synthetic fleet for replays and benchmarks: {@code providers} providers ({@code gen-p<i>}), each with
 * {@code instances} VNF instances ({@code gen-p<i>-vnf-<j>}) spread round-robin over {@code sites} sites
 * ({@code gen-p<i>-site-<k>}, the site of switch {@code gen-p<i>-sw-<k>}) and a line of {@code links} links between
 * consecutive switches. Every instance has a base load in 0.2..0.5 and a little noise per sample; throughput is load
 * times 1000 Mbit/s; processing delay grows as 0.5 ms / (1 - load). {@link Faults} heat instances, kill them (DOWN,
 * heartbeat frozen), fail sites, or heat switches (every link at the switch near saturation, with queueing delay).
 * Not thread-safe (heartbeat counters and noise advance per call).
 */
public final class SyntheticFleet {
    private final int providers;
    private final int instances;
    private final int sites;
    private final int links;
    private final double[][] baseLoad;
    private final long[][] heartbeats;
    private final Random noise;
    private final ProviderId[] providerIds;
    private final OfferId[][] offerIds;

    /** Faults in effect for one batch. */
    public record Faults(Set<OfferId> hot, Set<OfferId> dead, Set<String> failedSites, Set<String> hotSwitches) {
        public static final Faults NONE = new Faults(Set.of(), Set.of(), Set.of(), Set.of());

        public Faults {
            hot = Set.copyOf(hot);
            dead = Set.copyOf(dead);
            failedSites = Set.copyOf(failedSites);
            hotSwitches = Set.copyOf(hotSwitches);
        }
    }

    public SyntheticFleet(int providers, int instances, int sites, int links, long seed) {
        if (providers < 1 || instances < 0 || sites < 1 || links < 0) {
            throw new IllegalArgumentException("providers and sites must be at least 1, instances and links 0 or more, but were "
                    + providers + ", " + sites + ", " + instances + ", " + links);
        }
        this.providers = providers;
        this.instances = instances;
        this.sites = sites;
        this.links = links;
        Random r = new Random(seed);
        this.baseLoad = new double[providers][instances];
        this.heartbeats = new long[providers][instances];
        this.providerIds = new ProviderId[providers];
        this.offerIds = new OfferId[providers][instances];
        for (int p = 0; p < providers; p++) {
            providerIds[p] = ProviderId.of("gen-p" + p);
            for (int i = 0; i < instances; i++) {
                baseLoad[p][i] = 0.2 + 0.3 * r.nextDouble();
                offerIds[p][i] = OfferId.of("gen-p" + p + "-vnf-" + i);
            }
        }
        this.noise = new Random(seed ^ 0x5DEECE66DL);
    }

    public int providers() {
        return providers;
    }

    /** Samples in one provider's batch. */
    public int batchSize() {
        return instances + links;
    }

    public ProviderId provider(int p) {
        return providerIds[p];
    }

    public OfferId instance(int p, int i) {
        return offerIds[p][i];
    }

    public String site(int p, int s) {
        return "gen-p" + p + "-site-" + s;
    }

    public String switchId(int p, int s) {
        return "gen-p" + p + "-sw-" + s;
    }

    /** The instances of provider {@code p} at site {@code s}. */
    public List<OfferId> instancesAt(int p, int s) {
        List<OfferId> out = new ArrayList<>();
        for (int i = s; i < instances; i += sites) {
            out.add(offerIds[p][i]);
        }
        return out;
    }

    /** Provider {@code p}'s samples at {@code at} under {@code faults}. */
    public TelemetryBatch batch(int p, Instant at, Faults faults) {
        List<TelemetryBatch.VnfSample> vnfs = new ArrayList<>(instances);
        for (int i = 0; i < instances; i++) {
            OfferId id = offerIds[p][i];
            boolean down = faults.dead().contains(id) || faults.failedSites().contains(site(p, i % sites));
            if (down) {
                vnfs.add(new TelemetryBatch.VnfSample(id, at, InstanceStatus.DOWN, 0, 0, 0, 0, 0, heartbeats[p][i]));
                continue;
            }
            double load = faults.hot().contains(id) ? 0.95 : baseLoad[p][i];
            load = clamp(load + (noise.nextDouble() - 0.5) * 0.04);
            double delay = 0.5 / (1 - Math.min(load, 0.95));
            vnfs.add(new TelemetryBatch.VnfSample(id, at, InstanceStatus.UP, round(load), round(0.2 + 0.3 * load),
                    round(load * 1000), round(load * 995), round(delay), ++heartbeats[p][i]));
        }
        List<TelemetryBatch.LinkSample> linkSamples = new ArrayList<>(links);
        for (int l = 0; l < links; l++) {
            String a = switchId(p, l);
            String b = switchId(p, l + 1);
            boolean hot = faults.hotSwitches().contains(a) || faults.hotSwitches().contains(b);
            double u = clamp((hot ? 0.96 : 0.3) + (noise.nextDouble() - 0.5) * 0.04);
            double q = Math.min(u, 0.95);
            linkSamples.add(new TelemetryBatch.LinkSample(a, b, at, round(2 + 0.1 * q / (1 - q) * (hot ? 40 : 1)), round(u),
                    round(u > 0.9 ? (u - 0.9) * 0.1 : 0)));
        }
        return new TelemetryBatch(providerIds[p], at, vnfs, linkSamples);
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
