package org.chainmarket.broker.chain;

import org.chainmarket.schemas.model.SubjectKind;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.model.ChainState;
import org.chainmarket.schemas.model.ConcreteChain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Loads chains whole (with their domains and pending substitution) and stores what their steps create. Must run
 * inside the caller's transaction; a chain loaded {@link #lock locked} stays locked until it commits.
 */
@Singleton
class Chains {
    private final EntityManager em;

    Chains(EntityManager em) {
        this.em = em;
    }

    /** The chain, locked (SELECT ... FOR UPDATE) so no acknowledgement, deadline or buyer changes it meanwhile. */
    Optional<ChainEntity> lock(String id) {
        return Optional.ofNullable(em.find(ChainEntity.class, id, LockModeType.PESSIMISTIC_WRITE)).map(this::attach);
    }

    /** The chain as committed, not locked. */
    Optional<ChainEntity> read(String id) {
        return Optional.ofNullable(em.find(ChainEntity.class, id)).map(this::attach);
    }

    /**
     * The newest chains, optionally only those in {@code state} and only {@code buyerId}'s, as committed, not locked:
     * in three queries whatever their number (the chains, their domains, their pending substitutions).
     */
    List<ChainEntity> newest(ChainState state, String buyerId, int limit) {
        List<ChainEntity> found = em.createQuery("SELECT c FROM ChainEntity c WHERE (:state IS NULL OR c.state = :state) "
                        + "AND (:buyer IS NULL OR c.buyerId = :buyer) ORDER BY c.createdAt DESC", ChainEntity.class)
                .setParameter("state", state).setParameter("buyer", buyerId).setMaxResults(limit).getResultList();
        if (found.isEmpty()) {
            return found;
        }
        Map<String, List<ChainDomainEntity>> domains = new HashMap<>();
        em.createQuery("SELECT d FROM ChainDomainEntity d WHERE d.key.chainId IN :ids ORDER BY d.key.providerId", ChainDomainEntity.class)
                .setParameter("ids", found.stream().map(ChainEntity::id).toList()).getResultList()
                .forEach(d -> domains.computeIfAbsent(d.chainId(), k -> new ArrayList<>()).add(d));
        List<String> substitutionIds = found.stream().map(ChainEntity::substitutionId).filter(Objects::nonNull).toList();
        Map<String, SubstitutionEntity> substitutions = new HashMap<>();
        if (!substitutionIds.isEmpty()) {
            em.createQuery("SELECT s FROM SubstitutionEntity s WHERE s.id IN :ids", SubstitutionEntity.class)
                    .setParameter("ids", substitutionIds).getResultList().forEach(x -> substitutions.put(x.id(), x));
        }
        found.forEach(c -> c.attach(domains.getOrDefault(c.id(), List.of()),
                c.substitutionId() == null ? null : substitutions.get(c.substitutionId())));
        return found;
    }

    /** Chains past their deadline, locked; those another transaction holds are skipped. */
    List<ChainEntity> overdue(Instant now, int limit) {
        @SuppressWarnings("unchecked")
        List<ChainEntity> overdue = em.createNativeQuery("SELECT * FROM chain WHERE state IN ('SETTING_UP', 'SUBSTITUTING', "
                        + "'TEARING_DOWN') AND deadline_at < ?1 ORDER BY deadline_at LIMIT ?2 FOR UPDATE SKIP LOCKED", ChainEntity.class)
                .setParameter(1, now).setParameter(2, limit).getResultList();
        overdue.forEach(this::attach);
        return overdue;
    }

    /** Ids, in order, of the chains holding the instance (offer id) or whose path crosses the link ({@code NetLink.key}). */
    List<String> using(SubjectKind kind, String subjectId) {
        if (kind.held() == SubjectKind.INSTANCE) {
            @SuppressWarnings("unchecked")
            List<String> ids = em.createNativeQuery("SELECT DISTINCT chain_id FROM chain_reservation WHERE offer_id = ?1 ORDER BY chain_id")
                    .setParameter(1, subjectId).getResultList();
            return ids;
        }
        List<String> out = new ArrayList<>();
        for (Object[] row : em.createQuery("SELECT c.id, c.concreteJson FROM ChainEntity c WHERE c.state IN :states ORDER BY c.id", Object[].class)
                .setParameter("states", List.of(ChainState.ACTIVE, ChainState.DEGRADED)).getResultList()) {
            if (Subjects.crosses(Json.read((String) row[1], ConcreteChain.class), subjectId)) {
                out.add((String) row[0]);
            }
        }
        return out;
    }

    Optional<SubstitutionEntity> substitution(String id, boolean locked) {
        return Optional.ofNullable(locked ? em.find(SubstitutionEntity.class, id, LockModeType.PESSIMISTIC_WRITE)
                : em.find(SubstitutionEntity.class, id));
    }

    /**
     * Persists the rows the steps created (the chain itself first) and writes them out, so the ledger's statements that
     * follow see them; they are then managed like loaded ones. With none created, nothing is written here: what the
     * steps changed is written before the next statement or at the commit.
     */
    void persist(Effects fx) {
        if (fx.created.isEmpty()) {
            return;
        }
        fx.created.forEach(em::persist);
        fx.created.clear();
        em.flush();
    }

    /** Writes pending changes out and lets the loaded chains go, so a long batch costs the same per chain. */
    void release() {
        em.flush();
        em.clear();
    }

    private ChainEntity attach(ChainEntity c) {
        List<ChainDomainEntity> domains = em.createQuery("SELECT d FROM ChainDomainEntity d WHERE d.key.chainId = :id "
                + "ORDER BY d.key.providerId", ChainDomainEntity.class).setParameter("id", c.id()).getResultList();
        c.attach(domains, c.substitutionId() == null ? null : em.find(SubstitutionEntity.class, c.substitutionId()));
        return c;
    }
}
