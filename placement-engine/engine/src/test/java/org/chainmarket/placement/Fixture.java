package org.chainmarket.placement;

import org.chainmarket.placement.domain.CellAllocation;
import org.chainmarket.placement.domain.DemandAssignment;
import org.chainmarket.placement.domain.PlacementSolution;
import org.chainmarket.placement.domain.SolutionBuilder;
import org.chainmarket.placement.model.Demand;
import org.chainmarket.placement.model.LatencyMap;
import org.chainmarket.placement.model.PlacementProblem;
import org.chainmarket.placement.model.RunningInstance;
import org.chainmarket.placement.model.SiteSpec;
import org.chainmarket.placement.solver.PlacementWeights;
import org.chainmarket.schemas.model.CatalogueEntry;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;

import java.util.ArrayList;
import java.util.List;

/**
 * A line of four switches a - b - c - d, 5 ms apart. Provider p1 has sites a-dc (8 vCPU, 16 GB) and b-dc (4 vCPU, 8 GB)
 * and runs firewalls (2 vCPU, 4 GB, 1000 Mbit/s, 10 chains, 1.0 EUR/h) at both; p2 has c-dc and d-dc (8 vCPU, 16 GB)
 * and runs firewalls (0.8 EUR/h) at c-dc only and dpi (4 vCPU, 8 GB, 500 Mbit/s, 5 chains, 2.0 EUR/h) at both.
 */
public final class Fixture {
    public static final ProviderId P1 = ProviderId.of("p1");
    public static final ProviderId P2 = ProviderId.of("p2");
    public static final LatencyMap LINE = LatencyMap.of(List.of("a", "b", "c", "d"), List.of(
            new LatencyMap.Link("a", "b", 5), new LatencyMap.Link("b", "c", 5), new LatencyMap.Link("c", "d", 5)));

    private Fixture() {
    }

    public static List<SiteSpec> sites() {
        return List.of(new SiteSpec("a-dc", P1, "a", 8, 16), new SiteSpec("b-dc", P1, "b", 4, 8),
                new SiteSpec("c-dc", P2, "c", 8, 16), new SiteSpec("d-dc", P2, "d", 8, 16));
    }

    public static List<CatalogueEntry> catalogue() {
        return List.of(
                new CatalogueEntry(P1, "firewall", 2, 4, 1000, 10, 20, 1.0, 0.001, 0.4, true, false, List.of("a-dc", "b-dc")),
                new CatalogueEntry(P2, "firewall", 2, 4, 1000, 10, 20, 0.8, 0.001, 0.4, true, false, List.of("c-dc")),
                new CatalogueEntry(P2, "dpi", 4, 8, 500, 5, 40, 2.0, 0.002, 1.5, false, false, List.of("c-dc", "d-dc")));
    }

    public static RunningInstance instance(String id, ProviderId p, String site, String type) {
        return new RunningInstance(OfferId.of(id), p, site, type);
    }

    public static PlacementProblem problem(List<RunningInstance> running, List<Demand> demands) {
        return new PlacementProblem(sites(), catalogue(), running, demands, LINE);
    }

    public static PlacementSolution build(PlacementProblem p, PlacementWeights w) {
        return SolutionBuilder.build(p, w, 100);
    }

    public static CellAllocation cell(PlacementSolution s, ProviderId p, String site, String type) {
        return s.getCells().stream().filter(c -> c.getProviderId().equals(p) && c.getSite().siteId().equals(site)
                && c.getVnfType().equals(type)).findFirst().orElseThrow(() -> new IllegalArgumentException("no cell " + p + "/" + site + "/" + type));
    }

    /** Every cell and unit of {@code s}, for a ConstraintVerifier's {@code given}. */
    public static Object[] all(PlacementSolution s) {
        List<Object> all = new ArrayList<>(s.getCells());
        all.addAll(s.getUnits());
        return all.toArray();
    }

    /** Sets counts (others 0) and puts every unit on {@code to} (null = unserved), keeping the cells' unit lists. */
    public static void assign(PlacementSolution s, List<DemandAssignment> units, CellAllocation to) {
        for (DemandAssignment u : units) {
            if (u.getCell() != null) {
                u.getCell().getUnits().remove(u);
            }
            u.setCell(to);
            if (to != null) {
                to.getUnits().add(u);
            }
        }
    }

    public static void zero(PlacementSolution s) {
        s.getCells().forEach(c -> c.setCount(0));
    }
}
