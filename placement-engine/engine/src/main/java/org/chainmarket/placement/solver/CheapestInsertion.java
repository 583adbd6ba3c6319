package org.chainmarket.placement.solver;

import org.chainmarket.placement.domain.CellAllocation;
import org.chainmarket.placement.domain.DemandAssignment;
import org.chainmarket.placement.domain.PlacementSolution;
import org.chainmarket.placement.plan.Placement;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The solver's starting plan. Carried demand stays on its cell where the cell may stay (allowed, room on its site);
 * then every other unit, widest first, goes where it adds least to the objective: a cell with room (its latency), a
 * cell with one more instance where the site has room (latency, instance price, consolidation, and a start if the cell
 * grows past what runs now), or, for new demand, nowhere (its unserved weight).
 */
public final class CheapestInsertion {
    private CheapestInsertion() {
    }

    public static Placement plan(PlacementSolution s) {
        List<CellAllocation> cells = s.getCells();
        Map<CellAllocation, Integer> index = new HashMap<>();
        for (int i = 0; i < cells.size(); i++) {
            index.put(cells.get(i), i);
        }
        long[] kbps = new long[cells.size()];
        long[] chains = new long[cells.size()];
        int[] counts = new int[cells.size()];
        int[] cpu = new int[s.getSites().size()];
        long[] mem = new long[s.getSites().size()];
        int[] unitCell = new int[s.getUnits().size()];
        Arrays.fill(unitCell, -1);
        List<Integer> pending = new ArrayList<>();
        Map<CellAllocation, List<Integer>> carried = new HashMap<>();
        for (int j = 0; j < unitCell.length; j++) {
            DemandAssignment u = s.getUnits().get(j);
            if (u.isCarried() && u.getInitialCell().isAllowed()) {
                carried.computeIfAbsent(u.getInitialCell(), k -> new ArrayList<>()).add(j);
            } else {
                pending.add(j);
            }
        }
        for (Map.Entry<CellAllocation, List<Integer>> e : carried.entrySet()) {
            CellAllocation c = e.getKey();
            int i = index.get(c);
            long k = 0;
            long ch = 0;
            for (int j : e.getValue()) {
                k += s.getUnits().get(j).getKbps();
                ch += s.getUnits().get(j).getChains();
            }
            int need = needed(c, k, ch);
            int site = c.getSite().index();
            if (need <= c.getMaxCount() && cpu[site] + need * c.vcpu() <= c.getSite().cpuCores()
                    && mem[site] + need * c.memoryMb() <= c.getSite().memoryMb()) {
                counts[i] = need;
                cpu[site] += need * c.vcpu();
                mem[site] += need * c.memoryMb();
                kbps[i] = k;
                chains[i] = ch;
                e.getValue().forEach(j -> unitCell[j] = i);
            } else {
                pending.addAll(e.getValue());
            }
        }
        for (int i = 0; i < cells.size(); i++) {
            CellAllocation c = cells.get(i);
            int more = c.getGraceCount() - counts[i]; // instances in their idle grace period stay, open to new demand
            if (more > 0) {
                counts[i] += more;
                cpu[c.getSite().index()] += more * c.vcpu();
                mem[c.getSite().index()] += more * c.memoryMb();
            }
        }
        pending.sort(Comparator.comparingLong((Integer j) -> s.getUnits().get(j).getKbps()).reversed().thenComparingInt(j -> j));
        for (int j : pending) {
            DemandAssignment u = s.getUnits().get(j);
            PlacementWeights w = u.getWeights();
            double best = u.isCarried() ? Double.POSITIVE_INFINITY : w.unservedPerMbps() * u.getKbps() / 1000.0;
            int bestCell = -1;
            boolean bestOpens = false;
            for (CellAllocation c : u.getCandidates()) {
                if (!c.isAllowed() || c.capacityKbps() < u.getKbps() || c.maxChains() < u.getChains()) {
                    continue;
                }
                int i = index.get(c);
                double cost = w.latencyPerMbpsMs() * u.getKbps() * u.latencyMicrosTo(c) / 1e6;
                boolean room = kbps[i] + u.getKbps() <= counts[i] * c.capacityKbps()
                        && chains[i] + u.getChains() <= (long) counts[i] * c.maxChains();
                if (!room) {
                    int site = c.getSite().index();
                    if (counts[i] + 1 > c.getMaxCount() || cpu[site] + c.vcpu() > c.getSite().cpuCores()
                            || mem[site] + c.memoryMb() > c.getSite().memoryMb()) {
                        continue;
                    }
                    cost += w.instanceCost() * c.pricePerHour() + w.consolidation() + (counts[i] >= c.getInitialCount() ? w.start() : -w.stop());
                }
                if (cost < best) {
                    best = cost;
                    bestCell = i;
                    bestOpens = !room;
                }
            }
            if (bestCell >= 0) {
                CellAllocation c = cells.get(bestCell);
                if (bestOpens) {
                    counts[bestCell]++;
                    cpu[c.getSite().index()] += c.vcpu();
                    mem[c.getSite().index()] += c.memoryMb();
                }
                kbps[bestCell] += u.getKbps();
                chains[bestCell] += u.getChains();
                unitCell[j] = bestCell;
            }
        }
        return new Placement(counts, unitCell);
    }

    private static int needed(CellAllocation c, long kbps, long chains) {
        if (kbps == 0 && chains == 0) {
            return 0;
        }
        return (int) Math.max((kbps + c.capacityKbps() - 1) / c.capacityKbps(), (chains + c.maxChains() - 1) / c.maxChains());
    }
}
