package org.chainmarket.monitoring.context;

import org.chainmarket.monitoring.detect.HysteresisDetector;
import org.chainmarket.monitoring.detect.Threshold;
import org.chainmarket.monitoring.policy.ThresholdPolicy;
import org.chainmarket.monitoring.window.SlidingWindow;
import org.chainmarket.schemas.model.Degradation;
import org.chainmarket.schemas.model.InstanceContext;
import org.chainmarket.schemas.model.InstanceStatus;
import org.chainmarket.schemas.model.LinkContext;
import org.chainmarket.schemas.model.Metric;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.SubjectKind;
import org.chainmarket.schemas.model.TelemetryBatch;
import org.chainmarket.schemas.model.VnfOffer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The ingest core, free of Kafka: turns telemetry batches into per-instance and per-link windowed state, and reports
 * to its {@link ContextSink} when a context changed materially (or is due for refresh) and when a metric degrades or
 * recovers.
 *
 * <p>Per instance: a sliding window of load (max(cpu, throughput / capacity), or cpu while the offer's capacity is
 * unknown), CPU, memory, throughput in and out and processing delay; a hysteresis detector per metric of
 * {@link ThresholdPolicy#INSTANCE_METRICS} fed the window's moving average; and a heartbeat watchdog whose silence (seconds since the
 * counter last moved, on the ingest's clock; the timeout at once when the provider reports the instance down) feeds
 * the {@code heartbeat} detector. A sample reported {@code DOWN} updates status and heartbeat but not the averages.
 * Per link: a window of delay, utilization and loss with a detector each. Windows and dwell run on the samples'
 * time; heartbeats and refresh on the ingest's clock ({@code nowMillis}).
 *
 * <p>Single-threaded: one engine per consumer thread, which owns the providers of its partitions.
 */
public final class ContextEngine {
    private static final int[] INSTANCE_SERIES = {InstanceState.LOAD, InstanceState.CPU, InstanceState.DELAY};
    private static final List<Metric> INSTANCE_METRICS = List.of(Metric.LOAD, Metric.CPU, Metric.PROCESSING_DELAY, Metric.HEARTBEAT);

    private final ThresholdPolicy policy;
    private final ContextSink sink;
    private final Map<OfferId, VnfOffer> offers = new HashMap<>();
    private final Map<OfferId, InstanceState> instances = new HashMap<>();
    private final Map<String, LinkState> links = new HashMap<>();
    private final Threshold[] linkThresholds;
    private final Threshold heartbeat;
    private final double windowSeconds;
    private final double[] instanceScratch = new double[InstanceState.SERIES];
    private final double[] linkScratch = new double[LinkState.SERIES];
    private final double[] one = new double[1];
    private long refused;

    public ContextEngine(ThresholdPolicy policy, ContextSink sink) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.linkThresholds = ThresholdPolicy.LINK_METRICS.stream().map(policy::linkThreshold).toArray(Threshold[]::new);
        this.heartbeat = policy.heartbeatThreshold();
        this.windowSeconds = policy.windowMillis() / 1000.0;
    }

    /** An offer was advertised or changed: its capacity and thresholds apply to its instance from now on. */
    public void offer(VnfOffer offer) {
        offers.put(offer.offerId(), offer);
        InstanceState st = instances.get(offer.offerId());
        if (st != null) {
            configure(st, offer);
        }
    }

    /** An offer was withdrawn: its instance is forgotten (nothing more is published for it). */
    public void offerWithdrawn(OfferId offerId) {
        offers.remove(offerId);
        instances.remove(offerId);
    }

    /** Applies every sample of {@code batch}, received at {@code nowMillis}; returns how many samples it held. */
    public int apply(TelemetryBatch batch, long nowMillis) {
        ProviderId provider = batch.providerId();
        for (TelemetryBatch.VnfSample s : batch.vnfSamples()) {
            apply(provider, s, nowMillis);
        }
        for (TelemetryBatch.LinkSample s : batch.linkSamples()) {
            apply(provider, s, nowMillis);
        }
        return batch.size();
    }

    /**
     * Time passes at {@code nowMillis}: instances whose heartbeat has been silent for the timeout are declared down,
     * and contexts with samples since their last publication are republished once the refresh interval has passed.
     */
    public void tick(long nowMillis) {
        for (InstanceState st : instances.values()) {
            HysteresisDetector hb = st.detectors[InstanceState.HEARTBEAT];
            double silence = st.watchdog.silenceMillis(nowMillis) / 1000.0;
            if (!hb.degraded() && silence >= heartbeat.enter()) {
                one[0] = silence;
                st.heartbeatAges.add(nowMillis, one);
                if (hb.observe(nowMillis, silence, heartbeat) == HysteresisDetector.Transition.DETECTED) {
                    sink.detected(instanceDegradation(st, InstanceState.HEARTBEAT, silence, nowMillis));
                    publish(st, nowMillis);
                    continue;
                }
            }
            if (st.dirty && nowMillis - st.publishedAt >= policy.refreshMillis()) {
                publish(st, nowMillis);
            }
        }
        for (LinkState st : links.values()) {
            if (st.dirty && nowMillis - st.publishedAt >= policy.refreshMillis()) {
                publish(st, nowMillis);
            }
        }
    }

    /** Forgets every instance and link of {@code provider} (its partition went to another consumer). */
    public void forgetProvider(ProviderId provider) {
        instances.values().removeIf(st -> st.providerId.equals(provider));
        links.values().removeIf(st -> st.providerId.equals(provider));
    }

    /** The instance's context as it stands (published or not). */
    public Optional<InstanceContext> instance(OfferId offerId) {
        InstanceState st = instances.get(offerId);
        return st == null || st.lastSampleAt == Long.MIN_VALUE ? Optional.empty() : Optional.of(context(st));
    }

    /** The link's context as it stands (published or not), by link key. */
    public Optional<LinkContext> link(String linkKey) {
        LinkState st = links.get(linkKey);
        return st == null ? Optional.empty() : Optional.of(context(st));
    }

    /** How many instances and links the engine holds. */
    public int subjects() {
        return instances.size() + links.size();
    }

    /** Samples refused because the engine already held {@link ThresholdPolicy#maxSubjects()} subjects. */
    public long refusedSamples() {
        return refused;
    }

    private boolean full() {
        if (subjects() < policy.maxSubjects()) {
            return false;
        }
        refused++;
        return true;
    }

    public ThresholdPolicy policy() {
        return policy;
    }

    private void apply(ProviderId provider, TelemetryBatch.VnfSample s, long nowMillis) {
        InstanceState st = instances.get(s.offerId());
        if (st == null) {
            if (full()) {
                return;
            }
            st = new InstanceState(s.offerId(), provider, policy.windowCapacity(), policy.windowMillis(),
                    policy.recentPoints(), policy.minDwellMillis(), nowMillis);
            configure(st, offers.get(s.offerId()));
            instances.put(s.offerId(), st);
        }
        st.providerId = provider;
        long at = s.at().toEpochMilli();
        st.reported = s.status();
        st.watchdog.observe(s.heartbeatSeq(), nowMillis);
        if (s.status() != InstanceStatus.DOWN) {
            double throughput = Math.max(s.throughputInMbps(), s.throughputOutMbps());
            double load = st.capacityMbps > 0 ? Math.max(s.cpu(), throughput / st.capacityMbps) : s.cpu();
            double[] v = instanceScratch;
            v[InstanceState.LOAD] = Math.min(1, load);
            v[InstanceState.CPU] = s.cpu();
            v[InstanceState.MEMORY] = s.memory();
            v[InstanceState.IN] = s.throughputInMbps();
            v[InstanceState.OUT] = s.throughputOutMbps();
            v[InstanceState.DELAY] = s.processingDelayMs();
            st.window.add(at, v);
            for (int d = 0; d < INSTANCE_SERIES.length; d++) {
                if (st.thresholds[d] == null) {
                    continue;
                }
                double avg = st.window.average(INSTANCE_SERIES[d]);
                HysteresisDetector.Transition t = st.detectors[d].observe(at, avg, st.thresholds[d]);
                if (t != HysteresisDetector.Transition.NONE) {
                    emit(t, instanceDegradation(st, d, avg, at));
                }
            }
        }
        double silence = st.watchdog.silenceMillis(nowMillis) / 1000.0;
        double age = s.status() == InstanceStatus.DOWN ? Math.max(silence, heartbeat.enter()) : silence;
        one[0] = age;
        st.heartbeatAges.add(at, one);
        HysteresisDetector.Transition t = st.detectors[InstanceState.HEARTBEAT].observe(at, age, heartbeat);
        if (t != HysteresisDetector.Transition.NONE) {
            emit(t, instanceDegradation(st, InstanceState.HEARTBEAT, age, at));
        }
        st.lastSampleAt = Math.max(st.lastSampleAt, at);
        st.dirty = true;
        if (material(st)) {
            publish(st, nowMillis);
        }
    }

    private void apply(ProviderId provider, TelemetryBatch.LinkSample s, long nowMillis) {
        String key = s.key();
        LinkState st = links.get(key);
        if (st == null) {
            if (full()) {
                return;
            }
            st = new LinkState(key, s.from(), s.to(), provider, policy.windowCapacity(), policy.windowMillis(),
                    policy.minDwellMillis());
            links.put(key, st);
        }
        st.providerId = provider;
        long at = s.at().toEpochMilli();
        double[] v = linkScratch;
        v[LinkState.DELAY] = s.delayMs();
        v[LinkState.UTILIZATION] = s.utilization();
        v[LinkState.LOSS] = s.loss();
        st.window.add(at, v);
        for (int d = 0; d < LinkState.SERIES; d++) {
            if (linkThresholds[d] == null) {
                continue;
            }
            double avg = st.window.average(d);
            HysteresisDetector.Transition t = st.detectors[d].observe(at, avg, linkThresholds[d]);
            if (t != HysteresisDetector.Transition.NONE) {
                emit(t, linkDegradation(st, d, avg, at));
            }
        }
        st.lastSampleAt = Math.max(st.lastSampleAt, at);
        st.dirty = true;
        if (material(st)) {
            publish(st, nowMillis);
        }
    }

    private void configure(InstanceState st, VnfOffer offer) {
        Map<Metric, Threshold> t = policy.instanceThresholds(offer);
        st.thresholds = ThresholdPolicy.INSTANCE_METRICS.stream().map(t::get).toArray(Threshold[]::new);
        st.capacityMbps = offer == null ? 0 : offer.capacityMbps();
    }

    private void emit(HysteresisDetector.Transition t, Degradation d) {
        if (t == HysteresisDetector.Transition.DETECTED) {
            sink.detected(d);
        } else {
            sink.cleared(d);
        }
    }

    private boolean material(InstanceState st) {
        if (!st.published) {
            return true;
        }
        SlidingWindow w = st.window;
        return st.status() != st.publishedStatus
                || st.degradedMask() != st.publishedDegraded
                || Math.abs(w.average(InstanceState.LOAD) - st.publishedLoad) >= policy.loadStep()
                || Math.abs(w.average(InstanceState.CPU) - st.publishedCpu) >= policy.loadStep()
                || movedRelative(w.average(InstanceState.DELAY), st.publishedDelay);
    }

    private boolean material(LinkState st) {
        if (!st.published) {
            return true;
        }
        SlidingWindow w = st.window;
        return st.degradedMask() != st.publishedDegraded
                || Math.abs(w.average(LinkState.UTILIZATION) - st.publishedUtilization) >= policy.utilizationStep()
                || Math.abs(w.average(LinkState.LOSS) - st.publishedLoss) >= policy.lossStep()
                || movedRelative(w.average(LinkState.DELAY), st.publishedDelay);
    }

    private boolean movedRelative(double now, double before) {
        return Math.abs(now - before) > policy.delayRatioStep() * Math.max(Math.abs(before), 0.01);
    }

    private void publish(InstanceState st, long nowMillis) {
        if (st.lastSampleAt == Long.MIN_VALUE) {
            return;
        }
        InstanceContext c = context(st);
        st.published = true;
        st.dirty = false;
        st.publishedAt = nowMillis;
        st.publishedStatus = c.status();
        st.publishedDegraded = st.degradedMask();
        st.publishedLoad = st.window.average(InstanceState.LOAD);
        st.publishedCpu = st.window.average(InstanceState.CPU);
        st.publishedDelay = st.window.average(InstanceState.DELAY);
        sink.instance(c);
    }

    private void publish(LinkState st, long nowMillis) {
        LinkContext c = context(st);
        st.published = true;
        st.dirty = false;
        st.publishedAt = nowMillis;
        st.publishedDegraded = st.degradedMask();
        st.publishedDelay = st.window.average(LinkState.DELAY);
        st.publishedUtilization = st.window.average(LinkState.UTILIZATION);
        st.publishedLoss = st.window.average(LinkState.LOSS);
        sink.link(c);
    }

    private InstanceContext context(InstanceState st) {
        SlidingWindow w = st.window;
        List<Metric> degraded = new ArrayList<>(2);
        for (int i = 0; i < st.detectors.length; i++) {
            if (st.detectors[i].degraded()) {
                degraded.add(INSTANCE_METRICS.get(i));
            }
        }
        return new InstanceContext(st.offerId, st.providerId, st.status(), round(w.average(InstanceState.LOAD)),
                round(w.average(InstanceState.CPU)), round(w.percentile(InstanceState.CPU, 95)),
                round(w.average(InstanceState.MEMORY)), round(w.average(InstanceState.IN)),
                round(w.average(InstanceState.OUT)), round(w.average(InstanceState.DELAY)),
                round(w.percentile(InstanceState.DELAY, 95)), Instant.ofEpochMilli(st.lastSampleAt), w.size(), degraded);
    }

    private LinkContext context(LinkState st) {
        SlidingWindow w = st.window;
        List<Metric> degraded = new ArrayList<>(2);
        for (int i = 0; i < st.detectors.length; i++) {
            if (st.detectors[i].degraded()) {
                degraded.add(ThresholdPolicy.LINK_METRICS.get(i));
            }
        }
        return new LinkContext(st.key, st.from, st.to, st.providerId, st.status(), round(w.average(LinkState.DELAY)),
                round(w.percentile(LinkState.DELAY, 95)), round(w.average(LinkState.UTILIZATION)),
                round(w.percentile(LinkState.UTILIZATION, 95)), round(w.average(LinkState.LOSS)),
                Instant.ofEpochMilli(st.lastSampleAt), w.size(), degraded);
    }

    private Degradation instanceDegradation(InstanceState st, int detector, double value, long atMillis) {
        Threshold t = detector == InstanceState.HEARTBEAT ? heartbeat : st.thresholds[detector];
        List<Degradation.Point> recent = new ArrayList<>(policy.recentPoints());
        if (detector == InstanceState.HEARTBEAT) {
            st.heartbeatAges.forEachRecent(0, policy.recentPoints(), (a, v) -> recent.add(point(a, v)));
        } else {
            st.window.forEachRecent(INSTANCE_SERIES[detector], policy.recentPoints(), (a, v) -> recent.add(point(a, v)));
        }
        return new Degradation(SubjectKind.INSTANCE, st.offerId.value(), st.providerId,
                INSTANCE_METRICS.get(detector), round(value), t.enter(), t.clear(), windowSeconds,
                Instant.ofEpochMilli(atMillis), recent);
    }

    private Degradation linkDegradation(LinkState st, int detector, double value, long atMillis) {
        Threshold t = linkThresholds[detector];
        List<Degradation.Point> recent = new ArrayList<>(policy.recentPoints());
        st.window.forEachRecent(detector, policy.recentPoints(), (a, v) -> recent.add(point(a, v)));
        return new Degradation(SubjectKind.LINK, st.key, st.providerId, ThresholdPolicy.LINK_METRICS.get(detector),
                round(value), t.enter(), t.clear(), windowSeconds, Instant.ofEpochMilli(atMillis), recent);
    }

    private static Degradation.Point point(long atMillis, double value) {
        return new Degradation.Point(Instant.ofEpochMilli(atMillis), round(value));
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
