package org.chainmarket.placement.model;

import org.chainmarket.schemas.model.CatalogueEntry;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One placement round's input: the providers' sites, their catalogues, the instances running now, the demand (new and
 * carried) and the latency between switches. Every site's and demand's switch must be in {@code latency}.
 */
public record PlacementProblem(List<SiteSpec> sites, List<CatalogueEntry> catalogue, List<RunningInstance> instances,
                               List<Demand> demands, LatencyMap latency) {
    public PlacementProblem {
        sites = List.copyOf(sites);
        catalogue = List.copyOf(catalogue);
        instances = List.copyOf(instances);
        demands = List.copyOf(demands);
        Set<String> ids = new HashSet<>();
        for (SiteSpec s : sites) {
            if (!ids.add(s.siteId())) {
                throw new IllegalArgumentException("duplicate site '" + s.siteId() + "'");
            }
            latency.indexOf(s.switchId());
        }
        for (Demand d : demands) {
            latency.indexOf(d.switchId());
        }
        for (RunningInstance i : instances) {
            if (!ids.contains(i.siteId())) {
                throw new IllegalArgumentException("instance " + i.offerId() + " runs at unknown site '" + i.siteId() + "'");
            }
        }
    }
}
