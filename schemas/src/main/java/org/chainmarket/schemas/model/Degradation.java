package org.chainmarket.schemas.model;

import java.time.Instant;
import java.util.List;

/**
 * A VNF instance or link crossed a threshold ({@code DegradationDetected}) or came back within it
 * ({@code DegradationCleared}). {@code threshold} and {@code clearThreshold} are the hysteresis band; {@code value}
 * is the windowed value that crossed (for {@code heartbeat}, seconds since the last heartbeat); {@code recent} holds
 * the metric's last points, oldest first, for an operator's chart.
 */
public record Degradation(SubjectKind subjectKind, String subjectId, ProviderId providerId, Metric metric,
                          double value, double threshold, double clearThreshold, double windowSeconds, Instant at,
                          List<Point> recent) {
    public Degradation {
        recent = recent == null ? List.of() : List.copyOf(recent);
    }

    /** One point of a metric's recent history. */
    public record Point(Instant at, double value) {
    }
}
