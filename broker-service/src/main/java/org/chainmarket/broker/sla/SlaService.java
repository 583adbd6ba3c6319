package org.chainmarket.broker.sla;

import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.chainmarket.broker.chain.ChainView;
import org.chainmarket.schemas.model.ChainState;
import org.chainmarket.schemas.model.ConcreteChain;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/** What buyers and operators read of a chain's SLA: its violation periods and its latency measured now. */
@Singleton
public class SlaService {
    private static final EnumSet<ChainState> RUNNING = EnumSet.of(ChainState.ACTIVE, ChainState.DEGRADED, ChainState.SUBSTITUTING);
    private final EntityManager em;
    private final SlaMonitor monitor;

    public SlaService(EntityManager em, SlaMonitor monitor) {
        this.em = em;
        this.monitor = monitor;
    }

    @Transactional
    public SlaReport report(ChainView chain) {
        Instant now = monitor.now();
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT started_at, ended_at, worst_latency_ms, last_latency_ms, worst_part, action, substitution_id FROM sla_violation "
                + "WHERE chain_id = ?1 ORDER BY started_at").setParameter(1, chain.chainId()).getResultList();
        List<SlaReport.Violation> violations = new ArrayList<>();
        double seconds = 0;
        boolean open = false;
        for (Object[] r : rows) {
            Instant start = instant(r[0]);
            Instant end = instant(r[1]);
            double s = Duration.between(start, end == null ? now : end).toMillis() / 1000.0;
            seconds += s;
            open |= end == null;
            violations.add(new SlaReport.Violation(start, end, s, ((Number) r[2]).doubleValue(), ((Number) r[3]).doubleValue(), (String) r[4],
                    (String) r[5], (String) r[6]));
        }
        Optional<MeasuredLatency.Result> measured = RUNNING.contains(chain.state()) && chain.hops() != null && !chain.hops().isEmpty()
                ? monitor.measure(new ConcreteChain(chain.hops(), chain.path(), List.of(), chain.predictedLatencyMs(), chain.pricePerHour()))
                : Optional.empty();
        return new SlaReport(chain.chainId(), chain.order().maxLatencyMs(), chain.predictedLatencyMs(),
                measured.map(MeasuredLatency.Result::latencyMs).orElse(null), measured.map(MeasuredLatency.Result::worst).orElse(null),
                open, seconds, violations);
    }

    /**
     * The chains that have an SLA record, the most recently violated first ({@code buyer} null: every buyer's), at
     * most {@code limit}.
     */
    @Transactional
    public List<SlaSummary> summaries(String buyer, int limit) {
        var q = em.createNativeQuery("SELECT chain_id, buyer_id, MAX(bound_ms), BOOL_OR(ended_at IS NULL), COUNT(*), "
                + "SUM(EXTRACT(EPOCH FROM (COALESCE(ended_at, ?1) - started_at))), MAX(worst_latency_ms), MAX(started_at) FROM sla_violation"
                + (buyer == null ? "" : " WHERE buyer_id = ?3") + " GROUP BY chain_id, buyer_id ORDER BY MAX(started_at) DESC, chain_id LIMIT ?2")
                .setParameter(1, monitor.now()).setParameter(2, limit);
        if (buyer != null) {
            q.setParameter(3, buyer);
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = q.getResultList();
        return rows.stream().map(r -> new SlaSummary((String) r[0], (String) r[1], ((Number) r[2]).doubleValue(), Boolean.TRUE.equals(r[3]),
                ((Number) r[4]).intValue(), Math.max(0, ((Number) r[5]).doubleValue()), ((Number) r[6]).doubleValue(), instant(r[7]))).toList();
    }

    private static Instant instant(Object o) {
        if (o == null) {
            return null;
        }
        return o instanceof Timestamp t ? t.toInstant() : o instanceof OffsetDateTime d ? d.toInstant() : (Instant) o;
    }
}
