package org.chainmarket.placement.domain;

import org.chainmarket.placement.model.Demand;
import org.chainmarket.placement.model.LatencyMap;
import org.chainmarket.placement.model.PlacementProblem;
import org.chainmarket.placement.model.RunningInstance;
import org.chainmarket.placement.model.SiteSpec;
import org.chainmarket.placement.solver.PlacementWeights;
import org.chainmarket.schemas.model.CatalogueEntry;
import org.chainmarket.schemas.model.OfferId;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the solver's view of a problem: one cell per (provider, site, type) the catalogue allows or an instance runs
 * at; each demand cut into units of at most {@code unitMbps} (chains spread evenly; for very large problems the unit
 * grows so that there are about {@value #MAX_UNITS} units at most), each unit's candidates the cells
 * of its type within its latency bound (nearest first) plus, for carried demand, its instance's cell. Counts and
 * assignments are left unset.
 */
public final class SolutionBuilder {
    /** Units beyond which the unit size grows with the total demand. */
    public static final int MAX_UNITS = 2500;
    private SolutionBuilder() {
    }

    public static PlacementSolution build(PlacementProblem problem, PlacementWeights weights, double unitMbps) {
        if (!(unitMbps > 0)) {
            throw new IllegalArgumentException("unitMbps must be > 0, got " + unitMbps);
        }
        LatencyMap latency = problem.latency();
        List<SiteFact> sites = new ArrayList<>();
        Map<String, SiteFact> siteById = new HashMap<>();
        for (SiteSpec s : problem.sites()) {
            SiteFact f = SiteFact.of(sites.size(), s, latency.indexOf(s.switchId()));
            sites.add(f);
            siteById.put(s.siteId(), f);
        }
        Map<String, CatalogueEntry> entries = new HashMap<>();
        for (CatalogueEntry e : problem.catalogue()) {
            entries.put(e.key(), e);
        }
        Map<String, List<RunningInstance>> runningAt = new LinkedHashMap<>();
        for (RunningInstance i : problem.instances()) {
            runningAt.computeIfAbsent(cellKey(i.providerId().value(), i.siteId(), i.vnfType()), k -> new ArrayList<>()).add(i);
        }
        Map<String, CellAllocation> cells = new LinkedHashMap<>();
        for (CatalogueEntry e : problem.catalogue()) {
            for (String siteId : e.siteIds()) {
                SiteFact site = siteById.get(siteId);
                if (site == null || !site.spec().providerId().equals(e.providerId())) {
                    continue;
                }
                String key = cellKey(e.providerId().value(), siteId, e.vnfType());
                cells.put(key, new CellAllocation(cells.size(), e.providerId(), site, e.vnfType(), e, true,
                        runningAt.getOrDefault(key, List.of()), weights));
            }
        }
        for (Map.Entry<String, List<RunningInstance>> r : runningAt.entrySet()) {
            if (!cells.containsKey(r.getKey())) {
                RunningInstance i = r.getValue().get(0);
                CatalogueEntry e = entries.get(CatalogueEntry.key(i.providerId(), i.vnfType()));
                cells.put(r.getKey(), new CellAllocation(cells.size(), i.providerId(), siteById.get(i.siteId()), i.vnfType(), e,
                        false, r.getValue(), weights));
            }
        }
        Map<OfferId, CellAllocation> cellOfInstance = new HashMap<>();
        Map<String, List<CellAllocation>> byType = new HashMap<>();
        for (CellAllocation c : cells.values()) {
            c.getRunning().forEach(i -> cellOfInstance.put(i.offerId(), c));
            byType.computeIfAbsent(c.getVnfType(), t -> new ArrayList<>()).add(c);
        }
        double total = problem.demands().stream().mapToDouble(Demand::mbps).sum();
        double unit = Math.max(unitMbps, total / MAX_UNITS);
        List<DemandAssignment> units = new ArrayList<>();
        for (Demand d : problem.demands()) {
            if (d.mbps() <= 0 && d.chains() == 0) {
                continue;
            }
            int sw = latency.indexOf(d.switchId());
            CellAllocation initial = d.isCarried() ? cellOfInstance.get(d.carriedBy()) : null;
            List<CellAllocation> candidates = new ArrayList<>();
            for (CellAllocation c : byType.getOrDefault(d.vnfType(), List.of())) {
                if (c == initial || latency.ms(sw, c.getSite().switchIndex()) <= d.maxLatencyMs()) {
                    candidates.add(c);
                }
            }
            candidates.sort(Comparator.comparingDouble((CellAllocation c) -> latency.ms(sw, c.getSite().switchIndex()))
                    .thenComparingInt(CellAllocation::getId));
            int n = Math.max(1, (int) Math.ceil(d.mbps() / unit - 1e-9));
            long kbps = Units.kbps(d.mbps());
            for (int k = 0; k < n; k++) {
                long unitKbps = kbps / n + (k < kbps % n ? 1 : 0);
                int unitChains = d.chains() / n + (k < d.chains() % n ? 1 : 0);
                units.add(new DemandAssignment(units.size(), d, sw, unitKbps, unitChains, initial, candidates, latency, weights));
            }
        }
        return new PlacementSolution(problem, sites, new ArrayList<>(cells.values()), units);
    }

    static String cellKey(String provider, String site, String type) {
        return provider + "|" + site + "|" + type;
    }
}
