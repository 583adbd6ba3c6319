package org.chainmarket.broker.usage;

import jakarta.inject.Named;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.chainmarket.broker.outbox.Outbox;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.ChainState;
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
import java.util.Collection;
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
 * advertised price per hour and per Mbit/s and hour when the segment opens; when a provider advertises an offer at a
 * new price, running chains' segments on it close and reopen at that price ({@link #reprice}). Each opened and closed
 * segment is published ({@code UsageSegmentOpened}, {@code UsageSegmentClosed} with its amount) through the outbox.
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
        if (c.state() == ChainState.SETTING_UP || c.state() == ChainState.REJECTED) {
            // only an order enters these states, and a chain has no segment before it is first ACTIVE: nothing to look up
            return;
        }
        List<UsageSegment> open = c.carriedBefore() ? open(c.chainId()) : List.of();
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
        List<UsageSegment> opening = new ArrayList<>(wanted.size());
        for (ConcreteChain.Hop h : wanted.values()) {
            UsageSegment previous = before.get(h.index());
            UsageSegment.Cause cause = open.isEmpty() ? UsageSegment.Cause.ACTIVATED
                    : previous != null && previous.offerId().equals(h.offerId()) ? UsageSegment.Cause.CHANGED : UsageSegment.Cause.SUBSTITUTED;
            VnfOffer o = offers.get(h.offerId().value());
            // an offer no longer on record keeps the hop's price as selected, all of it per hour
            BigDecimal perHour = price(o == null ? h.pricePerHour() : o.pricePerHour());
            BigDecimal perMbps = o == null ? BigDecimal.ZERO : price(o.pricePerMbpsHour());
            opening.add(new UsageSegment(UUID.randomUUID().toString(), ChainId.of(c.chainId()), c.buyerId(), h.index(), h.vnfType(),
                    h.offerId(), h.providerId(), mbps, perHour, perMbps, now, null, cause, null, null, null));
        }
        open(opening);
    }

    private void open(UsageSegment s) {
        open(List.of(s));
    }

    /** Opens the segments with one statement, and announces each. */
    private void open(List<UsageSegment> segments) {
        if (segments.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder("INSERT INTO usage_segment (id, chain_id, buyer_id, hop_index, vnf_type, offer_id, provider_id, mbps, "
                + "price_per_hour, price_per_mbps_hour, started_at, opened_by) VALUES ");
        for (int i = 0; i < segments.size(); i++) {
            int p = i * 12;
            sql.append(i == 0 ? "(" : ", (");
            for (int k = 1; k <= 12; k++) {
                sql.append(k == 1 ? "?" : ", ?").append(p + k);
            }
            sql.append(')');
        }
        var insert = em.createNativeQuery(sql.toString());
        for (int i = 0; i < segments.size(); i++) {
            UsageSegment s = segments.get(i);
            int p = i * 12;
            insert.setParameter(p + 1, s.segmentId()).setParameter(p + 2, s.chainId().value()).setParameter(p + 3, s.buyerId())
                    .setParameter(p + 4, s.hopIndex()).setParameter(p + 5, s.vnfType()).setParameter(p + 6, s.offerId().value())
                    .setParameter(p + 7, s.providerId().value()).setParameter(p + 8, s.mbps()).setParameter(p + 9, s.pricePerHour())
                    .setParameter(p + 10, s.pricePerMbpsHour()).setParameter(p + 11, s.startedAt()).setParameter(p + 12, s.openedBy().name());
        }
        insert.executeUpdate();
        segments.forEach(s -> outbox.append(EventType.USAGE_SEGMENT_OPENED, "chain", s.chainId().value(), s));
    }

    /**
     * Brings running chains' usage in line with the current prices of {@code offerIds}, after their advertisement
     * was stored (its own transaction): every open segment on one of them at another price closes now and the next
     * opens at the offer's new price (cause {@code REPRICED}), so usage from this moment on accrues at the new price.
     * A rise that would take a chain over its order's budget ({@code maxPricePerHour}, at its bandwidth, over all its
     * hops) is not applied to it: the chain keeps the price it pays (price protection) until its next change or
     * substitution, which is selected at the prices of that moment. Cuts always apply. The chains are locked (in id
     * order, as every chain step locks them) so no step of theirs interleaves. Idempotent: run again, it changes
     * nothing; {@link #repriceAll()} runs it at start for any offer advertised just before a stop.
     */
    @Transactional
    public int reprice(Collection<String> offerIds) {
        if (offerIds.isEmpty()) {
            return 0;
        }
        Map<String, VnfOffer> offers = offers(List.copyOf(offerIds));
        if (offers.isEmpty()) {
            return 0;
        }
        @SuppressWarnings("unchecked")
        List<Object[]> onOffers = em.createNativeQuery("SELECT chain_id, offer_id, price_per_hour, price_per_mbps_hour FROM usage_segment "
                + "WHERE ended_at IS NULL AND offer_id IN (?1)").setParameter(1, List.copyOf(offers.keySet())).getResultList();
        List<String> chains = onOffers.stream().filter(r -> !samePrice(offers.get((String) r[1]), (BigDecimal) r[2], (BigDecimal) r[3]))
                .map(r -> (String) r[0]).distinct().sorted().toList();
        if (chains.isEmpty()) {
            return 0;
        }
        @SuppressWarnings("unchecked")
        List<Object[]> locked = em.createNativeQuery("SELECT id, order_json FROM chain WHERE id IN (?1) ORDER BY id FOR UPDATE")
                .setParameter(1, chains).getResultList();
        Instant now = clock.instant();
        int repriced = 0;
        for (Object[] chain : locked) {
            List<UsageSegment> open = open((String) chain[0]);
            BigDecimal paying = BigDecimal.ZERO;
            BigDecimal atNewPrices = BigDecimal.ZERO;
            List<UsageSegment> changing = new ArrayList<>();
            for (UsageSegment s : open) {
                paying = paying.add(rate(s.pricePerHour(), s.pricePerMbpsHour(), s.mbps()));
                VnfOffer o = offers.get(s.offerId().value());
                if (o != null && !samePrice(o, s.pricePerHour(), s.pricePerMbpsHour())) {
                    changing.add(s);
                    atNewPrices = atNewPrices.add(rate(price(o.pricePerHour()), price(o.pricePerMbpsHour()), s.mbps()));
                } else {
                    atNewPrices = atNewPrices.add(rate(s.pricePerHour(), s.pricePerMbpsHour(), s.mbps()));
                }
            }
            BigDecimal budget = price(Json.read((String) chain[1], ChainOrder.class).maxPricePerHour());
            if (changing.isEmpty() || atNewPrices.compareTo(paying) > 0 && atNewPrices.compareTo(budget) > 0) {
                continue;
            }
            for (UsageSegment s : changing) {
                VnfOffer o = offers.get(s.offerId().value());
                close(s, now, UsageSegment.Cause.REPRICED);
                open(new UsageSegment(UUID.randomUUID().toString(), s.chainId(), s.buyerId(), s.hopIndex(), s.vnfType(), s.offerId(), s.providerId(),
                        s.mbps(), price(o.pricePerHour()), price(o.pricePerMbpsHour()), now, null, UsageSegment.Cause.REPRICED, null, null, null));
                repriced++;
            }
        }
        return repriced;
    }

    /** {@link #reprice} for every offer that running chains use at another price than it now advertises. */
    @Transactional
    public int repriceAll() {
        @SuppressWarnings("unchecked")
        List<String> used = em.createNativeQuery("SELECT DISTINCT offer_id FROM usage_segment WHERE ended_at IS NULL").getResultList();
        if (used.isEmpty()) {
            return 0;
        }
        return reprice(used);
    }

    private static boolean samePrice(VnfOffer o, BigDecimal perHour, BigDecimal perMbpsHour) {
        return price(o.pricePerHour()).compareTo(perHour) == 0 && price(o.pricePerMbpsHour()).compareTo(perMbpsHour) == 0;
    }

    private static BigDecimal rate(BigDecimal perHour, BigDecimal perMbpsHour, BigDecimal mbps) {
        return perHour.add(perMbpsHour.multiply(mbps));
    }

    private static BigDecimal price(double advertised) {
        return BigDecimal.valueOf(advertised);
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
