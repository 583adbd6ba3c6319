package org.chainmarket.broker.sla;

import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.chainmarket.broker.chain.SlaSubstituter;
import org.chainmarket.broker.cluster.SweepLeader;
import org.chainmarket.broker.usage.UsageClock;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.Substitution;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A chain in violation is what substitution acts on: every {@code chainmarket.sla.interval}, on the replica that leads
 * the sweeps, each open violation period older than {@code chainmarket.sla.substitute-after} and not acted on yet, of
 * an ACTIVE chain still over its bound, is handed to the {@link SlaSubstituter} once; what it did is written on the
 * period ({@code acted_at}, {@code substitution_id}, {@code action}) in the same transaction as the chain's step, and
 * only if nobody wrote it first, so each period is acted on once whichever replica, retry or restart comes next.
 */
@Singleton
public class SlaEnforcement {
    private static final Logger LOG = LoggerFactory.getLogger(SlaEnforcement.class);
    private static final int BATCH = 100;
    private final EntityManager em;
    private final SlaMonitor monitor;
    private final SlaSubstituter substituter;
    private final SweepLeader leader;
    private final Clock clock;
    private final Duration grace;

    public SlaEnforcement(EntityManager em, SlaMonitor monitor, SlaSubstituter substituter, SweepLeader leader,
                          @Named(UsageClock.NAME) Clock clock, @Value("${chainmarket.sla.substitute-after:5s}") Duration grace) {
        this.em = em;
        this.monitor = monitor;
        this.substituter = substituter;
        this.leader = leader;
        this.clock = clock;
        this.grace = grace;
    }

    @Scheduled(fixedDelay = "${chainmarket.sla.interval:1s}", initialDelay = "3s")
    void sweep() {
        if (!leader.leads()) {
            return;
        }
        try {
            act(clock.instant());
        } catch (RuntimeException e) {
            LOG.warn("acting on SLA violations failed (tried again on the next sweep): {}", e.toString());
        }
    }

    /** An open period due to be acted on, with its chain's bound and hops and path now. */
    record Due(String periodId, String chainId, double boundMs, ConcreteChain chain) {
    }

    /** Acts on every period due at {@code now}; returns the substitutions recorded. */
    public List<Substitution> act(Instant now) {
        return due(now).stream().map(this::act).flatMap(Optional::stream).toList();
    }

    private Optional<Substitution> act(Due d) {
        Optional<MeasuredLatency.Result> m = monitor.measure(d.chain());
        if (m.isEmpty() || m.get().latencyMs() <= d.boundMs() + 1e-9) {
            return Optional.empty(); // back within its bound: the monitor closes the period
        }
        Optional<Substitution> done = substituter.act(new SlaSubstituter.OverBound(d.chainId(), m.get().latencyMs(), d.boundMs(), m.get().worst()),
                c -> monitor.measure(c).map(MeasuredLatency.Result::latencyMs).orElse(Double.POSITIVE_INFINITY),
                (sub, words) -> record(d.periodId(), sub, words));
        done.ifPresent(s -> LOG.info("chain {} over its {} ms bound ({} ms, slowest part {}): substitution {} {}", d.chainId(), d.boundMs(),
                m.get().latencyMs(), m.get().worst(), s.substitutionId(), s.status()));
        return done;
    }

    @Transactional
    List<Due> due(Instant now) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT v.id, v.chain_id, v.bound_ms, c.concrete_json FROM sla_violation v "
                        + "JOIN chain c ON c.id = v.chain_id WHERE v.ended_at IS NULL AND v.acted_at IS NULL AND v.started_at <= ?1 "
                        + "AND c.state = 'ACTIVE' AND c.concrete_json IS NOT NULL ORDER BY v.started_at LIMIT " + BATCH)
                .setParameter(1, now.minus(grace)).getResultList();
        return rows.stream().map(r -> new Due((String) r[0], (String) r[1], ((Number) r[2]).doubleValue(),
                Json.read((String) r[3], ConcreteChain.class))).toList();
    }

    /** Writes what was done on the period, in the chain step's transaction; false when it was acted on (or closed) first. */
    private boolean record(String periodId, Substitution sub, String words) {
        return em.createNativeQuery("UPDATE sla_violation SET acted_at = ?2, substitution_id = ?3, action = ?4 "
                        + "WHERE id = ?1 AND acted_at IS NULL AND ended_at IS NULL")
                .setParameter(1, periodId).setParameter(2, clock.instant()).setParameter(3, sub.substitutionId())
                .setParameter(4, words.length() > 2000 ? words.substring(0, 1997) + "..." : words).executeUpdate() == 1;
    }
}
