package org.chainmarket.selection.solver;

import java.time.Duration;

/**
 * Time limits: the sequential construction may spend {@code construction} on re-inserting chains after the first
 * pass; local search then runs at most {@code spent} and stops once the best score has not improved for
 * {@code unimproved}. {@link #forHops(int)} scales them with problem size.
 */
public record SolverLimits(Duration construction, Duration spent, Duration unimproved) {

    /** Limits by number of hops in the problem, bucketed so that few solver factories are built. */
    public static SolverLimits forHops(int hops) {
        if (hops <= 10) {
            return new SolverLimits(Duration.ofMillis(20), Duration.ofMillis(3), Duration.ofMillis(1));
        }
        if (hops <= 100) {
            return new SolverLimits(Duration.ofMillis(300), Duration.ofMillis(100), Duration.ofMillis(30));
        }
        if (hops <= 600) {
            return new SolverLimits(Duration.ofMillis(600), Duration.ofMillis(200), Duration.ofMillis(60));
        }
        if (hops <= 3000) {
            return new SolverLimits(Duration.ofMillis(800), Duration.ofMillis(300), Duration.ofMillis(100));
        }
        return new SolverLimits(Duration.ofMillis(1000), Duration.ofMillis(400), Duration.ofMillis(150));
    }
}
