package org.chainmarket.placement.plan;

import org.chainmarket.placement.domain.PlacementSolution;

/** Something that plans: reads a built, unassigned {@link PlacementSolution} and gives the plan it chooses. */
public interface Planner {
    /** Short name for tables and plans: {@code greedy}, {@code solver}, {@code exact}. */
    String name();

    Placement plan(PlacementSolution problem);
}
