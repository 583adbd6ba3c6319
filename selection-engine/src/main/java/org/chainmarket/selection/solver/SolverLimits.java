package org.chainmarket.selection.solver;

import java.time.Duration;

/**
 * Limits: the sequential construction may spend {@code construction} on re-inserting chains after the first pass
 * (its passes and rounds are bounded too); local search then runs at most {@code spent}, stops once the best score has
 * not improved for {@code unimproved}, and (when {@code calculations} is above 0) after that many score calculations,
 * whichever comes first. {@link #forHops(int)} scales the time limits with problem size; {@link #calculations(long)}
 * gives limits that do not depend on how busy the machine is, for reproducible runs.
 */
public record SolverLimits(Duration construction, Duration spent, Duration unimproved, long calculations) {

    public SolverLimits(Duration construction, Duration spent, Duration unimproved) {
        this(construction, spent, unimproved, 0);
    }

    /** No time limit: the construction runs all its passes and local search stops after {@code count} calculations. */
    public static SolverLimits calculations(long count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, got " + count);
        }
        return new SolverLimits(Duration.ofDays(1), Duration.ofDays(1), Duration.ofDays(1), count);
    }

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
