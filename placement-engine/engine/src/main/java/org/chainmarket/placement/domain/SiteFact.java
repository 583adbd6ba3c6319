package org.chainmarket.placement.domain;

import org.chainmarket.placement.model.SiteSpec;

/** A site as the solver sees it: vCPU and memory (MB) it has, and its switch's index in the latency map. */
public record SiteFact(int index, SiteSpec spec, int switchIndex, int cpuCores, long memoryMb) {
    public static SiteFact of(int index, SiteSpec spec, int switchIndex) {
        return new SiteFact(index, spec, switchIndex, spec.cpuCores(), Units.megabytes(spec.memoryGb()));
    }

    public String siteId() {
        return spec.siteId();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SiteFact s && s.index == index;
    }

    @Override
    public int hashCode() {
        return index;
    }

    @Override
    public String toString() {
        return spec.siteId();
    }
}
