package org.chainmarket.schemas.model;

import java.time.Instant;
import java.util.List;

/**
 * A substitution of some of a chain's hops or paths, as operators review it: what triggered it, the chain before
 * and after (each with its predicted latency and price), which hops changed, how it went and how long it took from
 * the trigger to the new path being active.
 */
public record Substitution(String substitutionId, ChainId chainId, String buyerId, Policy policy, Status status,
                           String outcome, Trigger trigger, ConcreteChain before, ConcreteChain after,
                           List<Integer> changedHops, Instant triggeredAt, Instant updatedAt, Instant completedAt,
                           Long triggerToActiveMs, String rollbackOf, Instant acknowledgedAt, String acknowledgedBy) {
    public Substitution {
        changedHops = changedHops == null ? List.of() : List.copyOf(changedHops);
    }

    /** Whether the broker substitutes at once or proposes and waits for an operator. */
    public enum Policy { AUTOMATIC, APPROVAL }

    /** Where a substitution stands. */
    public enum Status {
        /** Chosen, waiting for an operator's approval. */
        PROPOSED,
        /** Being installed (make-before-break). */
        APPLYING,
        /** The new path is active and the old one removed. */
        COMPLETED,
        /** A domain refused or did not answer; the chain failed. */
        FAILED,
        /** Nothing fits the chain's QoS and budget without the degraded part. */
        NO_ALTERNATIVE,
        /** Superseded before it was applied (the chain ended, or another substitution replaced it). */
        SUPERSEDED
    }

    /**
     * What caused it: a degraded {@code INSTANCE} (offer id) or {@code LINK} ("a|b"), or an {@code OPERATOR} (a
     * roll-back). {@code recent} holds the last values of the metric, for a chart. {@code fatal}: the subject is down,
     * so the chain cannot stay on it.
     */
    public record Trigger(SubjectKind kind, String subjectId, String providerId, Metric metric, Double value, Double threshold,
                          boolean fatal, Instant at, List<Point> recent) {
        public Trigger {
            recent = recent == null ? List.of() : List.copyOf(recent);
        }
    }

    /** One value of a metric. */
    public record Point(Instant at, double value) {
    }
}
