package org.chainmarket.broker.sla;

import java.time.Instant;

/**
 * {@code GET /api/v1/sla}: one chain's SLA record in brief, for a list of chains: whether it is over its latency bound
 * now, how many periods it was and for how long in all, its worst measured latency, and when its last period began.
 */
public record SlaSummary(String chainId, String buyerId, double boundMs, boolean inViolation, int violations, double violatedSeconds,
                         double worstLatencyMs, Instant lastStartedAt) {
}
