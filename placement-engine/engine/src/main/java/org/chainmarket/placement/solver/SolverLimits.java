package org.chainmarket.placement.solver;

import java.time.Duration;

/**
 * Local search runs at most {@code spent} and stops once the best score has not improved for {@code unimproved}.
 * {@link #forSize(int)} scales them with the number of planning entities (cells plus demand units).
 */
public record SolverLimits(Duration spent, Duration unimproved) {

    /** Limits by number of entities, bucketed so that few solver factories are built. */
    public static SolverLimits forSize(int entities) {
        if (entities <= 60) {
            return new SolverLimits(Duration.ofMillis(400), Duration.ofMillis(150));
        }
        if (entities <= 300) {
            return new SolverLimits(Duration.ofMillis(800), Duration.ofMillis(250));
        }
        return new SolverLimits(Duration.ofMillis(1500), Duration.ofMillis(400));
    }
}
