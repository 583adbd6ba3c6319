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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Capacity held by chains, in PostgreSQL, for offers and links alike. What each chain holds is a row of its own
 * ({@code chain_reservation} per hop, {@code chain_link} per link), written as the transaction goes (the rows a step
 * takes by one statement per table); the shared counters ({@code offer.reserved_*}, {@code link.reserved_mbps}), the
 * rows every chain on an offer or link contends for, change once per transaction, just before its commit: the offers'
 * rows locked in key order (one {@code SELECT ... ORDER BY ... FOR UPDATE}), then changed by one conditional update,
 * then the links' the same way. So a transaction holds those rows' locks for its commit alone, and every transaction (orders,
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
        reserve(fx.reserved);
        fx.reserved.forEach(h -> counters.take(h.offerId(), h.mbps(), 1));
        // holds taken go in one statement (each chain and link once), holds given back row by row, in the order the
        // steps made them: the taken ones of a row are written before that row is given back
        Map<List<String>, Double> taken = new LinkedHashMap<>();
        for (Effects.LinkChange l : fx.links) {
            List<String> row = List.of(l.chainId(), l.link());
            if (l.mbps() > 0) {
                taken.merge(row, l.mbps(), Double::sum);
                continue;
            }
            if (taken.containsKey(row)) {
                holdLinks(taken).forEach((link, mbps) -> counters.links.merge(link, mbps, Double::sum));
                taken.clear();
            }
            counters.links.merge(l.link(), holdLink(l), Double::sum);
        }
        holdLinks(taken).forEach((link, mbps) -> counters.links.merge(link, mbps, Double::sum));
        fx.reserved.clear();
        fx.released.clear();
        fx.links.clear();
    }

    /** The hops' rows, one statement for all. */
    private void reserve(List<Effects.Hop> hops) {
        if (hops.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder("INSERT INTO chain_reservation (chain_id, hop_index, offer_id, mbps) VALUES ");
        for (int i = 0; i < hops.size(); i++) {
            int p = i * 4;
            sql.append(i == 0 ? "" : ", ").append("(?").append(p + 1).append(", ?").append(p + 2).append(", ?").append(p + 3)
                    .append(", ?").append(p + 4).append(')');
        }
        var insert = em.createNativeQuery(sql.toString());
        for (int i = 0; i < hops.size(); i++) {
            Effects.Hop h = hops.get(i);
            insert.setParameter(i * 4 + 1, h.chainId()).setParameter(i * 4 + 2, h.hopIndex()).setParameter(i * 4 + 3, h.offerId())
                    .setParameter(i * 4 + 4, h.mbps());
        }
        insert.executeUpdate();
    }

    /**
     * Chains take bandwidth on links ((chain, link) → Mbit/s, each pair once), one statement for all; returns what each
     * link's counter takes. {@link CapacityTakenException} for the first link that is not advertised (any more).
     */
    private Map<String, Double> holdLinks(Map<List<String>, Double> taken) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (taken.isEmpty()) {
            return out;
        }
        StringBuilder sql = new StringBuilder("INSERT INTO chain_link (chain_id, link_key, mbps) SELECT v.chain_id, l.link_key, v.mbps FROM (VALUES ");
        int i = 0;
        for (int n = 0; n < taken.size(); n++, i += 3) {
            sql.append(n == 0 ? "" : ", ").append("(CAST(?").append(i + 1).append(" AS VARCHAR), CAST(?").append(i + 2)
                    .append(" AS VARCHAR), CAST(?").append(i + 3).append(" AS DOUBLE PRECISION))");
        }
        sql.append(") AS v (chain_id, link_key, mbps) JOIN link l ON l.link_key = v.link_key "
                + "ON CONFLICT (chain_id, link_key) DO UPDATE SET mbps = chain_link.mbps + EXCLUDED.mbps RETURNING chain_id, link_key");
        var insert = em.createNativeQuery(sql.toString());
        i = 0;
        for (Map.Entry<List<String>, Double> e : taken.entrySet()) {
            insert.setParameter(i + 1, e.getKey().get(0)).setParameter(i + 2, e.getKey().get(1)).setParameter(i + 3, e.getValue());
            i += 3;
        }
        @SuppressWarnings("unchecked")
        List<Object[]> held = insert.getResultList();
        java.util.Set<List<String>> known = new java.util.HashSet<>();
        held.forEach(r -> known.add(List.of((String) r[0], (String) r[1])));
        for (Map.Entry<List<String>, Double> e : taken.entrySet()) {
            if (!known.contains(e.getKey())) {
                throw CapacityTakenException.link(e.getKey().get(1));
            }
            out.merge(e.getKey().get(1), e.getValue(), Double::sum);
        }
        return out;
    }

    /** Gives back a chain's bandwidth on one link; returns the change the link's counter takes (none for a row it never had). */
    private double holdLink(Effects.LinkChange l) {
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

        /**
         * The offers' counters, then the links': each table's rows locked in key order first (one statement), then
         * changed by one statement; a row whose condition fails names the first such key.
         */
        @Override
        public void beforeCommit(boolean readOnly) {
            em.flush();
            Instant at = Instant.now();
            List<String> offerIds = new ArrayList<>(offers.keySet());
            if (!offerIds.isEmpty()) {
                lockInOrder("offer", "id", offerIds);
                StringBuilder values = new StringBuilder();
                for (int i = 0; i < offerIds.size(); i++) {
                    int p = 2 + i * 3;
                    values.append(i == 0 ? "" : ", ").append("(CAST(?").append(p).append(" AS VARCHAR), CAST(?").append(p + 1)
                            .append(" AS DOUBLE PRECISION), CAST(?").append(p + 2).append(" AS INTEGER))");
                }
                var update = em.createNativeQuery("UPDATE offer o SET reserved_mbps = GREATEST(0, o.reserved_mbps + d.mbps), "
                        + "reserved_chains = GREATEST(0, o.reserved_chains + d.chains), version = o.version + 1, updated_at = ?1 FROM (VALUES "
                        + values + ") AS d (id, mbps, chains) WHERE o.id = d.id "
                        + "AND ((d.chains <= 0 AND d.mbps <= 1e-9) OR (NOT o.withdrawn AND o.reserved_mbps + d.mbps <= o.capacity_mbps + 1e-9 "
                        + "AND o.reserved_chains + d.chains <= o.max_chains)) RETURNING o.id, o.reserved_mbps, o.reserved_chains, o.version")
                        .setParameter(1, at);
                for (int i = 0; i < offerIds.size(); i++) {
                    double[] d = offers.get(offerIds.get(i));
                    update.setParameter(2 + i * 3, offerIds.get(i)).setParameter(3 + i * 3, d[0]).setParameter(4 + i * 3, (int) d[1]);
                }
                @SuppressWarnings("unchecked")
                List<Object[]> rows = update.getResultList();
                Map<String, Object[]> changed = new HashMap<>();
                rows.forEach(r -> changed.put((String) r[0], r));
                for (String offerId : offerIds) {
                    Object[] r = changed.get(offerId);
                    if (r == null) {
                        throw CapacityTakenException.offer(offerId);
                    }
                    committed.add(() -> market.setReservation(OfferId.of(offerId), ((Number) r[1]).doubleValue(), ((Number) r[2]).intValue(),
                            ((Number) r[3]).longValue()));
                }
            }
            List<String> linkKeys = links.entrySet().stream().filter(e -> Math.abs(e.getValue()) > 1e-9).map(Map.Entry::getKey).toList();
            if (!linkKeys.isEmpty()) {
                lockInOrder("link", "link_key", linkKeys);
                StringBuilder values = new StringBuilder();
                for (int i = 0; i < linkKeys.size(); i++) {
                    int p = 2 + i * 2;
                    values.append(i == 0 ? "" : ", ").append("(CAST(?").append(p).append(" AS VARCHAR), CAST(?").append(p + 1)
                            .append(" AS DOUBLE PRECISION))");
                }
                var update = em.createNativeQuery("UPDATE link l SET reserved_mbps = GREATEST(0, l.reserved_mbps + d.mbps), "
                        + "version = l.version + 1, updated_at = ?1 FROM (VALUES " + values + ") AS d (link_key, mbps) WHERE l.link_key = d.link_key "
                        + "AND (d.mbps <= 0 OR l.reserved_mbps + d.mbps <= l.capacity_mbps + 1e-9) RETURNING l.link_key, l.reserved_mbps, l.version")
                        .setParameter(1, at);
                for (int i = 0; i < linkKeys.size(); i++) {
                    update.setParameter(2 + i * 2, linkKeys.get(i)).setParameter(3 + i * 2, links.get(linkKeys.get(i)));
                }
                @SuppressWarnings("unchecked")
                List<Object[]> rows = update.getResultList();
                Map<String, Object[]> changed = new HashMap<>();
                rows.forEach(r -> changed.put((String) r[0], r));
                for (String link : linkKeys) {
                    Object[] r = changed.get(link);
                    if (r == null) {
                        throw CapacityTakenException.link(link);
                    }
                    committed.add(() -> market.setLinkReservation(link, ((Number) r[1]).doubleValue(), ((Number) r[2]).longValue()));
                }
            }
        }

        /**
         * Locks the rows of {@code keys} (already in key order) in that order, so that every transaction takes them in
         * one global order; one row needs no statement of its own (the update locks it). Keys compare as Java strings
         * do, so the database sorts them by code point ({@code COLLATE "C"}). The lock is the one the update takes
         * ({@code FOR NO KEY UPDATE}), which does not wait for transactions that only insert rows referring to these
         * (a foreign key's {@code KEY SHARE}); {@code FOR UPDATE} would, and two orders on the same offers would deadlock.
         */
        private void lockInOrder(String table, String key, List<String> keys) {
            if (keys.size() < 2) {
                return;
            }
            StringBuilder in = new StringBuilder();
            for (int i = 0; i < keys.size(); i++) {
                in.append(i == 0 ? "?" : ", ?").append(i + 1);
            }
            var lock = em.createNativeQuery("SELECT " + key + " FROM " + table + " WHERE " + key + " IN (" + in + ") ORDER BY "
                    + key + " COLLATE \"C\" FOR NO KEY UPDATE");
            for (int i = 0; i < keys.size(); i++) {
                lock.setParameter(i + 1, keys.get(i));
            }
            lock.getResultList();
        }

        @Override
        public void afterCommit() {
            committed.forEach(Runnable::run);
        }
    }
}
