package org.chainmarket.broker.usage;

import jakarta.inject.Named;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.chainmarket.schemas.model.UsageSegment;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * What buyers, providers and operators read of usage: the segments of a period and the SLA violation periods of
 * their chains, priced as an {@link Invoice}.
 */
@Singleton
public class UsageService {
    static final String COLUMNS = "SELECT id, chain_id, buyer_id, hop_index, vnf_type, offer_id, provider_id, mbps, price_per_hour, "
            + "price_per_mbps_hour, started_at, ended_at, opened_by, closed_by FROM usage_segment";
    private static final String OVERLAPPING = "started_at < ?2 AND (ended_at IS NULL OR ended_at > ?1)";
    private final EntityManager em;
    private final Clock clock;

    public UsageService(EntityManager em, @Named(UsageClock.NAME) Clock clock) {
        this.em = em;
        this.clock = clock;
    }

    /** Whose usage: a buyer's chains, a provider's offers, or everything (an operator). */
    public enum Scope { BUYER, PROVIDER, ALL }

    /** The invoice of {@code [from, to)} for {@code party} in {@code scope} (party ignored for ALL). */
    @Transactional
    public Invoice invoice(Scope scope, String party, Instant from, Instant to) {
        return Invoice.of(segments(scope, party, from, to), violations(scope, party, from, to), from, to, clock.instant());
    }

    /** The report of {@code [from, to)} for {@code party} in {@code scope}. */
    public UsageReport report(Scope scope, String party, Instant from, Instant to) {
        return UsageReport.of(scope, party, invoice(scope, party, from, to));
    }

    /** Now, by the usage clock. */
    public Instant now() {
        return clock.instant();
    }

    /** The segments that overlap {@code [from, to)}, oldest first. */
    @Transactional
    public List<UsageSegment> segments(Scope scope, String party, Instant from, Instant to) {
        var q = em.createNativeQuery(COLUMNS + " WHERE " + OVERLAPPING + where(scope) + " ORDER BY started_at, chain_id, hop_index")
                .setParameter(1, from).setParameter(2, to);
        if (scope != Scope.ALL) {
            q.setParameter(3, party);
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = q.getResultList();
        List<UsageSegment> out = new ArrayList<>();
        rows.forEach(r -> out.add(segment(r)));
        return out;
    }

    /** The SLA violation periods that overlap {@code [from, to)} of the chains with segments in it. */
    private List<Invoice.Violation> violations(Scope scope, String party, Instant from, Instant to) {
        var q = em.createNativeQuery("SELECT chain_id, started_at, ended_at FROM sla_violation WHERE " + OVERLAPPING
                        + " AND chain_id IN (SELECT chain_id FROM usage_segment WHERE " + OVERLAPPING + where(scope) + ")")
                .setParameter(1, from).setParameter(2, to);
        if (scope != Scope.ALL) {
            q.setParameter(3, party);
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = q.getResultList();
        return rows.stream().map(r -> new Invoice.Violation((String) r[0], instant(r[1]), instant(r[2]))).toList();
    }

    private static String where(Scope scope) {
        return switch (scope) {
            case BUYER -> " AND buyer_id = ?3";
            case PROVIDER -> " AND provider_id = ?3";
            case ALL -> "";
        };
    }

    /** A row of {@link #COLUMNS}. */
    static UsageSegment segment(Object[] r) {
        return UsageLedger.typed((String) r[0], (String) r[1], (String) r[2], ((Number) r[3]).intValue(), (String) r[4], (String) r[5],
                (String) r[6], (BigDecimal) r[7], (BigDecimal) r[8], (BigDecimal) r[9], instant(r[10]), instant(r[11]), (String) r[12],
                (String) r[13]);
    }

    static Instant instant(Object o) {
        if (o == null) {
            return null;
        }
        return o instanceof Timestamp t ? t.toInstant() : o instanceof OffsetDateTime d ? d.toInstant() : (Instant) o;
    }
}
