package org.chainmarket.broker.chain;

import io.micronaut.transaction.support.TransactionSynchronization;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.chainmarket.broker.outbox.TransactionHooks;
import org.chainmarket.broker.registry.MarketReadModel;
import org.chainmarket.schemas.model.OfferId;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Capacity held by chains, in PostgreSQL, for offers and links alike. What each chain holds is a row of its own
 * ({@code chain_reservation} per hop, {@code chain_link} per link), written as the transaction goes; the shared
 * counters ({@code offer.reserved_*}, {@code link.reserved_mbps}), the rows every chain on an offer or link contends
 * for, change once per transaction, just before its commit, by one conditional update per offer and then per link,
 * each in key order. So a transaction holds those rows' locks for its commit alone, and every transaction (orders,
 * acknowledgements, the deadline sweep, substitutions, reserving or releasing) takes them in the same global order:
 * they never deadlock on them. An update that would overbook throws {@link CapacityTakenException} and rolls the
 * transaction back; CHECK constraints back it up. After the commit the read model takes the counters as the database
 * has them, each with its row's change count, so a transaction that tells it late cannot undo a newer one: the view
 * never drifts from the ledger.
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

    /** Writes the chains' own rows of {@code fx} and adds its counter changes to the transaction's, applied before the commit. */
    void record(Effects fx) {
        if (fx.reserved.isEmpty() && fx.released.isEmpty() && fx.links.isEmpty()) {
            return;
        }
        Counters counters = hooks.once(ReservationLedger.class, Counters::new);
        // rows given back first: a hop whose bandwidth changes gives its row back and takes a new one
        for (Effects.Hop h : fx.released) {
            int removed = em.createNativeQuery("DELETE FROM chain_reservation WHERE chain_id = ?1 AND hop_index = ?2 AND offer_id = ?3")
                    .setParameter(1, h.chainId()).setParameter(2, h.hopIndex()).setParameter(3, h.offerId()).executeUpdate();
            if (removed > 0) {
                counters.take(h.offerId(), -h.mbps(), -1);
            }
        }
        for (Effects.Hop h : fx.reserved) {
            em.createNativeQuery("INSERT INTO chain_reservation (chain_id, hop_index, offer_id, mbps) VALUES (?1, ?2, ?3, ?4)")
                    .setParameter(1, h.chainId()).setParameter(2, h.hopIndex()).setParameter(3, h.offerId())
                    .setParameter(4, h.mbps()).executeUpdate();
            counters.take(h.offerId(), h.mbps(), 1);
        }
        for (Effects.LinkChange l : fx.links) {
            counters.links.merge(l.link(), holdLink(l), Double::sum);
        }
        fx.reserved.clear();
        fx.released.clear();
        fx.links.clear();
    }

    /** Changes a chain's row for one link; returns the change the link's counter takes (none for a row it never had). */
    private double holdLink(Effects.LinkChange l) {
        if (l.mbps() > 0) {
            int known = em.createNativeQuery("INSERT INTO chain_link (chain_id, link_key, mbps) SELECT ?1, link_key, ?3 FROM link "
                            + "WHERE link_key = ?2 ON CONFLICT (chain_id, link_key) DO UPDATE SET mbps = chain_link.mbps + EXCLUDED.mbps")
                    .setParameter(1, l.chainId()).setParameter(2, l.link()).setParameter(3, l.mbps()).executeUpdate();
            if (known == 0) {
                throw CapacityTakenException.link(l.link());
            }
            return l.mbps();
        }
        @SuppressWarnings("unchecked")
        List<Number> held = em.createNativeQuery("SELECT mbps FROM chain_link WHERE chain_id = ?1 AND link_key = ?2")
                .setParameter(1, l.chainId()).setParameter(2, l.link()).getResultList();
        if (held.isEmpty()) {
            return 0;
        }
        double give = Math.min(held.get(0).doubleValue(), -l.mbps());
        if (held.get(0).doubleValue() - give <= 1e-9) {
            em.createNativeQuery("DELETE FROM chain_link WHERE chain_id = ?1 AND link_key = ?2")
                    .setParameter(1, l.chainId()).setParameter(2, l.link()).executeUpdate();
        } else {
            em.createNativeQuery("UPDATE chain_link SET mbps = mbps - ?3 WHERE chain_id = ?1 AND link_key = ?2")
                    .setParameter(1, l.chainId()).setParameter(2, l.link()).setParameter(3, give).executeUpdate();
        }
        return -give;
    }

    /** Brings the read model in line with what the database holds for the offer or link a concurrent transaction took. */
    @Transactional
    public void refresh(CapacityTakenException e) {
        if (e.isLink()) {
            @SuppressWarnings("unchecked")
            List<Object[]> row = em.createNativeQuery("SELECT reserved_mbps, version FROM link WHERE link_key = ?1")
                    .setParameter(1, e.subjectId()).getResultList();
            row.forEach(r -> market.setLinkReservation(e.subjectId(), ((Number) r[0]).doubleValue(), ((Number) r[1]).longValue()));
        } else {
            @SuppressWarnings("unchecked")
            List<Object[]> row = em.createNativeQuery("SELECT reserved_mbps, reserved_chains, version FROM offer WHERE id = ?1")
                    .setParameter(1, e.subjectId()).getResultList();
            row.forEach(r -> market.setReservation(OfferId.of(e.subjectId()), ((Number) r[0]).doubleValue(), ((Number) r[1]).intValue(),
                    ((Number) r[2]).longValue()));
        }
    }

    /** One transaction's changes to the counters, applied in one global order just before it commits. */
    private final class Counters implements TransactionSynchronization {
        private final TreeMap<String, double[]> offers = new TreeMap<>();
        private final TreeMap<String, Double> links = new TreeMap<>();
        private final List<Runnable> committed = new ArrayList<>();

        void take(String offerId, double mbps, int chains) {
            double[] d = offers.computeIfAbsent(offerId, k -> new double[2]);
            d[0] += mbps;
            d[1] += chains;
        }

        @Override
        public void beforeCommit(boolean readOnly) {
            em.flush();
            Instant at = Instant.now();
            offers.forEach((offerId, d) -> {
                @SuppressWarnings("unchecked")
                List<Object[]> row = em.createNativeQuery("UPDATE offer SET reserved_mbps = GREATEST(0, reserved_mbps + ?2), "
                                + "reserved_chains = GREATEST(0, reserved_chains + ?3), version = version + 1, updated_at = ?4 WHERE id = ?1 "
                                + "AND ((?3 <= 0 AND ?2 <= 1e-9) OR (NOT withdrawn AND reserved_mbps + ?2 <= capacity_mbps + 1e-9 AND reserved_chains + ?3 <= max_chains)) "
                                + "RETURNING reserved_mbps, reserved_chains, version")
                        .setParameter(1, offerId).setParameter(2, d[0]).setParameter(3, (int) d[1]).setParameter(4, at)
                        .getResultList();
                if (row.isEmpty()) {
                    throw CapacityTakenException.offer(offerId);
                }
                Object[] r = row.get(0);
                committed.add(() -> market.setReservation(OfferId.of(offerId), ((Number) r[0]).doubleValue(), ((Number) r[1]).intValue(),
                        ((Number) r[2]).longValue()));
            });
            links.forEach((link, mbps) -> {
                if (Math.abs(mbps) <= 1e-9) {
                    return;
                }
                @SuppressWarnings("unchecked")
                List<Object[]> row = em.createNativeQuery("UPDATE link SET reserved_mbps = GREATEST(0, reserved_mbps + ?2), "
                                + "version = version + 1, updated_at = ?3 WHERE link_key = ?1 AND (?2 <= 0 OR reserved_mbps + ?2 <= capacity_mbps + 1e-9) "
                                + "RETURNING reserved_mbps, version")
                        .setParameter(1, link).setParameter(2, mbps).setParameter(3, at).getResultList();
                if (row.isEmpty()) {
                    throw CapacityTakenException.link(link);
                }
                Object[] r = row.get(0);
                committed.add(() -> market.setLinkReservation(link, ((Number) r[0]).doubleValue(), ((Number) r[1]).longValue()));
            });
        }

        @Override
        public void afterCommit() {
            committed.forEach(Runnable::run);
        }
    }
}
