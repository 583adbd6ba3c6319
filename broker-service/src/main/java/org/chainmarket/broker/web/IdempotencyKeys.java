package org.chainmarket.broker.web;

import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.util.List;
import java.util.Optional;

/**
 * Finds the chain a buyer's {@code Idempotency-Key} already names. The key is stored with the chain in the order's
 * own transaction (a unique index per buyer), so a retried order finds it whenever the first one was stored.
 */
@Singleton
public class IdempotencyKeys {
    /** A key: 1-255 visible ASCII characters. */
    static final int MAX_LENGTH = 255;
    private final EntityManager em;

    public IdempotencyKeys(EntityManager em) {
        this.em = em;
    }

    /** The header's value checked, or null when the order carries none. */
    static String check(String header) {
        if (header == null) {
            return null;
        }
        if (header.isEmpty() || header.length() > MAX_LENGTH || !header.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw Params.invalid("Idempotency-Key", "must be 1-" + MAX_LENGTH + " visible ASCII characters (a UUID, for example)");
        }
        return header;
    }

    @Transactional
    @SuppressWarnings("unchecked")
    public Optional<String> chainOf(String buyerId, String key) {
        List<String> ids = em.createNativeQuery("SELECT id FROM chain WHERE buyer_id = ?1 AND idempotency_key = ?2")
                .setParameter(1, buyerId).setParameter(2, key).getResultList();
        return ids.stream().findFirst();
    }
}
