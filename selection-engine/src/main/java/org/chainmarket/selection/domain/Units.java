package org.chainmarket.selection.domain;

/** Fixed-point units the score uses: kbit/s, microseconds and micro-euros per hour. */
public final class Units {
    /** Score units per EUR/h-equivalent of soft cost. */
    public static final long SOFT_PER_EUR = 1_000_000L;

    private Units() {
    }

    public static long kbps(double mbps) {
        return Math.round(mbps * 1000.0);
    }

    public static long micros(double ms) {
        return Math.round(ms * 1000.0);
    }

    public static long microEur(double eurPerHour) {
        return Math.round(eurPerHour * 1_000_000.0);
    }

    /** A soft cost of {@code eur} EUR/h-equivalents in score units. */
    public static long soft(double eur) {
        return Math.round(eur * SOFT_PER_EUR);
    }
}
