package org.chainmarket.monitoring.context;

import org.chainmarket.monitoring.detect.HysteresisDetector;
import org.chainmarket.monitoring.window.SlidingWindow;
import org.chainmarket.schemas.model.InstanceStatus;
import org.chainmarket.schemas.model.ProviderId;

/** What the engine keeps of one link: its window, detectors and what was last published. */
final class LinkState {
    static final int DELAY = 0;
    static final int UTILIZATION = 1;
    static final int LOSS = 2;
    static final int SERIES = 3;

    final String key;
    final String from;
    final String to;
    ProviderId providerId;
    final SlidingWindow window;
    final HysteresisDetector[] detectors;
    long lastSampleAt = Long.MIN_VALUE;
    boolean dirty;
    boolean published;
    long publishedAt;
    int publishedDegraded;
    double publishedDelay;
    double publishedUtilization;
    double publishedLoss;

    LinkState(String key, String from, String to, ProviderId providerId, int capacity, long windowMillis, long minDwellMillis) {
        this.key = key;
        this.from = from;
        this.to = to;
        this.providerId = providerId;
        this.window = new SlidingWindow(capacity, windowMillis, SERIES);
        this.detectors = new HysteresisDetector[] {new HysteresisDetector(minDwellMillis),
                new HysteresisDetector(minDwellMillis), new HysteresisDetector(minDwellMillis)};
    }

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
        return degradedMask() != 0 ? InstanceStatus.DEGRADED : InstanceStatus.UP;
    }
}
