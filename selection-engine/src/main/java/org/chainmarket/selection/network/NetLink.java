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

    public boolean isBorder() {
        return owner == null;
    }
}
