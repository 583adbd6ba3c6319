package org.chainmarket.placement.solver;

import org.chainmarket.placement.domain.CellAllocation;
import org.chainmarket.placement.domain.DemandAssignment;
import org.chainmarket.placement.domain.PlacementSolution;
import org.chainmarket.placement.greedy.FirstFitPlanner;
import org.chainmarket.placement.plan.Placement;
import org.optaplanner.core.api.score.director.ScoreDirector;
import org.optaplanner.core.impl.phase.custom.CustomPhaseCommand;

import java.util.List;

/** The construction phase: the first-fit plan, written through the score director, so local search starts from it. */
public class FirstFitInitializer implements CustomPhaseCommand<PlacementSolution> {

    @Override
    public void changeWorkingSolution(ScoreDirector<PlacementSolution> director) {
        PlacementSolution s = director.getWorkingSolution();
        Placement p = new FirstFitPlanner().plan(s);
        List<CellAllocation> cells = s.getCells();
        for (int i = 0; i < cells.size(); i++) {
            CellAllocation c = cells.get(i);
            director.beforeVariableChanged(c, "count");
            c.setCount(p.counts()[i]);
            director.afterVariableChanged(c, "count");
        }
        for (int j = 0; j < s.getUnits().size(); j++) {
            DemandAssignment u = s.getUnits().get(j);
            director.beforeVariableChanged(u, "cell");
            u.setCell(p.unitCell()[j] < 0 ? null : cells.get(p.unitCell()[j]));
            director.afterVariableChanged(u, "cell");
        }
        director.triggerVariableListeners();
    }
}
