package org.chainmarket.placement.solver;

import org.chainmarket.placement.domain.CellAllocation;
import org.chainmarket.placement.domain.DemandAssignment;
import org.chainmarket.placement.domain.PlacementSolution;
import org.optaplanner.core.api.score.director.ScoreDirector;
import org.optaplanner.core.impl.heuristic.selector.move.factory.MoveIteratorFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Moves that change an instance count and repair around it in one step, which plain change moves cannot (each half
 * alone looks worse): <b>close one</b> instance of a cell and send the units it can no longer hold to the nearest
 * cells with room (or leave new demand unserved), or <b>open one</b> and pull in the units that gain most (unserved
 * first, then those served from farthest away).
 */
public class CellMoveFactory implements MoveIteratorFactory<PlacementSolution, ReassignMove> {
    private Map<CellAllocation, List<DemandAssignment>> reachable;

    @Override
    public long getSize(ScoreDirector<PlacementSolution> director) {
        return 2L * director.getWorkingSolution().getCells().size();
    }

    @Override
    public Iterator<ReassignMove> createOriginalMoveIterator(ScoreDirector<PlacementSolution> director) {
        throw new UnsupportedOperationException("CellMoveFactory only selects at random");
    }

    @Override
    public Iterator<ReassignMove> createRandomMoveIterator(ScoreDirector<PlacementSolution> director, Random random) {
        PlacementSolution s = director.getWorkingSolution();
        reachable = new IdentityHashMap<>();
        for (DemandAssignment u : s.getUnits()) {
            for (CellAllocation c : u.getCandidates()) {
                reachable.computeIfAbsent(c, k -> new ArrayList<>()).add(u);
            }
        }
        List<CellAllocation> cells = s.getCells();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return !cells.isEmpty();
            }

            @Override
            public ReassignMove next() {
                for (int attempt = 0; attempt < 20; attempt++) {
                    CellAllocation c = cells.get(random.nextInt(cells.size()));
                    ReassignMove m = random.nextBoolean() ? close(c, random) : open(c, random);
                    if (m != null) {
                        return m;
                    }
                }
                CellAllocation c = cells.get(random.nextInt(cells.size()));
                return new ReassignMove(c, c.count(), Map.of());
            }
        };
    }

    private ReassignMove close(CellAllocation c, Random random) {
        if (c.count() == 0) {
            return null;
        }
        int count = c.count() - 1;
        long capKbps = count * c.capacityKbps();
        long capChains = (long) count * c.maxChains();
        List<DemandAssignment> units = new ArrayList<>(c.getUnits());
        Collections.shuffle(units, random);
        long load = c.loadKbps();
        long chains = c.chains();
        Map<DemandAssignment, CellAllocation> moved = new LinkedHashMap<>();
        Map<CellAllocation, long[]> taken = new HashMap<>();
        for (DemandAssignment u : units) {
            if (load <= capKbps && chains <= capChains) {
                break;
            }
            CellAllocation to = null;
            for (CellAllocation alt : u.getCandidates()) {
                if (alt != c && alt.isAllowed() && fits(alt, u, taken)) {
                    to = alt;
                    break;
                }
            }
            if (to == null && u.isCarried()) {
                return null;
            }
            if (to != null) {
                long[] t = taken.computeIfAbsent(to, k -> new long[2]);
                t[0] += u.getKbps();
                t[1] += u.getChains();
            }
            moved.put(u, to);
            load -= u.getKbps();
            chains -= u.getChains();
        }
        return new ReassignMove(c, count, moved);
    }

    private ReassignMove open(CellAllocation c, Random random) {
        if (!c.isAllowed() || c.count() >= c.getMaxCount()) {
            return null;
        }
        int count = c.count() + 1;
        long free = count * c.capacityKbps() - c.loadKbps();
        long freeChains = (long) count * c.maxChains() - c.chains();
        List<DemandAssignment> pull = new ArrayList<>();
        for (DemandAssignment u : reachable.getOrDefault(c, List.of())) {
            if (u.getCell() == null || (u.getCell() != c && u.latencyMicrosTo(c) < u.latencyMicros())) {
                pull.add(u);
            }
        }
        if (pull.isEmpty()) {
            return null;
        }
        pull.sort(Comparator.comparingLong((DemandAssignment u) -> u.getCell() == null ? Long.MIN_VALUE : u.latencyMicrosTo(c) - u.latencyMicros())
                .thenComparingInt(u -> random.nextInt(1 << 20)));
        Map<DemandAssignment, CellAllocation> moved = new LinkedHashMap<>();
        for (DemandAssignment u : pull) {
            if (u.getKbps() <= free && u.getChains() <= freeChains) {
                moved.put(u, c);
                free -= u.getKbps();
                freeChains -= u.getChains();
            }
        }
        return moved.isEmpty() ? null : new ReassignMove(c, count, moved);
    }

    private static boolean fits(CellAllocation c, DemandAssignment u, Map<CellAllocation, long[]> taken) {
        long[] t = taken.getOrDefault(c, new long[2]);
        return c.count() * c.capacityKbps() - c.loadKbps() - t[0] >= u.getKbps()
                && (long) c.count() * c.maxChains() - c.chains() - t[1] >= u.getChains();
    }
}
