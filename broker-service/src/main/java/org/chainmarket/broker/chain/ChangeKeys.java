package org.chainmarket.broker.chain;

import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.model.ChainChange;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The Idempotency-Keys of buyers' accepted changes ({@code chain_change}), stored in the change's own transaction. */
@Singleton
class ChangeKeys {
    private final EntityManager em;

    ChangeKeys(EntityManager em) {
        this.em = em;
    }

    /** A change the key already named: its chain and body. */
    record Named(String chainId, ChainChange change) {
    }

    @Transactional
    public Optional<Named> find(String buyerId, String key) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT chain_id, change_json FROM chain_change WHERE buyer_id = ?1 AND idempotency_key = ?2")
                .setParameter(1, buyerId).setParameter(2, key).getResultList();
        return rows.stream().findFirst().map(r -> new Named((String) r[0], Json.read((String) r[1], ChainChange.class)));
    }

    /** Stores the key with its change; must run in the change's transaction. */
    void remember(String buyerId, String key, String chainId, ChainChange change) {
        em.createNativeQuery("INSERT INTO chain_change (buyer_id, idempotency_key, chain_id, change_json, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")
                .setParameter(1, buyerId).setParameter(2, key).setParameter(3, chainId).setParameter(4, Json.text(change))
                .setParameter(5, Instant.now()).executeUpdate();
    }
}
