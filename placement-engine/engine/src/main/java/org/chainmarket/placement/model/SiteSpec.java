package org.chainmarket.placement.model;

import org.chainmarket.schemas.model.ProviderId;

/** A provider's compute site at a switch, with what it has ({@code cpuCores}, {@code memoryGb}; zero when it failed). */
public record SiteSpec(String siteId, ProviderId providerId, String switchId, int cpuCores, double memoryGb) {
    public SiteSpec {
        if (cpuCores < 0 || memoryGb < 0) {
            throw new IllegalArgumentException("site " + siteId + ": cpuCores and memoryGb must be >= 0");
        }
    }

    /** The same site with nothing left to run on (it failed). */
    public SiteSpec failed() {
        return new SiteSpec(siteId, providerId, switchId, 0, 0);
    }
}
