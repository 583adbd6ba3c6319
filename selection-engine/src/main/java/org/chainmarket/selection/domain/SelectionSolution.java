package org.chainmarket.selection.domain;

import org.optaplanner.core.api.domain.solution.PlanningEntityCollectionProperty;
import org.optaplanner.core.api.domain.solution.PlanningScore;
import org.optaplanner.core.api.domain.solution.PlanningSolution;
import org.optaplanner.core.api.domain.solution.ProblemFactCollectionProperty;
import org.optaplanner.core.api.score.buildin.hardmediumsoftlong.HardMediumSoftLongScore;

import java.util.List;

/**
 * The problem and its solution: chains and offers as facts, one {@link HopAssignment} per hop. Hard score:
 * constraint violations; medium: hops left unserved (rejected chains); soft: weighted cost in micro-EUR/h.
 */
@PlanningSolution
public class SelectionSolution {
    @ProblemFactCollectionProperty
    private List<ChainFact> chains;
    @ProblemFactCollectionProperty
    private List<OfferFact> offers;
    @PlanningEntityCollectionProperty
    private List<HopAssignment> hops;
    @PlanningScore
    private HardMediumSoftLongScore score;
    private PathTable paths;
    private ServableAlone servableAlone = new ServableAlone();

    public SelectionSolution() {
    }

    public SelectionSolution(List<ChainFact> chains, List<OfferFact> offers, List<HopAssignment> hops, PathTable paths) {
        this.chains = chains;
        this.offers = offers;
        this.hops = hops;
        this.paths = paths;
    }

    public List<ChainFact> getChains() {
        return chains;
    }

    public List<OfferFact> getOffers() {
        return offers;
    }

    public List<HopAssignment> getHops() {
        return hops;
    }

    public HardMediumSoftLongScore getScore() {
        return score;
    }

    public void setScore(HardMediumSoftLongScore score) {
        this.score = score;
    }

    public PathTable getPaths() {
        return paths;
    }

    /** The chains that fit on the snapshot's capacity alone, filled in by the construction. */
    public ServableAlone getServableAlone() {
        return servableAlone;
    }
}
