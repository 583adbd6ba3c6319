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

/** Sets one cell's count and moves some units at once (what {@link CellMoveFactory} proposes); its undo restores them. */
public final class ReassignMove extends AbstractMove<PlacementSolution> {
    private final CellAllocation cell;
    private final int count;
    private final Map<DemandAssignment, CellAllocation> units;

    public ReassignMove(CellAllocation cell, int count, Map<DemandAssignment, CellAllocation> units) {
        this.cell = cell;
        this.count = count;
        this.units = units;
    }

    @Override
    public boolean isMoveDoable(ScoreDirector<PlacementSolution> director) {
        if (cell.count() != count) {
            return true;
        }
        return units.entrySet().stream().anyMatch(e -> e.getKey().getCell() != e.getValue());
    }

    @Override
    protected ReassignMove createUndoMove(ScoreDirector<PlacementSolution> director) {
        Map<DemandAssignment, CellAllocation> back = new LinkedHashMap<>();
        units.keySet().forEach(u -> back.put(u, u.getCell()));
        return new ReassignMove(cell, cell.count(), back);
    }

    @Override
    protected void doMoveOnGenuineVariables(ScoreDirector<PlacementSolution> director) {
        director.beforeVariableChanged(cell, "count");
        cell.setCount(count);
        director.afterVariableChanged(cell, "count");
        units.forEach((u, to) -> {
            director.beforeVariableChanged(u, "cell");
            u.setCell(to);
            director.afterVariableChanged(u, "cell");
        });
    }

    @Override
    public ReassignMove rebase(ScoreDirector<PlacementSolution> destination) {
        Map<DemandAssignment, CellAllocation> rebased = new LinkedHashMap<>();
        units.forEach((u, to) -> rebased.put(destination.lookUpWorkingObject(u), to == null ? null : destination.lookUpWorkingObject(to)));
        return new ReassignMove(destination.lookUpWorkingObject(cell), count, rebased);
    }

    @Override
    public Collection<?> getPlanningEntities() {
        List<Object> all = new ArrayList<>();
        all.add(cell);
        all.addAll(units.keySet());
        return all;
    }

    @Override
    public Collection<?> getPlanningValues() {
        List<Object> all = new ArrayList<>();
        all.add(count);
        units.values().stream().filter(v -> v != null).forEach(all::add);
        return all;
    }

    @Override
    public String toString() {
        return cell + " -> " + count + " with " + units.size() + " units moved";
    }
}
