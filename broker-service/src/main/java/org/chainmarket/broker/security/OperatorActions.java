package org.chainmarket.broker.security;

import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.List;

/** The log of what operators did to substitutions (approve, roll back, acknowledge), each attributed to its account. */
@Singleton
public class OperatorActions {
    private final EntityManager em;

    public OperatorActions(EntityManager em) {
        this.em = em;
    }

    /** One action: who, what, on which substitution, the HTTP status it was answered with, and why when refused. */
    public record Action(Instant at, String operator, String action, String substitutionId, int status, String detail) {
    }

    @Transactional
    public void record(Caller operator, String action, String substitutionId, int status, String detail) {
        em.createNativeQuery("INSERT INTO operator_action (at, username, action, substitution_id, status, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                .setParameter(1, Instant.now()).setParameter(2, operator.username()).setParameter(3, action)
                .setParameter(4, substitutionId).setParameter(5, status).setParameter(6, detail).executeUpdate();
    }

    /** A substitution's actions, oldest first. */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<Action> of(String substitutionId) {
        List<Object[]> rows = em.createNativeQuery("SELECT at, username, action, substitution_id, status, detail FROM operator_action "
                + "WHERE substitution_id = ?1 ORDER BY at, id").setParameter(1, substitutionId).getResultList();
        return rows.stream().map(r -> new Action(toInstant(r[0]), (String) r[1], (String) r[2], (String) r[3],
                ((Number) r[4]).intValue(), (String) r[5])).toList();
    }

    private static Instant toInstant(Object o) {
        if (o instanceof Instant i) {
            return i;
        }
        if (o instanceof java.time.OffsetDateTime t) {
            return t.toInstant();
        }
        return ((java.sql.Timestamp) o).toInstant();
    }
}
