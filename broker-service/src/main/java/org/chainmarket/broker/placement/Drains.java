package org.chainmarket.broker.placement;

import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import io.micronaut.transaction.annotation.Transactional;
import org.chainmarket.broker.chain.SubstitutionService;
import org.chainmarket.broker.cluster.SweepLeader;
import org.chainmarket.broker.registry.HealthBook;
import org.chainmarket.schemas.model.InstanceCommand;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.SubjectKind;
import org.chainmarket.schemas.model.Substitution;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Instances the placement service drains (it stops or moves them). On every replica a drained instance is left out of
 * selection at once (the {@link HealthBook} holds a {@code PLACEMENT} trigger for it); on the replica that leads the
 * sweeps its chains are moved make-before-break by the substitution flow ({@link SubstitutionService#degraded}, the
 * path a withdrawn offer takes), with a trigger that is not fatal: a chain nothing fits yet stays on the draining
 * instance, which still runs. While it holds chains the move is tried again every
 * {@code chainmarket.placement.drain-retry} (a moved instance's replacement may still be booting). The instance's
 * stop (or its offer's withdrawal) ends the drain; advertising the offer again (a new price, the adapter's restart)
 * does not ({@link HealthBook#DRAINING}).
 */
@Singleton
public class Drains {
    private static final Logger LOG = LoggerFactory.getLogger(Drains.class);
    private final SubstitutionService substitutions;
    private final HealthBook health;
    private final SweepLeader leader;
    private final EntityManager em;
    private final Map<OfferId, Substitution.Trigger> draining = new ConcurrentHashMap<>();

    Drains(SubstitutionService substitutions, HealthBook health, SweepLeader leader, EntityManager em) {
        this.substitutions = substitutions;
        this.health = health;
        this.leader = leader;
        this.em = em;
    }

    /** A placement command read from Kafka: a drain starts moving the instance's chains, a stop ends the drain. */
    public void command(InstanceCommand c) {
        switch (c.operation()) {
            case DRAIN -> drain(c);
            case STOP -> draining.remove(c.offerId());
            case START -> { }
        }
    }

    /** The instances draining now. */
    public List<OfferId> draining() {
        return List.copyOf(draining.keySet());
    }

    private void drain(InstanceCommand c) {
        if (!advertised(c.offerId().value())) {
            // read again at start after the instance's stop withdrew its offer: that drain is over
            LOG.debug("placement drain of {} ({}): the offer is withdrawn or unknown", c.offerId(), c.planId());
            return;
        }
        Substitution.Trigger t = new Substitution.Trigger(SubjectKind.PLACEMENT, c.offerId().value(), c.providerId().value(),
                null, null, null, false, Instant.now(), List.of());
        draining.put(c.offerId(), t);
        health.degraded(t);
        LOG.info("placement drains {} ({}): {}", c.offerId(), c.planId(), c.reason());
        move(t);
    }

    /** Moves the chains still on draining instances again; a drain whose offer was withdrawn meanwhile is over. */
    @Scheduled(fixedDelay = "${chainmarket.placement.drain-retry}", initialDelay = "${chainmarket.placement.drain-retry}")
    void retry() {
        for (Substitution.Trigger t : draining.values()) {
            if (!health.degradedBy(SubjectKind.INSTANCE, t.subjectId(), HealthBook.DRAINING)) {
                draining.remove(OfferId.of(t.subjectId()), t);
            } else if (held(t.subjectId()) > 0) {
                move(t);
            }
        }
    }

    private void move(Substitution.Trigger t) {
        if (!leader.leads()) {
            return;
        }
        try {
            substitutions.degraded(List.of(new SubstitutionService.Degraded(UUID.randomUUID().toString(), t, 0)));
        } catch (RuntimeException e) {
            LOG.warn("moving the chains off draining instance {} failed (tried again): {}", t.subjectId(), e.toString());
        }
    }

    /** Whether the offer is advertised (stored and not withdrawn). */
    @Transactional
    boolean advertised(String offerId) {
        return ((Number) em.createNativeQuery("SELECT COUNT(*) FROM offer WHERE id = ?1 AND NOT withdrawn")
                .setParameter(1, offerId).getSingleResult()).intValue() > 0;
    }

    @Transactional
    int held(String offerId) {
        return ((Number) em.createNativeQuery("SELECT COUNT(*) FROM chain_reservation WHERE offer_id = ?1")
                .setParameter(1, offerId).getSingleResult()).intValue();
    }
}
