package org.chainmarket.placement.domain;

/** Score units: soft penalties are micro-EUR/h; bandwidth is kbit/s; latency is µs; memory is MB. */
public final class Units {
    private Units() {
    }

    public static long micros(double eurPerHour) {
        return Math.round(eurPerHour * 1_000_000.0);
    }

    public static long kbps(double mbps) {
        return Math.round(mbps * 1000.0);
    }

    public static long megabytes(double gb) {
        return Math.round(gb * 1024.0);
    }

    /** Soft micro-EUR/h back to EUR/h. */
    public static double eur(long micros) {
        return micros / 1_000_000.0;
    }
}
