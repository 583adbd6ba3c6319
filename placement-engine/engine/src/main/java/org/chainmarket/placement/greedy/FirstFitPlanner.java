package org.chainmarket.placement.greedy;

import org.chainmarket.placement.domain.CellAllocation;
import org.chainmarket.placement.domain.DemandAssignment;
import org.chainmarket.placement.domain.PlacementSolution;
import org.chainmarket.placement.domain.SiteFact;
import org.chainmarket.placement.model.RunningInstance;
import org.chainmarket.placement.plan.Placement;
import org.chainmarket.placement.plan.Planner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The first-fit baseline. Every running instance that carries demand and may stay (allowed cell, room on its site)
 * keeps it. Then each unit in turn (demand whose instance may not stay first, then new demand in the order given) goes
 * to the first open instance of its type with room, nearest cell first; if none has room, a new instance opens at the
 * nearest allowed cell whose site has room; otherwise it stays unserved. Instances left empty stop, except those in
 * their idle grace period, which stay open to new demand. No look-ahead,
 * no consolidation: what a provider scaling out on rejections would do.
 */
public final class FirstFitPlanner implements Planner {

    @Override
    public String name() {
        return "greedy";
    }

    @Override
    public Placement plan(PlacementSolution s) {
        List<CellAllocation> cells = s.getCells();
        Map<CellAllocation, Integer> index = new HashMap<>();
        for (int i = 0; i < cells.size(); i++) {
            index.put(cells.get(i), i);
        }
        int[] cpu = new int[s.getSites().size()];
        long[] mem = new long[s.getSites().size()];
        List<List<long[]>> open = new ArrayList<>();
        cells.forEach(c -> open.add(new ArrayList<>()));
        int[] unitCell = new int[s.getUnits().size()];
        Arrays.fill(unitCell, -1);

        Map<Object, List<Integer>> carriedBy = new HashMap<>();
        for (int j = 0; j < unitCell.length; j++) {
            DemandAssignment u = s.getUnits().get(j);
            if (u.isCarried()) {
                carriedBy.computeIfAbsent(u.getDemand().carriedBy(), k -> new ArrayList<>()).add(j);
            }
        }
        List<Integer> pending = new ArrayList<>();
        for (CellAllocation c : cells) {
            for (RunningInstance r : c.getRunning()) {
                List<Integer> units = carriedBy.getOrDefault(r.offerId(), List.of());
                if (units.isEmpty()) {
                    continue;
                }
                if (!c.isAllowed() || !fitsSite(c, cpu, mem)) {
                    pending.addAll(units);
                    continue;
                }
                long[] inst = openInstance(c, index.get(c), open, cpu, mem);
                for (int j : units) {
                    DemandAssignment u = s.getUnits().get(j);
                    if (fits(inst, u)) {
                        take(inst, u);
                        unitCell[j] = index.get(c);
                    } else {
                        pending.add(j);
                    }
                }
            }
        }
        for (CellAllocation c : cells) {
            while (open.get(index.get(c)).size() < c.getGraceCount()) {
                openInstance(c, index.get(c), open, cpu, mem); // in its idle grace period: kept, open to new demand
            }
        }
        for (int j = 0; j < unitCell.length; j++) {
            if (!s.getUnits().get(j).isCarried()) {
                pending.add(j);
            }
        }
        for (int j : pending) {
            DemandAssignment u = s.getUnits().get(j);
            unitCell[j] = place(u, index, open, cpu, mem);
        }
        int[] counts = new int[cells.size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = open.get(i).size();
        }
        return new Placement(counts, unitCell);
    }

    private static int place(DemandAssignment u, Map<CellAllocation, Integer> index, List<List<long[]>> open, int[] cpu, long[] mem) {
        for (CellAllocation c : u.getCandidates()) {
            for (long[] inst : open.get(index.get(c))) {
                if (fits(inst, u)) {
                    take(inst, u);
                    return index.get(c);
                }
            }
        }
        for (CellAllocation c : u.getCandidates()) {
            if (c.isAllowed() && fitsSite(c, cpu, mem) && u.getKbps() <= c.capacityKbps() && u.getChains() <= c.maxChains()) {
                long[] inst = openInstance(c, index.get(c), open, cpu, mem);
                take(inst, u);
                return index.get(c);
            }
        }
        return -1;
    }

    private static boolean fitsSite(CellAllocation c, int[] cpu, long[] mem) {
        SiteFact site = c.getSite();
        return cpu[site.index()] + c.vcpu() <= site.cpuCores() && mem[site.index()] + c.memoryMb() <= site.memoryMb();
    }

    /** Opens an instance in cell {@code i}: {remaining kbit/s, remaining chains}. */
    private static long[] openInstance(CellAllocation c, int i, List<List<long[]>> open, int[] cpu, long[] mem) {
        cpu[c.getSite().index()] += c.vcpu();
        mem[c.getSite().index()] += c.memoryMb();
        long[] inst = {c.capacityKbps(), c.maxChains()};
        open.get(i).add(inst);
        return inst;
    }

    private static boolean fits(long[] inst, DemandAssignment u) {
        return inst[0] >= u.getKbps() && inst[1] >= u.getChains();
    }

    private static void take(long[] inst, DemandAssignment u) {
        inst[0] -= u.getKbps();
        inst[1] -= u.getChains();
    }
}
