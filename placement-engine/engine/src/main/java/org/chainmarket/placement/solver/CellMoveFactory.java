package org.chainmarket.placement.solver;

import org.chainmarket.placement.domain.CellAllocation;
import org.chainmarket.placement.domain.DemandAssignment;
import org.chainmarket.placement.domain.PlacementSolution;
import org.chainmarket.placement.domain.SiteFact;
import org.chainmarket.placement.model.LatencyMap;
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
 * cells with room (or leave new demand unserved); <b>open one</b> and pull in the units that gain most (unserved
 * first, then those served from farthest away); or <b>relocate one</b>: close one instance of a cell and open one of
 * the same type elsewhere (any provider), which takes the units the closed one can no longer hold; or <b>ruin and
 * recreate</b>: empty every cell of one type within a random radius (0–25 ms) of a cell, then put each of their units,
 * and the unserved ones that could go there, back where it adds least (an instance with room, a new instance at a site
 * with room, or unserved if it is new demand), so openings and closings in a region are decided afresh; or
 * <b>shift</b> one unit to another candidate cell, adding an instance there if it needs one (and its site has room)
 * and dropping one where it left if that one is no longer needed.
 */
public class CellMoveFactory implements MoveIteratorFactory<PlacementSolution, ReassignMove> {
    private Map<CellAllocation, List<DemandAssignment>> reachable;
    private Map<String, List<CellAllocation>> byType;
    private Map<SiteFact, List<CellAllocation>> cellsAt;
    private LatencyMap latency;

    @Override
    public long getSize(ScoreDirector<PlacementSolution> director) {
        return 2L * director.getWorkingSolution().getCells().size();
    }

    @Override
    public Iterator<ReassignMove> createOriginalMoveIterator(ScoreDirector<PlacementSolution> director) {
        throw new UnsupportedOperationException("CellMoveFactory only selects at random");
    }

    /** Indexes the working solution once per phase: which units can reach each cell, cells by type and by site. */
    @Override
    public void phaseStarted(ScoreDirector<PlacementSolution> director) {
        PlacementSolution s = director.getWorkingSolution();
        latency = s.getProblem().latency();
        reachable = new IdentityHashMap<>();
        for (DemandAssignment u : s.getUnits()) {
            for (CellAllocation c : u.getCandidates()) {
                reachable.computeIfAbsent(c, k -> new ArrayList<>()).add(u);
            }
        }
        byType = new HashMap<>();
        cellsAt = new HashMap<>();
        s.getCells().forEach(c -> byType.computeIfAbsent(c.getVnfType(), k -> new ArrayList<>()).add(c));
        s.getCells().forEach(c -> cellsAt.computeIfAbsent(c.getSite(), k -> new ArrayList<>()).add(c));
    }

    @Override
    public Iterator<ReassignMove> createRandomMoveIterator(ScoreDirector<PlacementSolution> director, Random random) {
        PlacementSolution s = director.getWorkingSolution();
        if (reachable == null) {
            phaseStarted(director);
        }
        List<CellAllocation> cells = s.getCells();
        List<DemandAssignment> units = s.getUnits();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return !cells.isEmpty() && !units.isEmpty();
            }

