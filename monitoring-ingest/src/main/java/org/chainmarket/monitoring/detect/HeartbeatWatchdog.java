package org.chainmarket.monitoring.detect;

/**
 * Watches one instance's heartbeat counter: the instance is alive while the counter moves. Time is the ingest's own
 * clock when a sample arrives (not the provider's stamp), so a provider whose clock is off, or that keeps sending
 * samples with a frozen counter, is judged the same way as one that went silent. A counter that goes down (an
 * agent restart) counts as a beat. Not thread-safe.
 */
public final class HeartbeatWatchdog {
    private long lastSeq = Long.MIN_VALUE;
    private long lastBeatMillis;

    /** A watchdog whose instance was last heard at {@code nowMillis}. */
    public HeartbeatWatchdog(long nowMillis) {
        this.lastBeatMillis = nowMillis;
    }

    /** Records the counter seen at {@code nowMillis}; returns whether it moved (a heartbeat). */
    public boolean observe(long seq, long nowMillis) {
        boolean beat = seq != lastSeq;
        if (beat) {
            lastSeq = seq;
            lastBeatMillis = Math.max(lastBeatMillis, nowMillis);
        }
        return beat;
    }

    /** Milliseconds since the last heartbeat, at {@code nowMillis}. */
    public long silenceMillis(long nowMillis) {
        return Math.max(0, nowMillis - lastBeatMillis);
    }

    public long lastBeatMillis() {
        return lastBeatMillis;
    }
}
