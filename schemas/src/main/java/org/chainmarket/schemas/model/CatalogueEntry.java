package org.chainmarket.schemas.model;

import java.util.List;

/**
 * What a provider can run of one VNF type: vCPU and memory one instance takes, the Mbit/s and chains it carries,
 * its boot time, its price (EUR per hour, plus per Mbit/s per hour), SR/NSH awareness and the provider's sites where
 * it may run. Travels keyed by {@link #key()}.
 */
public record CatalogueEntry(ProviderId providerId, String vnfType, int vcpu, double memoryGb, double capacityMbps,
                             int maxChains, double bootSeconds, double pricePerHour, double pricePerMbpsHour,
                             double processingLatencyMs, boolean srAware, boolean nshAware, List<String> siteIds) {
    public CatalogueEntry {
        siteIds = List.copyOf(siteIds);
    }

    /** The record key: {@code providerId:vnfType}. */
    public String key() {
        return key(providerId, vnfType);
    }

    public static String key(ProviderId providerId, String vnfType) {
        return providerId.value() + ":" + vnfType;
    }

    /** Whether the type may run at {@code siteId}. */
    public boolean allows(String siteId) {
        return siteIds.contains(siteId);
    }
}