            @Override
            public ReassignMove next() {
                for (int attempt = 0; attempt < 20; attempt++) {
                    CellAllocation c = cells.get(random.nextInt(cells.size()));
                    int kind = random.nextInt(6);
                    ReassignMove m = kind == 0 ? close(c, random) : kind == 1 ? open(c, random)
                            : kind == 2 ? relocate(c, random) : kind == 3 ? ruinAndRecreate(c, random)
                            : shift(units.get(random.nextInt(units.size())), random);
                    if (m != null) {
                        return m;
                    }
                }
                CellAllocation c = cells.get(random.nextInt(cells.size()));
                return new ReassignMove(Map.of(c, c.count()), Map.of());
            }
        };
    }

    private ReassignMove close(CellAllocation c, Random random) {
        return c.count() == 0 ? null : closeInto(c, null, random);
    }

    private ReassignMove relocate(CellAllocation c, Random random) {
        if (c.count() == 0) {
            return null;
        }
        List<CellAllocation> peers = byType.get(c.getVnfType());
        CellAllocation to = peers.get(random.nextInt(peers.size()));
        if (to == c || !to.isAllowed() || to.count() >= to.getMaxCount()) {
            return null;
        }
        return closeInto(c, to, random);
    }

    /** Closes one instance of {@code c}; with {@code to}, opens one there first, which takes what it can of the overflow. */
    private ReassignMove closeInto(CellAllocation c, CellAllocation to, Random random) {
        int count = c.count() - 1;
        long capKbps = count * c.capacityKbps();
        long capChains = (long) count * c.maxChains();
        List<DemandAssignment> units = new ArrayList<>(c.getUnits());
        Collections.shuffle(units, random);
        long load = c.loadKbps();
        long chains = c.chains();
        if (to != null) {
            // the units that lose least (or gain most) by going to the new instance leave first
            units.sort(Comparator.comparingLong((DemandAssignment u) -> u.getCandidates().contains(to)
                    ? u.latencyMicrosTo(to) - u.latencyMicrosTo(c) : Long.MAX_VALUE));
        }
        Map<DemandAssignment, CellAllocation> moved = new LinkedHashMap<>();
        Map<CellAllocation, long[]> taken = new HashMap<>();
        if (to != null) {
            taken.put(to, new long[]{-to.capacityKbps(), -to.maxChains()});
        }
        for (DemandAssignment u : units) {
            if (load <= capKbps && chains <= capChains) {
                break;
            }
            CellAllocation target = null;
            if (to != null && u.getCandidates().contains(to) && fits(to, u, taken)) {
                target = to;
            } else {
                for (CellAllocation alt : u.getCandidates()) {
                    if (alt != c && alt.isAllowed() && fits(alt, u, taken)) {
                        target = alt;
                        break;
                    }
                }
            }
            if (target == null && u.isCarried()) {
                return null;
            }
            if (target != null) {
                long[] t = taken.computeIfAbsent(target, k -> new long[2]);
                t[0] += u.getKbps();
                t[1] += u.getChains();
            }
            moved.put(u, target);
            load -= u.getKbps();
            chains -= u.getChains();
        }
        Map<CellAllocation, Integer> counts = new LinkedHashMap<>();
        counts.put(c, count);
        if (to != null) {
            counts.put(to, to.count() + 1);
        }
        return new ReassignMove(counts, moved);
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
        Collections.shuffle(pull, random);
        pull.sort(Comparator.comparingLong((DemandAssignment u) -> u.getCell() == null ? Long.MIN_VALUE : u.latencyMicrosTo(c) - u.latencyMicros()));
        Map<DemandAssignment, CellAllocation> moved = new LinkedHashMap<>();
        for (DemandAssignment u : pull) {
            if (u.getKbps() <= free && u.getChains() <= freeChains) {
                moved.put(u, c);
                free -= u.getKbps();
                freeChains -= u.getChains();
            }
        }
        return moved.isEmpty() ? null : new ReassignMove(Map.of(c, count), moved);
    }

    private static final double[] RUIN_RADIUS_MS = {0, 3, 6, 12, 25};

    private ReassignMove ruinAndRecreate(CellAllocation c, Random random) {
        if (!c.isAllowed()) {
            return null;
        }
        double radius = RUIN_RADIUS_MS[random.nextInt(RUIN_RADIUS_MS.length)];
        Map<CellAllocation, long[]> state = new LinkedHashMap<>(); // kbit/s, chains, count
        Map<SiteFact, long[]> siteUse = new HashMap<>();
        List<DemandAssignment> ejected = new ArrayList<>();
        for (CellAllocation x : byType.get(c.getVnfType())) {
            if (!x.isAllowed() || latencyBetween(c, x) > radius) {
                continue;
            }
            state.put(x, new long[]{0, 0, 0});
            long[] site = siteUse.computeIfAbsent(x.getSite(), this::use);
            site[0] -= (long) x.count() * x.vcpu();
            site[1] -= x.count() * x.memoryMb();
            ejected.addAll(x.getUnits());
        }
        for (CellAllocation x : state.keySet()) {
            for (DemandAssignment u : reachable.getOrDefault(x, List.of())) {
                if (u.getCell() == null && !ejected.contains(u)) {
                    ejected.add(u);
                }
            }
        }
        if (ejected.isEmpty()) {
            return null;
        }
        Collections.shuffle(ejected, random);
        if (random.nextBoolean()) {
            ejected.sort(Comparator.comparingLong(DemandAssignment::getKbps).reversed());
        }
        Map<DemandAssignment, CellAllocation> moved = new LinkedHashMap<>();
        for (DemandAssignment u : ejected) {
            PlacementWeights w = u.getWeights();
            CellAllocation best = null;
            double bestCost = u.isCarried() ? Double.POSITIVE_INFINITY : w.unservedPerMbps() * u.getKbps() / 1000.0;
            for (CellAllocation alt : u.getCandidates()) {
                if (!alt.isAllowed() || alt.capacityKbps() < u.getKbps() || alt.maxChains() < u.getChains()) {
                    continue;
                }
                long[] l = state.get(alt);
                long kbps = l == null ? alt.loadKbps() : l[0];
                long chains = l == null ? alt.chains() : l[1];
                long count = l == null ? alt.count() : l[2];
                double cost = w.latencyPerMbpsMs() * u.getKbps() * u.latencyMicrosTo(alt) / 1e6;
                if (u.isCarried() && alt != u.getInitialCell()) {
                    cost += w.chainMove() * u.getChains();
                }
                boolean room = kbps + u.getKbps() <= count * alt.capacityKbps() && chains + u.getChains() <= count * alt.maxChains();
                if (!room) {
                    long[] site = siteUse.computeIfAbsent(alt.getSite(), this::use);
                    if (site[0] + alt.vcpu() > alt.getSite().cpuCores() || site[1] + alt.memoryMb() > alt.getSite().memoryMb()
                            || count + 1 > alt.getMaxCount()) {
                        continue;
                    }
                    cost += w.instanceCost() * alt.pricePerHour() + w.consolidation()
                            + (count >= alt.getInitialCount() ? w.start() : -w.stop());
                }
                if (cost < bestCost) {
                    bestCost = cost;
                    best = alt;
                }
            }
            if (best == null && u.isCarried()) {
                return null;
            }
            moved.put(u, best);
            if (best != null) {
                CellAllocation b = best;
                long[] l = state.computeIfAbsent(b, x -> new long[]{x.loadKbps(), x.chains(), x.count()});
                l[0] += u.getKbps();
                l[1] += u.getChains();
                long need = needed(b, l);
                if (need > l[2]) {
                    long[] site = siteUse.computeIfAbsent(b.getSite(), this::use);
                    site[0] += (need - l[2]) * b.vcpu();
                    site[1] += (need - l[2]) * b.memoryMb();
                    l[2] = need;
                }
            }
        }
        Map<CellAllocation, Integer> counts = new LinkedHashMap<>();
        state.forEach((x, l) -> counts.put(x, (int) l[2]));
        return new ReassignMove(counts, moved);
    }

    private double latencyBetween(CellAllocation a, CellAllocation b) {
        return latency.ms(a.getSite().switchIndex(), b.getSite().switchIndex());
    }

    private ReassignMove shift(DemandAssignment u, Random random) {
        List<CellAllocation> candidates = u.getCandidates();
        if (candidates.isEmpty()) {
            return null;
        }
        CellAllocation to = candidates.get(random.nextInt(candidates.size()));
        CellAllocation from = u.getCell();
        if (to == from || !to.isAllowed() || to.capacityKbps() < u.getKbps() || to.maxChains() < u.getChains()) {
            return null;
        }
        Map<CellAllocation, Integer> counts = new LinkedHashMap<>();
        long need = needed(to, new long[]{to.loadKbps() + u.getKbps(), to.chains() + u.getChains()});
        if (need > to.count()) {
            long[] site = use(to.getSite());
            long more = need - to.count();
            if (need > to.getMaxCount() || site[0] + more * to.vcpu() > to.getSite().cpuCores()
                    || site[1] + more * to.memoryMb() > to.getSite().memoryMb()) {
                return null;
            }
            counts.put(to, (int) need);
        }
        if (from != null && from.isAllowed()) {
            long left = needed(from, new long[]{from.loadKbps() - u.getKbps(), from.chains() - u.getChains()});
            if (left < from.count()) {
                counts.put(from, (int) left);
            }
        }
        Map<DemandAssignment, CellAllocation> moved = new LinkedHashMap<>();
        moved.put(u, to);
        return new ReassignMove(counts, moved);
    }

    /** vCPU and MB the site's cells use now. */
    private long[] use(SiteFact site) {
        long[] u = new long[2];
        for (CellAllocation x : cellsAt.get(site)) {
            u[0] += (long) x.count() * x.vcpu();
            u[1] += x.count() * x.memoryMb();
        }
        return u;
    }

    /** Instances a cell needs for load {@code l} (kbit/s, chains). */
    private static long needed(CellAllocation c, long[] l) {
        if (l[0] <= 0 && l[1] <= 0) {
            return 0;
        }
        if (c.capacityKbps() == 0 || c.maxChains() == 0) {
            return Long.MAX_VALUE / 4;
        }
        return Math.max((l[0] + c.capacityKbps() - 1) / c.capacityKbps(), (l[1] + c.maxChains() - 1) / c.maxChains());
    }

    private static boolean fits(CellAllocation c, DemandAssignment u, Map<CellAllocation, long[]> taken) {
        long[] t = taken.getOrDefault(c, new long[2]);
        return c.count() * c.capacityKbps() - c.loadKbps() - t[0] >= u.getKbps()
                && (long) c.count() * c.maxChains() - c.chains() - t[1] >= u.getChains();
    }
}
