package org.chainmarket.placement.domain;

import org.chainmarket.placement.model.PlacementProblem;
import org.optaplanner.core.api.domain.solution.PlanningEntityCollectionProperty;
import org.optaplanner.core.api.domain.solution.PlanningScore;
import org.optaplanner.core.api.domain.solution.PlanningSolution;
import org.optaplanner.core.api.domain.solution.ProblemFactCollectionProperty;
import org.optaplanner.core.api.score.buildin.hardsoftlong.HardSoftLongScore;

import java.util.List;

/** Sites as facts, cells and demand units as entities. Hard: constraint violations; soft: weighted cost in micro-EUR/h. */
@PlanningSolution
public class PlacementSolution {
    private PlacementProblem problem;
    @ProblemFactCollectionProperty
    private List<SiteFact> sites;
    @PlanningEntityCollectionProperty
    private List<CellAllocation> cells;
    @PlanningEntityCollectionProperty
    private List<DemandAssignment> units;
    @PlanningScore
    private HardSoftLongScore score;

    public PlacementSolution() {
    }

    public PlacementSolution(PlacementProblem problem, List<SiteFact> sites, List<CellAllocation> cells, List<DemandAssignment> units) {
        this.problem = problem;
        this.sites = sites;
        this.cells = cells;
        this.units = units;
    }

    public PlacementProblem getProblem() {
        return problem;
    }

    public List<SiteFact> getSites() {
        return sites;
    }

    public List<CellAllocation> getCells() {
        return cells;
    }

    public List<DemandAssignment> getUnits() {
        return units;
    }

    public HardSoftLongScore getScore() {
        return score;
    }

    public void setScore(HardSoftLongScore score) {
        this.score = score;
    }
}
