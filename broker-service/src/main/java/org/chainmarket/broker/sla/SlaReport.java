package org.chainmarket.broker.sla;

import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/v1/chains/{id}/sla}: the chain's latency bound, its predicted and (while it runs) measured
 * end-to-end latency, whether it is over the bound now, and every period it was, with its duration and worst value.
 */
public record SlaReport(String chainId, double boundMs, Double predictedLatencyMs, Double measuredLatencyMs, String worstPart,
                        boolean inViolation, double violatedSeconds, List<Violation> violations) {

    /**
     * A period over the bound; {@code endedAt} null while it lasts (its duration then counts until now). {@code action}
     * says in words what the broker did about it (moved the chain, proposed a move, or why it could not), with the
     * substitution's id; both null until it acted.
     */
    public record Violation(Instant startedAt, Instant endedAt, double durationSeconds, double worstLatencyMs, double lastLatencyMs,
                            String worstPart, String action, String substitutionId) {
    }
}
