package org.chainmarket.broker.chain;

import io.micronaut.transaction.support.TransactionSynchronization;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import org.chainmarket.broker.outbox.TransactionHooks;
import org.chainmarket.broker.registry.MarketReadModel;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.selection.MarketSnapshot;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Capacity held by chains, in PostgreSQL. Each hop's hold on an offer is a {@code chain_reservation} row, written as
 * the transaction goes; the offers' counters, the rows every chain on an offer contends for, change once per
 * transaction, just before its commit, by one conditional update per offer in offer-id order. A transaction thus
 * holds those rows' locks for its commit alone, and every transaction takes them in the same global order, so
 * reservations and releases (orders, acknowledgements, the deadline sweep, substitutions) never deadlock on them.
 * An update that would overbook throws {@link CapacityTakenException}, rolling the transaction back. After the
 * commit the read model takes the counters as the database has them.
 */
@Singleton
class ReservationLedger {
    private final EntityManager em;
    private final TransactionHooks hooks;
    private final MarketReadModel market;

    ReservationLedger(EntityManager em, TransactionHooks hooks, MarketReadModel market) {
        this.em = em;
        this.hooks = hooks;
        this.market = market;
    }

    /** Writes the hop rows of {@code fx} and adds its counter changes to the transaction's, applied before the commit. */
    void record(Effects fx) {
        Counters counters = hooks.once(ReservationLedger.class, Counters::new);
        for (Effects.Hop h : fx.reserved) {
            em.createNativeQuery("INSERT INTO chain_reservation (chain_id, hop_index, offer_id, mbps) VALUES (?1, ?2, ?3, ?4)")
                    .setParameter(1, h.chainId()).setParameter(2, h.hopIndex()).setParameter(3, h.offerId())
                    .setParameter(4, h.mbps()).executeUpdate();
            counters.take(h.offerId(), h.mbps(), 1);
        }
        for (Effects.Hop h : fx.released) {
            int removed = em.createNativeQuery("DELETE FROM chain_reservation WHERE chain_id = ?1 AND hop_index = ?2 AND offer_id = ?3")
                    .setParameter(1, h.chainId()).setParameter(2, h.hopIndex()).setParameter(3, h.offerId()).executeUpdate();
            if (removed > 0) {
                counters.take(h.offerId(), -h.mbps(), -1);
            }
        }
        fx.links.forEach(l -> counters.links.merge(l.link(), l.mbps(), Double::sum));
        fx.reserved.clear();
        fx.released.clear();
        fx.links.clear();
    }

    /** One transaction's changes to the counters, applied in one global order just before it commits. */
    private final class Counters implements TransactionSynchronization {
        private final TreeMap<String, double[]> offers = new TreeMap<>();
        private final Map<String, Double> links = new HashMap<>();
        private final Map<OfferId, MarketSnapshot.Reservation> committed = new HashMap<>();

        void take(String offerId, double mbps, int chains) {
            double[] d = offers.computeIfAbsent(offerId, k -> new double[2]);
            d[0] += mbps;
            d[1] += chains;
        }

        @Override
        public void beforeCommit(boolean readOnly) {
            if (offers.isEmpty()) {
                return;
            }
            em.flush();
            Instant at = Instant.now();
            offers.forEach((offerId, d) -> {
                @SuppressWarnings("unchecked")
                List<Object[]> row = em.createNativeQuery("UPDATE offer SET reserved_mbps = GREATEST(0, reserved_mbps + ?2), "
                                + "reserved_chains = reserved_chains + ?3, updated_at = ?4 WHERE id = ?1 AND (?3 <= 0 OR (NOT withdrawn "
                                + "AND reserved_mbps + ?2 <= capacity_mbps + 1e-9 AND reserved_chains + ?3 <= max_chains)) "
                                + "RETURNING reserved_mbps, reserved_chains")
                        .setParameter(1, offerId).setParameter(2, d[0]).setParameter(3, (int) d[1]).setParameter(4, at)
                        .getResultList();
                if (row.isEmpty()) {
                    throw new CapacityTakenException(offerId);
                }
                committed.put(OfferId.of(offerId), new MarketSnapshot.Reservation(((Number) row.get(0)[0]).doubleValue(),
                        ((Number) row.get(0)[1]).intValue()));
            });
        }

        @Override
        public void afterCommit() {
            committed.forEach((offer, r) -> market.setReservation(offer, r.mbps(), r.chains()));
            links.forEach(market::addLinkUsage);
        }
    }
}
