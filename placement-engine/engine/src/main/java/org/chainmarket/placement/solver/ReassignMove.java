package org.chainmarket.placement.solver;

import org.chainmarket.placement.domain.CellAllocation;
import org.chainmarket.placement.domain.DemandAssignment;
import org.chainmarket.placement.domain.PlacementSolution;
import org.optaplanner.core.api.score.director.ScoreDirector;
import org.optaplanner.core.impl.heuristic.move.AbstractMove;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Sets some cells' counts and moves some units at once (what {@link CellMoveFactory} proposes); its undo restores them. */
public final class ReassignMove extends AbstractMove<PlacementSolution> {
    private final Map<CellAllocation, Integer> counts;
    private final Map<DemandAssignment, CellAllocation> units;

    public ReassignMove(Map<CellAllocation, Integer> counts, Map<DemandAssignment, CellAllocation> units) {
        this.counts = counts;
        this.units = units;
    }

    @Override
    public boolean isMoveDoable(ScoreDirector<PlacementSolution> director) {
        return counts.entrySet().stream().anyMatch(e -> e.getKey().count() != e.getValue())
                || units.entrySet().stream().anyMatch(e -> e.getKey().getCell() != e.getValue());
    }

    @Override
    protected ReassignMove createUndoMove(ScoreDirector<PlacementSolution> director) {
        Map<CellAllocation, Integer> countsBack = new LinkedHashMap<>();
        counts.keySet().forEach(c -> countsBack.put(c, c.count()));
        Map<DemandAssignment, CellAllocation> back = new LinkedHashMap<>();
        units.keySet().forEach(u -> back.put(u, u.getCell()));
        return new ReassignMove(countsBack, back);
    }

    @Override
    protected void doMoveOnGenuineVariables(ScoreDirector<PlacementSolution> director) {
        counts.forEach((c, n) -> {
            director.beforeVariableChanged(c, "count");
            c.setCount(n);
            director.afterVariableChanged(c, "count");
        });
        units.forEach((u, to) -> {
            director.beforeVariableChanged(u, "cell");
            u.setCell(to);
            director.afterVariableChanged(u, "cell");
        });
    }

    @Override
    public ReassignMove rebase(ScoreDirector<PlacementSolution> destination) {
        Map<CellAllocation, Integer> c = new LinkedHashMap<>();
        counts.forEach((cell, n) -> c.put(destination.lookUpWorkingObject(cell), n));
        Map<DemandAssignment, CellAllocation> u = new LinkedHashMap<>();
        units.forEach((unit, to) -> u.put(destination.lookUpWorkingObject(unit), to == null ? null : destination.lookUpWorkingObject(to)));
        return new ReassignMove(c, u);
    }

    @Override
    public Collection<?> getPlanningEntities() {
        List<Object> all = new ArrayList<>(counts.keySet());
        all.addAll(units.keySet());
        return all;
    }

    @Override
    public Collection<?> getPlanningValues() {
        List<Object> all = new ArrayList<>(counts.values());
        units.values().stream().filter(v -> v != null).forEach(all::add);
        return all;
    }

    @Override
    public String toString() {
        return counts + " with " + units.size() + " units moved";
    }
}
