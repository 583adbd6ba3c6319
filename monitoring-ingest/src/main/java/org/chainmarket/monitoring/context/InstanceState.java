package org.chainmarket.monitoring.context;

import org.chainmarket.monitoring.detect.HeartbeatWatchdog;
import org.chainmarket.monitoring.detect.HysteresisDetector;
import org.chainmarket.monitoring.detect.Threshold;
import org.chainmarket.monitoring.window.SlidingWindow;
import org.chainmarket.schemas.model.InstanceStatus;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;

/** What the engine keeps of one VNF instance: its window, detectors, heartbeat and what was last published. */
final class InstanceState {
    static final int LOAD = 0;
    static final int CPU = 1;
    static final int MEMORY = 2;
    static final int IN = 3;
    static final int OUT = 4;
    static final int DELAY = 5;
    static final int SERIES = 6;
    /** Detector order, as {@link #METRICS}; the heartbeat detector is last. */
    static final int HEARTBEAT = 3;

    final OfferId offerId;
    ProviderId providerId;
    final SlidingWindow window;
    final SlidingWindow heartbeatAges;
    final HysteresisDetector[] detectors;
    final HeartbeatWatchdog watchdog;
    Threshold[] thresholds;
    double capacityMbps;
    InstanceStatus reported = InstanceStatus.UP;
    long lastSampleAt = Long.MIN_VALUE;
    boolean dirty;
    boolean published;
    long publishedAt;
    InstanceStatus publishedStatus;
    int publishedDegraded;
    double publishedLoad;
    double publishedCpu;
    double publishedDelay;

    InstanceState(OfferId offerId, ProviderId providerId, int capacity, long windowMillis, int recentPoints,
                  long minDwellMillis, long nowMillis) {
        this.offerId = offerId;
        this.providerId = providerId;
        this.window = new SlidingWindow(capacity, windowMillis, SERIES);
        this.heartbeatAges = new SlidingWindow(recentPoints, Long.MAX_VALUE / 4, 1);
        this.detectors = new HysteresisDetector[] {new HysteresisDetector(minDwellMillis),
                new HysteresisDetector(minDwellMillis), new HysteresisDetector(minDwellMillis), new HysteresisDetector(0)};
        this.watchdog = new HeartbeatWatchdog(nowMillis);
    }

    /** Bit i set when detector i is degraded. */
    int degradedMask() {
        int mask = 0;
        for (int i = 0; i < detectors.length; i++) {
            if (detectors[i].degraded()) {
                mask |= 1 << i;
            }
        }
        return mask;
    }

    InstanceStatus status() {
        if (detectors[HEARTBEAT].degraded()) {
            return InstanceStatus.DOWN;
        }
        return reported == InstanceStatus.DEGRADED || degradedMask() != 0 ? InstanceStatus.DEGRADED : InstanceStatus.UP;
    }
}
