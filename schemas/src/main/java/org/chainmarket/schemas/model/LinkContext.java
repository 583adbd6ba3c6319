package org.chainmarket.schemas.model;

import java.time.Instant;
import java.util.List;

/**
 * The current operational context of one link over monitoring's sliding window: delay and utilization (average
 * and 95th percentile), loss, and the metrics currently past their threshold. Published compacted, keyed by
 * {@link #linkKey}.
 */
public record LinkContext(String linkKey, String from, String to, ProviderId providerId, InstanceStatus status,
                          double delayAvgMs, double delayP95Ms, double utilizationAvg, double utilizationP95,
                          double lossAvg, Instant lastSampleAt, int samplesInWindow, List<Metric> degradedMetrics) {
    public LinkContext {
        degradedMetrics = degradedMetrics == null ? List.of() : List.copyOf(degradedMetrics);
    }

    /** A link's direction-free key: the two switch ids in lexical order joined by {@code |} (as selection's NetLink). */
    public static String key(String x, String y) {
        return x.compareTo(y) < 0 ? x + "|" + y : y + "|" + x;
    }
}
