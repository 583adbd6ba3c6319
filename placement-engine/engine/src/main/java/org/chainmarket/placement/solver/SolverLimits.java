package org.chainmarket.placement.solver;

import java.time.Duration;

/**
 * When local search stops: after {@code spent}, once the best score has not improved for {@code unimproved}, or (when
 * {@code calculations} is above 0) after that many score calculations, whichever comes first. {@link #forSize(int)}
 * scales the time limits with the number of planning entities (cells plus demand units); {@link #calculations(long)}
 * gives a limit that does not depend on how busy the machine is, for reproducible runs.
 */
public record SolverLimits(Duration spent, Duration unimproved, long calculations) {

    /** Limits by number of entities, bucketed so that few solver factories are built. */
    public static SolverLimits forSize(int entities) {
        if (entities <= 60) {
            return new SolverLimits(Duration.ofMillis(400), Duration.ofMillis(150), 0);
        }
        if (entities <= 300) {
            return new SolverLimits(Duration.ofMillis(800), Duration.ofMillis(250), 0);
        }
        return new SolverLimits(Duration.ofMillis(1200), Duration.ofMillis(300), 0);
    }

    /** Stops after {@code count} score calculations only. */
    public static SolverLimits calculations(long count) {
        return new SolverLimits(Duration.ofDays(1), Duration.ofDays(1), count);
    }
}
