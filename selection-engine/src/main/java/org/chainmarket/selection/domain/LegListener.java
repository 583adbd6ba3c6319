package org.chainmarket.selection.domain;

import org.optaplanner.core.api.domain.variable.VariableListener;
import org.optaplanner.core.api.score.director.ScoreDirector;

/** Keeps {@link HopAssignment#getLegIn()} of a hop and of the hop after it in step with their offers. */
public class LegListener implements VariableListener<SelectionSolution, HopAssignment> {

    @Override
    public void beforeEntityAdded(ScoreDirector<SelectionSolution> scoreDirector, HopAssignment hop) {
    }

    @Override
    public void afterEntityAdded(ScoreDirector<SelectionSolution> scoreDirector, HopAssignment hop) {
        update(scoreDirector, hop);
    }

    @Override
    public void beforeVariableChanged(ScoreDirector<SelectionSolution> scoreDirector, HopAssignment hop) {
    }

    @Override
    public void afterVariableChanged(ScoreDirector<SelectionSolution> scoreDirector, HopAssignment hop) {
        update(scoreDirector, hop);
    }

    @Override
    public void beforeEntityRemoved(ScoreDirector<SelectionSolution> scoreDirector, HopAssignment hop) {
    }

    @Override
    public void afterEntityRemoved(ScoreDirector<SelectionSolution> scoreDirector, HopAssignment hop) {
    }

    private static void update(ScoreDirector<SelectionSolution> scoreDirector, HopAssignment hop) {
        set(scoreDirector, hop);
        if (hop.getNext() != null) {
            set(scoreDirector, hop.getNext());
        }
    }

    private static void set(ScoreDirector<SelectionSolution> scoreDirector, HopAssignment hop) {
        Leg leg = hop.computeLegIn();
        if (leg != hop.getLegIn()) {
            scoreDirector.beforeVariableChanged(hop, "legIn");
            hop.setLegIn(leg);
            scoreDirector.afterVariableChanged(hop, "legIn");
        }
    }
}
