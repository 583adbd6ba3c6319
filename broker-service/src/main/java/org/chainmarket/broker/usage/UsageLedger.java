package org.chainmarket.broker.usage;

import jakarta.inject.Named;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import org.chainmarket.broker.outbox.Outbox;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.UsageSegment;
import org.chainmarket.schemas.model.VnfOffer;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Usage segments, written in the transaction of the chain's step that changes what it carries. Per hop, a segment
 * is open while the chain carries traffic on one offer at one bandwidth and price; when the hop's offer (a
 * substitution) or the bandwidth (a change in place) changes, its segment closes and the next opens at the same
 * instant; when the chain stops carrying traffic (ended, failed) every open segment closes. Prices are the offer's
 * advertised price per hour and per Mbit/s and hour when the segment opens. Each opened and closed segment is
 * published ({@code UsageSegmentOpened}, {@code UsageSegmentClosed} with its amount) through the outbox.
 */
@Singleton
public class UsageLedger {
    private final EntityManager em;
    private final Outbox outbox;
    private final Clock clock;

    public UsageLedger(EntityManager em, Outbox outbox, @Named(UsageClock.NAME) Clock clock) {
        this.em = em;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** Brings each chain's open segments in line with the last of what it carries in {@code carrying}; must run in the step's transaction. */
    public void record(List<Carriage> carrying) {
        if (carrying.isEmpty()) {
            return;
        }
        Map<String, Carriage> last = new LinkedHashMap<>();
        carrying.forEach(c -> last.put(c.chainId(), c));
        carrying.clear();
        Instant now = clock.instant();
        last.values().forEach(c -> apply(c, now));
    }

    private void apply(Carriage c, Instant now) {
        List<UsageSegment> open = open(c.chainId());
        Map<Integer, ConcreteChain.Hop> wanted = new LinkedHashMap<>();
        if (c.billable()) {
            c.chain().hops().forEach(h -> wanted.put(h.index(), h));
        }
        BigDecimal mbps = BigDecimal.valueOf(c.mbps());
        Map<Integer, UsageSegment> before = new HashMap<>();
        for (UsageSegment s : open) {
            ConcreteChain.Hop h = wanted.get(s.hopIndex());
            if (h != null && h.offerId().equals(s.offerId()) && s.mbps().compareTo(mbps) == 0) {
                wanted.remove(s.hopIndex());
                continue;
            }
            UsageSegment.Cause cause = h == null ? UsageSegment.Cause.ENDED
                    : h.offerId().equals(s.offerId()) ? UsageSegment.Cause.CHANGED : UsageSegment.Cause.SUBSTITUTED;
            close(s, now, cause);
            before.put(s.hopIndex(), s);
        }
        if (wanted.isEmpty()) {
            return;
        }
        Map<String, VnfOffer> offers = offers(wanted.values().stream().map(h -> h.offerId().value()).distinct().toList());
        for (ConcreteChain.Hop h : wanted.values()) {
            UsageSegment previous = before.get(h.index());
            UsageSegment.Cause cause = open.isEmpty() ? UsageSegment.Cause.ACTIVATED
                    : previous != null && previous.offerId().equals(h.offerId()) ? UsageSegment.Cause.CHANGED : UsageSegment.Cause.SUBSTITUTED;
            VnfOffer o = offers.get(h.offerId().value());
            // an offer no longer on record keeps the hop's price as selected, all of it per hour
            BigDecimal perHour = o == null ? BigDecimal.valueOf(h.pricePerHour()) : BigDecimal.valueOf(o.pricePerHour());
            BigDecimal perMbps = o == null ? BigDecimal.ZERO : BigDecimal.valueOf(o.pricePerMbpsHour());
            UsageSegment s = new UsageSegment(UUID.randomUUID().toString(), ChainId.of(c.chainId()), c.buyerId(), h.index(), h.vnfType(),
                    h.offerId(), h.providerId(), mbps, perHour, perMbps, now, null, cause, null, null, null);
            em.createNativeQuery("INSERT INTO usage_segment (id, chain_id, buyer_id, hop_index, vnf_type, offer_id, provider_id, mbps, "
                            + "price_per_hour, price_per_mbps_hour, started_at, opened_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)")
                    .setParameter(1, s.segmentId()).setParameter(2, c.chainId()).setParameter(3, c.buyerId()).setParameter(4, h.index())
                    .setParameter(5, h.vnfType()).setParameter(6, h.offerId().value()).setParameter(7, h.providerId().value())
                    .setParameter(8, mbps).setParameter(9, perHour).setParameter(10, perMbps).setParameter(11, now)
                    .setParameter(12, cause.name()).executeUpdate();
            outbox.append(EventType.USAGE_SEGMENT_OPENED, "chain", c.chainId(), s);
        }
    }

    private void close(UsageSegment s, Instant now, UsageSegment.Cause cause) {
        Instant end = now.isBefore(s.startedAt()) ? s.startedAt() : now;
        em.createNativeQuery("UPDATE usage_segment SET ended_at = ?2, closed_by = ?3 WHERE id = ?1")
                .setParameter(1, s.segmentId()).setParameter(2, end).setParameter(3, cause.name()).executeUpdate();
        long ms = Duration.between(s.startedAt(), end).toMillis();
        outbox.append(EventType.USAGE_SEGMENT_CLOSED, "chain", s.chainId().value(), new UsageSegment(s.segmentId(), s.chainId(), s.buyerId(),
                s.hopIndex(), s.vnfType(), s.offerId(), s.providerId(), s.mbps(), s.pricePerHour(), s.pricePerMbpsHour(), s.startedAt(), end,
                s.openedBy(), cause, Invoice.hours(ms), Invoice.amount(s.pricePerHour(), s.pricePerMbpsHour(), s.mbps(), ms)));
    }

    private List<UsageSegment> open(String chainId) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery(UsageService.COLUMNS + " WHERE chain_id = ?1 AND ended_at IS NULL ORDER BY hop_index")
                .setParameter(1, chainId).getResultList();
        List<UsageSegment> out = new ArrayList<>();
        rows.forEach(r -> out.add(UsageService.segment(r)));
        return out;
    }

    private Map<String, VnfOffer> offers(List<String> ids) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT id, offer_json FROM offer WHERE id IN (?1)").setParameter(1, ids).getResultList();
        Map<String, VnfOffer> out = new HashMap<>();
        rows.forEach(r -> out.put((String) r[0], Json.read((String) r[1], VnfOffer.class)));
        return out;
    }

    /** The segment's offer id and provider id as typed ids (for readers of rows). */
    static UsageSegment typed(String segmentId, String chainId, String buyerId, int hop, String vnfType, String offerId, String providerId,
                              BigDecimal mbps, BigDecimal perHour, BigDecimal perMbps, Instant start, Instant end, String openedBy, String closedBy) {
        return new UsageSegment(segmentId, ChainId.of(chainId), buyerId, hop, vnfType, OfferId.of(offerId), ProviderId.of(providerId), mbps,
                perHour, perMbps, start, end, UsageSegment.Cause.valueOf(openedBy), closedBy == null ? null : UsageSegment.Cause.valueOf(closedBy),
                null, null);
    }
}
