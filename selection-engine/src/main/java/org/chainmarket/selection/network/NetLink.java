package org.chainmarket.selection.network;

import org.chainmarket.schemas.model.ProviderId;

/** An undirected link of the multi-domain graph; {@code owner} is null for a border link between two providers. */
public record NetLink(String a, String b, double latencyMs, double bandwidthMbps, ProviderId owner) {
    /** The key that names this link regardless of direction. */
    public String key() {
        return key(a, b);
    }

    public static String key(String x, String y) {
        return x.compareTo(y) < 0 ? x + "|" + y : y + "|" + x;
    }

    /** Bandwidth still free given the usage per link ({@link #key()} to Mbit/s; absent = none used). */
    public double freeMbps(java.util.Map<String, Double> usageMbps) {
        return bandwidthMbps - usageMbps.getOrDefault(key(), 0.0);
    }

    public boolean isBorder() {
        return owner == null;
    }
}
