package org.chainmarket.monitoring.policy;

import org.chainmarket.schemas.model.Metric;
import org.chainmarket.schemas.model.SubjectKind;

import org.chainmarket.monitoring.detect.Threshold;
import org.chainmarket.schemas.model.VnfOffer;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * What counts as degraded, and over which window. Immutable; {@link #with} returns a changed copy.
 *
 * <p>An instance metric's threshold is, first found: the offer's declared scale threshold ({@code maxLoad},
 * {@code maxCpu}, {@code maxProcessingDelayMs}; clear at {@code declared.clearRatio} of it), the VNF type's policy
 * ({@code type.<vnfType>.<metric>}), for processing delay a multiple of the offer's nominal latency
 * ({@code processingDelay.factor}), and the default ({@code instance.<metric>}). A link metric's is
 * {@code link.<metric>}. An instance is down when its heartbeat counter has not moved for
 * {@code heartbeat.timeout.seconds}, or its provider reports it down.
 *
 * <p>Settings (properties file or {@code --set key=value}; thresholds as {@code enter/clear}):
 * {@code window.seconds} (10), {@code window.capacity} (64 samples), {@code dwell.seconds} (2, sample time),
 * {@code heartbeat.timeout.seconds} (5), {@code recent.points} (20), {@code subjects.max} (100000 instances and links
 * per engine; samples of further subjects are refused and counted), {@code refresh.seconds} (10: context republished
 * at least this often while samples come), {@code step.load} (0.05), {@code step.utilization} (0.05),
 * {@code step.delayRatio} (0.2), {@code step.loss} (0.005) (a context is republished at once when a value moved by
 * its step, or status or degraded metrics changed), {@code instance.load} (0.85/0.7), {@code instance.cpu}
 * ({@code off}: load already is max(cpu, throughput / capacity), so a CPU detector would only repeat the load
 * event; an offer's {@code maxCpu} or a type's policy turns it on), {@code instance.processingDelayMs} (50/40), {@code processingDelay.factor} (5/3),
 * {@code declared.clearRatio} (0.85), {@code link.utilization} (0.9/0.75), {@code link.loss} (0.01/0.002),
 * {@code link.delayMs} (50/40), {@code type.<vnfType>.<metric>} (none).
 */
public final class ThresholdPolicy {
    /** Instance metrics with thresholds from policy or offer, in detector order (the heartbeat has its timeout instead). */
    public static final List<Metric> INSTANCE_METRICS = List.of(Metric.LOAD, Metric.CPU, Metric.PROCESSING_DELAY);
    /** Link metrics with thresholds from policy, in detector order. */
    public static final List<Metric> LINK_METRICS = Metric.of(SubjectKind.LINK);

    private static final Map<String, String> DEFAULTS = defaults0();

    private final Map<String, String> settings;
    private final long windowMillis;
    private final int windowCapacity;
    private final long minDwellMillis;
    private final long heartbeatTimeoutMillis;
    private final int recentPoints;
    private final int maxSubjects;
    private final long refreshMillis;
    private final double loadStep;
    private final double utilizationStep;
    private final double delayRatioStep;
    private final double lossStep;
    private final Threshold processingDelayFactor;
    private final double declaredClearRatio;
    private final Map<Metric, Threshold> instanceDefaults = new HashMap<>();
    private final Map<Metric, Threshold> linkThresholds = new HashMap<>();
    private final Map<String, Map<Metric, Threshold>> byType = new HashMap<>();

    private ThresholdPolicy(Map<String, String> settings) {
        this.settings = Map.copyOf(settings);
        Map<String, String> s = new HashMap<>(DEFAULTS);
        s.putAll(settings);
        windowMillis = millis(s, "window.seconds");
        windowCapacity = (int) positive(s, "window.capacity");
        minDwellMillis = millis(s, "dwell.seconds");
        heartbeatTimeoutMillis = millis(s, "heartbeat.timeout.seconds");
        recentPoints = (int) positive(s, "recent.points");
        maxSubjects = (int) positive(s, "subjects.max");
        refreshMillis = millis(s, "refresh.seconds");
        loadStep = number(s, "step.load");
        utilizationStep = number(s, "step.utilization");
        delayRatioStep = number(s, "step.delayRatio");
        lossStep = number(s, "step.loss");
        processingDelayFactor = Threshold.parse("processingDelay.factor", s.get("processingDelay.factor"));
        declaredClearRatio = number(s, "declared.clearRatio");
        if (declaredClearRatio > 1) {
            throw new IllegalArgumentException("declared.clearRatio must be within 0..1 but was " + declaredClearRatio);
        }
        for (Map.Entry<String, String> e : new TreeMap<>(s).entrySet()) {
            String key = e.getKey();
            if (key.startsWith("instance.")) {
                Metric metric = metric(key, key.substring("instance.".length()), INSTANCE_METRICS);
                instanceDefaults.put(metric, Threshold.parse(key, e.getValue()));
            } else if (key.startsWith("link.")) {
                Metric metric = metric(key, key.substring("link.".length()), LINK_METRICS);
                linkThresholds.put(metric, Threshold.parse(key, e.getValue()));
            } else if (key.startsWith("type.")) {
                String rest = key.substring("type.".length());
                int dot = rest.lastIndexOf('.');
                if (dot <= 0) {
                    throw new IllegalArgumentException(key + ": must be type.<vnfType>.<metric>");
                }
                Metric metric = metric(key, rest.substring(dot + 1), INSTANCE_METRICS);
                byType.computeIfAbsent(rest.substring(0, dot), t -> new HashMap<>()).put(metric, Threshold.parse(key, e.getValue()));
            } else if (!DEFAULTS.containsKey(key)) {
                throw new IllegalArgumentException(key + ": unknown policy setting (known: " + new TreeMap<>(DEFAULTS).keySet()
                        + ", type.<vnfType>.<metric>)");
            }
        }
    }

    /** The default policy. */
    public static ThresholdPolicy defaults() {
        return new ThresholdPolicy(Map.of());
    }

    /** The default policy changed by {@code properties}. */
    public static ThresholdPolicy fromProperties(Properties properties) {
        Map<String, String> s = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(k -> s.put(k.trim(), properties.getProperty(k).trim()));
        return new ThresholdPolicy(s);
    }

    /** The default policy changed by the properties file at {@code path}. */
    public static ThresholdPolicy load(Path path) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("policy file " + path + " cannot be read: " + e.getMessage(), e);
        }
        return fromProperties(p);
    }

    /** A copy with one setting changed. */
    public ThresholdPolicy with(String key, String value) {
        Map<String, String> s = new LinkedHashMap<>(settings);
        s.put(key, value);
        return new ThresholdPolicy(s);
    }

    /**
     * The thresholds of an instance's metrics ({@link #INSTANCE_METRICS}); {@code offer} may be null (not advertised).
     * A metric that is {@code off} maps to null.
     */
    public Map<Metric, Threshold> instanceThresholds(VnfOffer offer) {
        Map<Metric, Threshold> out = new HashMap<>(instanceDefaults);
        if (offer == null) {
            return out;
        }
        if (offer.processingLatencyMs() > 0) {
            out.put(Metric.PROCESSING_DELAY, new Threshold(processingDelayFactor.enter() * offer.processingLatencyMs(),
                    processingDelayFactor.clear() * offer.processingLatencyMs()));
        }
        out.putAll(byType.getOrDefault(offer.vnfType(), Map.of()));
        VnfOffer.ScaleThresholds declared = offer.thresholds();
        if (declared != null) {
            declare(out, Metric.LOAD, declared.maxLoad());
            declare(out, Metric.CPU, declared.maxCpu());
            declare(out, Metric.PROCESSING_DELAY, declared.maxProcessingDelayMs());
        }
        return out;
    }

    /** The threshold of a link metric ({@link #LINK_METRICS}); null when it is {@code off}. */
    public Threshold linkThreshold(Metric metric) {
        if (!linkThresholds.containsKey(metric)) {
            throw new IllegalArgumentException("metric '" + metric + "' is not a link metric " + LINK_METRICS);
        }
        return linkThresholds.get(metric);
    }

    /** The heartbeat band: down at the timeout (seconds of silence), back at 0 (a heartbeat). */
    public Threshold heartbeatThreshold() {
        return new Threshold(heartbeatTimeoutMillis / 1000.0, 0);
    }

    public long windowMillis() {
        return windowMillis;
    }

    public int windowCapacity() {
        return windowCapacity;
    }

    public long minDwellMillis() {
        return minDwellMillis;
    }

    public int recentPoints() {
        return recentPoints;
    }

    /** How many instances and links one engine tracks at most (bounded memory); samples of more are refused. */
    public int maxSubjects() {
        return maxSubjects;
    }

    public long refreshMillis() {
        return refreshMillis;
    }

    public double loadStep() {
        return loadStep;
    }

    public double utilizationStep() {
        return utilizationStep;
    }

    public double delayRatioStep() {
        return delayRatioStep;
    }

    public double lossStep() {
        return lossStep;
    }

    @Override
    public String toString() {
        return "ThresholdPolicy" + new TreeMap<>(settings);
    }

    private void declare(Map<Metric, Threshold> out, Metric metric, Double enter) {
        if (enter != null) {
            out.put(metric, new Threshold(enter, enter * declaredClearRatio));
        }
    }

    private static Metric metric(String key, String name, java.util.List<Metric> known) {
        Metric metric = known.stream().filter(m -> m.wireName().equals(name)).findFirst().orElse(null);
        if (metric == null) {
            throw new IllegalArgumentException(key + ": unknown metric '" + name + "' (known: " + known + ")");
        }
        return metric;
    }

    private static double number(Map<String, String> s, String key) {
        String text = s.get(key);
        double v;
        try {
            v = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number but was '" + text + "'", e);
        }
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(key + " must be a finite number, 0 or more, but was " + text);
        }
        return v;
    }

    private static double positive(Map<String, String> s, String key) {
        double v = number(s, key);
        if (v < 1 || v != Math.rint(v)) {
            throw new IllegalArgumentException(key + " must be a whole number, 1 or more, but was " + s.get(key));
        }
        return v;
    }

    private static long millis(Map<String, String> s, String key) {
        return Math.round(number(s, key) * 1000);
    }

    private static Map<String, String> defaults0() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("window.seconds", "10");
        d.put("window.capacity", "64");
        d.put("dwell.seconds", "2");
        d.put("heartbeat.timeout.seconds", "5");
        d.put("recent.points", "20");
        d.put("subjects.max", "100000");
        d.put("refresh.seconds", "10");
        d.put("step.load", "0.05");
        d.put("step.utilization", "0.05");
        d.put("step.delayRatio", "0.2");
        d.put("step.loss", "0.005");
        d.put("instance.load", "0.85/0.7");
        d.put("instance.cpu", "off");
        d.put("instance.processingDelayMs", "50/40");
        d.put("processingDelay.factor", "5/3");
        d.put("declared.clearRatio", "0.85");
        d.put("link.utilization", "0.9/0.75");
        d.put("link.loss", "0.01/0.002");
        d.put("link.delayMs", "50/40");
        return Map.copyOf(d);
    }
}
