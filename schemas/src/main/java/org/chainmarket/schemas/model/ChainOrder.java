package org.chainmarket.schemas.model;

import java.util.List;

/**
 * An application provider's order: the abstract chain (ordered VNF types), where traffic enters and
 * leaves (switch ids), and its QoS and budget. Provider lists are optional filters. {@code substitutionPolicy}
 * (optional) says whether a degraded hop is substituted at once or proposed to an operator first; absent, the
 * marketplace's per-buyer policy applies.
 */
public record ChainOrder(String buyerId, List<String> vnfTypes, String ingress, String egress,
                         double bandwidthMbps, double maxLatencyMs, double maxPricePerHour,
                         List<ProviderId> includeProviders, List<ProviderId> excludeProviders,
                         Substitution.Policy substitutionPolicy) {
    public ChainOrder {
        vnfTypes = List.copyOf(vnfTypes);
        includeProviders = includeProviders == null ? List.of() : List.copyOf(includeProviders);
        excludeProviders = excludeProviders == null ? List.of() : List.copyOf(excludeProviders);
    }

    /** An order that leaves the substitution policy to the marketplace. */
    public ChainOrder(String buyerId, List<String> vnfTypes, String ingress, String egress, double bandwidthMbps,
                      double maxLatencyMs, double maxPricePerHour, List<ProviderId> includeProviders,
                      List<ProviderId> excludeProviders) {
        this(buyerId, vnfTypes, ingress, egress, bandwidthMbps, maxLatencyMs, maxPricePerHour, includeProviders,
                excludeProviders, null);
    }

    /** Whether the buyer's include/exclude lists allow {@code provider}. */
    public boolean allows(ProviderId provider) {
        return (includeProviders.isEmpty() || includeProviders.contains(provider)) && !excludeProviders.contains(provider);
    }
}
