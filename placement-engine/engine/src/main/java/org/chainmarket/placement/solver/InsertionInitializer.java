package org.chainmarket.placement.solver;

import org.chainmarket.placement.domain.CellAllocation;
import org.chainmarket.placement.domain.DemandAssignment;
import org.chainmarket.placement.domain.PlacementSolution;
import org.chainmarket.placement.greedy.FirstFitPlanner;
import org.chainmarket.placement.plan.Placement;
import org.optaplanner.core.api.score.Score;
import org.optaplanner.core.api.score.director.ScoreDirector;
import org.optaplanner.core.impl.phase.custom.CustomPhaseCommand;
import org.optaplanner.core.impl.score.director.InnerScoreDirector;

import java.util.List;

/**
 * The construction phase: the better of the {@link CheapestInsertion} plan and the first-fit plan, written through the
 * score director, so local search starts from it (and the solver never ends worse than first fit).
 */
public class InsertionInitializer implements CustomPhaseCommand<PlacementSolution> {

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void changeWorkingSolution(ScoreDirector<PlacementSolution> director) {
        PlacementSolution s = director.getWorkingSolution();
        Placement firstFit = new FirstFitPlanner().plan(s);
        Placement insertion = CheapestInsertion.plan(s);
        InnerScoreDirector<PlacementSolution, ?> inner = (InnerScoreDirector<PlacementSolution, ?>) director;
        apply(director, firstFit);
        Score firstFitScore = inner.calculateScore();
        apply(director, insertion);
        Score insertionScore = inner.calculateScore();
        if (firstFitScore.compareTo(insertionScore) > 0) {
            apply(director, firstFit);
        }
    }

    private static void apply(ScoreDirector<PlacementSolution> director, Placement p) {
        PlacementSolution s = director.getWorkingSolution();
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
