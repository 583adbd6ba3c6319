package org.chainmarket.monitoring.detect;

/**
 * Decides when one metric of one subject degrades and recovers, so that a value flapping at a threshold gives one
 * event and not a storm: it degrades only when the value has stayed at or above the band's {@code enter} for at
 * least {@code minDwellMillis}, and recovers only when it has stayed at or below {@code clear} for as long. Values
 * inside the band keep the current state and restart neither clock. Time is the samples' time, so replays and
 * tests are deterministic. The threshold is passed on every observation, so a changed policy applies at once
 * without losing the state. Not thread-safe.
 */
public final class HysteresisDetector {
    private final long minDwellMillis;
    private boolean degraded;
    private long pendingSince = Long.MIN_VALUE;

    /** What an observation changed. */
    public enum Transition {
        NONE, DETECTED, CLEARED
    }

    public HysteresisDetector(long minDwellMillis) {
        if (minDwellMillis < 0) {
            throw new IllegalArgumentException("minDwellMillis must be 0 or more but was " + minDwellMillis);
        }
        this.minDwellMillis = minDwellMillis;
    }

    /** Feeds the metric's current value at {@code atMillis}; returns whether the subject just degraded or recovered. */
    public Transition observe(long atMillis, double value, Threshold threshold) {
        boolean beyond = degraded ? value <= threshold.clear() : value >= threshold.enter();
        if (!beyond) {
            pendingSince = Long.MIN_VALUE;
            return Transition.NONE;
        }
        if (pendingSince == Long.MIN_VALUE) {
            pendingSince = atMillis;
        }
        if (atMillis - pendingSince < minDwellMillis) {
            return Transition.NONE;
        }
        pendingSince = Long.MIN_VALUE;
        degraded = !degraded;
        return degraded ? Transition.DETECTED : Transition.CLEARED;
    }

    /** Whether the subject is degraded in this metric (a detection not yet cleared). */
    public boolean degraded() {
        return degraded;
    }
}
