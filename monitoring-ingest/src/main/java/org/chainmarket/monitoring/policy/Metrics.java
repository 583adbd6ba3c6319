package org.chainmarket.monitoring.policy;

import java.util.List;

/** The metric names that thresholds, context and degradation events use. */
public final class Metrics {
    /** Instance: moving average of max(cpu, throughput / capacity), 0..1. */
    public static final String LOAD = "load";
    /** Instance: CPU use, 0..1. */
    public static final String CPU = "cpu";
    /** Instance: processing delay in ms. */
    public static final String PROCESSING_DELAY = "processingDelayMs";
    /** Instance: seconds since the heartbeat counter last moved (or the provider reported the instance down). */
    public static final String HEARTBEAT = "heartbeat";
    /** Link: delay in ms. */
    public static final String DELAY = "delayMs";
    /** Link: utilization, 0..1. */
    public static final String UTILIZATION = "utilization";
    /** Link: packet loss, 0..1. */
    public static final String LOSS = "loss";

    /** Instance metrics with thresholds from policy or offer (heartbeat has its timeout instead). */
    public static final List<String> INSTANCE = List.of(LOAD, CPU, PROCESSING_DELAY);
    /** Link metrics with thresholds from policy. */
    public static final List<String> LINK = List.of(DELAY, UTILIZATION, LOSS);

    private Metrics() {
    }
}
