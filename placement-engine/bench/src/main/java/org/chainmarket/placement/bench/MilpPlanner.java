package org.chainmarket.placement.bench;

import com.google.ortools.Loader;
import com.google.ortools.linearsolver.MPConstraint;
import com.google.ortools.linearsolver.MPObjective;
import com.google.ortools.linearsolver.MPSolver;
import com.google.ortools.linearsolver.MPVariable;
import org.chainmarket.placement.domain.CellAllocation;
import org.chainmarket.placement.domain.DemandAssignment;
import org.chainmarket.placement.domain.PlacementSolution;
import org.chainmarket.placement.domain.SiteFact;
import org.chainmarket.placement.plan.Placement;
import org.chainmarket.placement.plan.Planner;
import org.chainmarket.placement.solver.PlacementWeights;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The exact reference: the placement model as a mixed-integer program solved by SCIP (OR-Tools). Same hard constraints
 * (as constraints) and the same soft objective as the solver's constraints (in EUR/h): instance counts are integers,
 * each unit is served by at most one candidate cell (carried units by exactly one); starts, stops and moves per
 * provider and type are linear (moves = min(starts, stops) through an upper-bounded variable); a site's squared use,
 * which only takes integer vCPU values, is the maximum of its secants between consecutive integers (exact there).
 * Only for small problems: it proves optimality within {@code timeLimitMillis} or says it did not
 * ({@link #lastOptimal()}).
 */
public final class MilpPlanner implements Planner {
    static {
        Loader.loadNativeLibraries();
    }

    private final long timeLimitMillis;
    private boolean lastOptimal;

    public MilpPlanner(long timeLimitMillis) {
        this.timeLimitMillis = timeLimitMillis;
    }

    @Override
    public String name() {
        return "exact";
    }

    /** Whether the last plan was proven optimal (false: time limit hit, the plan is the best found). */
    public boolean lastOptimal() {
        return lastOptimal;
    }

    @Override
    public Placement plan(PlacementSolution s) {
        MPSolver solver = MPSolver.createSolver("SCIP");
        if (solver == null) {
            throw new IllegalStateException("SCIP is not available in this OR-Tools build");
        }
        solver.setTimeLimit(timeLimitMillis);
        List<CellAllocation> cells = s.getCells();
        List<DemandAssignment> units = s.getUnits();
        PlacementWeights w = units.isEmpty() ? cells.get(0).getWeights() : units.get(0).getWeights();
        MPObjective objective = solver.objective();
        objective.setMinimization();

        Map<CellAllocation, MPVariable> n = new HashMap<>();
        for (CellAllocation c : cells) {
            int upper = c.isAllowed() ? c.getMaxCount() : 0;
            MPVariable v = solver.makeIntVar(0, upper, "n" + c.getId());
            n.put(c, v);
            objective.setCoefficient(v, w.instanceCost() * c.pricePerHour() + (c.capacityKbps() > 0 ? w.consolidation() : 0));
        }
        Map<CellAllocation, MPConstraint> bandwidth = new HashMap<>();
        Map<CellAllocation, MPConstraint> chains = new HashMap<>();
        for (CellAllocation c : cells) {
            MPConstraint bw = solver.makeConstraint(Double.NEGATIVE_INFINITY, 0, "bw" + c.getId());
            bw.setCoefficient(n.get(c), -c.capacityKbps());
            bandwidth.put(c, bw);
            MPConstraint ch = solver.makeConstraint(Double.NEGATIVE_INFINITY, 0, "ch" + c.getId());
            ch.setCoefficient(n.get(c), -c.maxChains());
            chains.put(c, ch);
        }
        List<Map<CellAllocation, MPVariable>> y = new ArrayList<>();
        double constant = 0;
        for (DemandAssignment u : units) {
            Map<CellAllocation, MPVariable> yu = new LinkedHashMap<>();
            double mbps = u.getKbps() / 1000.0;
            MPConstraint one = u.isCarried()
                    ? solver.makeConstraint(1, 1, "carried" + u.getId())
                    : solver.makeConstraint(0, 1, "once" + u.getId());
            double unserved = w.unservedPerMbps() * mbps;
            constant += unserved;
            if (u.isCarried()) {
                constant += w.chainMove() * u.getChains();
            }
            for (CellAllocation c : u.getCandidates()) {
                MPVariable v = solver.makeBoolVar("y" + u.getId() + "_" + c.getId());
                yu.put(c, v);
                one.setCoefficient(v, 1);
                bandwidth.get(c).setCoefficient(v, u.getKbps());
                chains.get(c).setCoefficient(v, u.getChains());
                double coef = -unserved + w.latencyPerMbpsMs() * mbps * u.latencyMicrosTo(c) / 1000.0;
                if (c.capacityKbps() > 0) {
                    coef -= w.consolidation() * (double) u.getKbps() / c.capacityKbps();
                }
                if (u.isCarried() && c == u.getInitialCell()) {
                    coef -= w.chainMove() * u.getChains();
                }
                objective.setCoefficient(v, coef);
            }
            y.add(yu);
        }
        // sites: vCPU, memory, squared use
        Map<SiteFact, List<CellAllocation>> bySite = new LinkedHashMap<>();
        cells.forEach(c -> bySite.computeIfAbsent(c.getSite(), k -> new ArrayList<>()).add(c));
        for (Map.Entry<SiteFact, List<CellAllocation>> e : bySite.entrySet()) {
            SiteFact site = e.getKey();
            MPConstraint cpu = solver.makeConstraint(0, site.cpuCores(), "cpu" + site.index());
            MPConstraint mem = solver.makeConstraint(0, site.memoryMb(), "mem" + site.index());
            for (CellAllocation c : e.getValue()) {
                cpu.setCoefficient(n.get(c), c.vcpu());
                mem.setCoefficient(n.get(c), c.memoryMb());
            }
            if (w.siteBalance() > 0 && site.cpuCores() > 0) {
                MPVariable z = solver.makeNumVar(0, Double.POSITIVE_INFINITY, "z" + site.index());
                objective.setCoefficient(z, w.siteBalance());
                double cores = site.cpuCores();
                for (int k = 0; k < site.cpuCores(); k++) {
                    // z >= f(k) + (f(k+1) - f(k)) (x - k), f(x) = (x / cores)^2
                    double fk = (k / cores) * (k / cores);
                    double slope = ((k + 1) / cores) * ((k + 1) / cores) - fk;
                    MPConstraint sec = solver.makeConstraint(fk - slope * k, Double.POSITIVE_INFINITY, "sec" + site.index() + "_" + k);
                    sec.setCoefficient(z, 1);
                    for (CellAllocation c : e.getValue()) {
                        sec.setCoefficient(n.get(c), -slope * c.vcpu());
                    }
                }
            }
        }
        // stability per provider and type
        Map<String, List<CellAllocation>> groups = new LinkedHashMap<>();
        cells.forEach(c -> groups.computeIfAbsent(c.providerType(), k -> new ArrayList<>()).add(c));
        for (Map.Entry<String, List<CellAllocation>> g : groups.entrySet()) {
            MPVariable moves = solver.makeNumVar(0, Double.POSITIVE_INFINITY, "moves" + g.getKey());
            MPConstraint le = solver.makeConstraint(Double.NEGATIVE_INFINITY, 0, "mS" + g.getKey());
            MPConstraint lt = solver.makeConstraint(Double.NEGATIVE_INFINITY, 0, "mT" + g.getKey());
            le.setCoefficient(moves, 1);
            lt.setCoefficient(moves, 1);
            objective.setCoefficient(moves, -(w.start() + w.stop() - w.move()));
            for (CellAllocation c : g.getValue()) {
                MPVariable up = solver.makeNumVar(0, Double.POSITIVE_INFINITY, "up" + c.getId());
                MPVariable down = solver.makeNumVar(0, Double.POSITIVE_INFINITY, "down" + c.getId());
                MPConstraint delta = solver.makeConstraint(-c.getInitialCount(), -c.getInitialCount(), "d" + c.getId());
                delta.setCoefficient(up, 1);
                delta.setCoefficient(down, -1);
                delta.setCoefficient(n.get(c), -1);
                objective.setCoefficient(up, w.start());
                objective.setCoefficient(down, w.stop());
                le.setCoefficient(up, -1);
                lt.setCoefficient(down, -1);
            }
        }
        objective.setOffset(constant);
        MPSolver.ResultStatus status = solver.solve();
        if (status != MPSolver.ResultStatus.OPTIMAL && status != MPSolver.ResultStatus.FEASIBLE) {
            solver.delete();
            throw new IllegalStateException("the MILP found no plan: " + status);
        }
        lastOptimal = status == MPSolver.ResultStatus.OPTIMAL;
        int[] counts = new int[cells.size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = (int) Math.round(n.get(cells.get(i)).solutionValue());
        }
        int[] unitCell = new int[units.size()];
        Map<CellAllocation, Integer> index = new HashMap<>();
        for (int i = 0; i < cells.size(); i++) {
            index.put(cells.get(i), i);
        }
        for (int j = 0; j < units.size(); j++) {
            unitCell[j] = -1;
            for (Map.Entry<CellAllocation, MPVariable> e : y.get(j).entrySet()) {
                if (e.getValue().solutionValue() > 0.5) {
                    unitCell[j] = index.get(e.getKey());
                }
            }
        }
        solver.delete();
        return new Placement(counts, unitCell);
    }
}
