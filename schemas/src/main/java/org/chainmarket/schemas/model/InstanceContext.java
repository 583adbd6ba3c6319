package org.chainmarket.schemas.model;

import java.time.Instant;
import java.util.List;

/**
 * The current operational context of one VNF instance over monitoring's sliding window: status, load (moving
 * average of max(cpu, throughput / capacity)), CPU and processing delay (average and 95th percentile), and the
 * metrics currently past their threshold. Published compacted, keyed by offer id.
 */
public record InstanceContext(OfferId offerId, ProviderId providerId, InstanceStatus status, double load,
                              double cpuAvg, double cpuP95, double memoryAvg, double throughputInAvgMbps,
                              double throughputOutAvgMbps, double processingDelayAvgMs, double processingDelayP95Ms,
                              Instant lastSampleAt, int samplesInWindow, List<Metric> degradedMetrics) {
    public InstanceContext {
        degradedMetrics = degradedMetrics == null ? List.of() : List.copyOf(degradedMetrics);
    }
}
