package org.chainmarket.broker.chain;

import org.chainmarket.schemas.model.Metric;
import org.chainmarket.schemas.model.SubjectKind;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.scheduling.annotation.Scheduled;
import org.chainmarket.broker.registry.HealthBook;
import org.chainmarket.broker.registry.MarketReadModel;
import org.chainmarket.broker.registry.Registry;
import org.chainmarket.broker.registry.Readvertised;
import org.chainmarket.broker.registry.Withdrawn;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.Substitution;
import org.chainmarket.selection.SelectionResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Keeps bought chains good. Monitoring's degradations go to the {@link HealthBook} (which selection reads); a
 * subject that is down or unfit is emptied (every chain on it re-selected in one batch), a hot one relieved
 * ({@link Relief}); the {@link Substituter} carries the results out. A reconcile loop catches chains that were being
 * set up or moved when their subject went down; a recovery turns chains DEGRADED on it ACTIVE again. Operators'
 * actions go to {@link Proposals}.
 */
@Context
public class SubstitutionService {
    private static final Logger LOG = LoggerFactory.getLogger(SubstitutionService.class);
    private final ChainTransactions tx;
    private final ChainQueries queries;
    private final MarketReadModel market;
    private final HealthBook health;
    private final Reselection reselection;
    private final Substituter substituter;
    private final Proposals proposals;
    private final double relieveTo;
    private final double latencyWeight;
    private final AckReadiness acks;
    private final Registry registry;
    private final Duration decisionGrace;
    /** Withdrawals announced before the domains' answers could be heard (at start): drained once they can. */
    private final Queue<Degraded> unheard = new ConcurrentLinkedQueue<>();

    SubstitutionService(ChainTransactions tx, ChainQueries queries, MarketReadModel market, HealthBook health, Reselection reselection,
                        Substituter substituter, Proposals proposals, AckReadiness acks, Registry registry,
                        @Value("${chainmarket.substitution.relieve-to}") double relieveTo,
                        @Value("${chainmarket.latency-weight}") double latencyWeight,
                        @Value("${chainmarket.substitution.decision-grace}") Duration decisionGrace) {
        this.tx = tx;
        this.queries = queries;
        this.market = market;
        this.health = health;
        this.reselection = reselection;
        this.substituter = substituter;
        this.proposals = proposals;
        this.relieveTo = relieveTo;
        this.latencyWeight = latencyWeight;
        this.acks = acks;
        this.registry = registry;
        this.decisionGrace = decisionGrace;
    }

    /**
     * A degradation event: its id (for the idempotent consumer), what it says, and the value under which monitoring
     * clears it (the level a hot subject is relieved to).
     */
    public record Degraded(String eventId, Substitution.Trigger trigger, double clearThreshold) {
    }

    /**
     * Monitoring reported degraded instances or links, possibly many at once (a failing site). A subject that is down
     * or unfit is left out of selection and emptied: every chain on it, over all the events, is re-selected in one
     * batch (with the first trigger that hit it). A hot subject stays open to orders and is relieved once per episode: on
     * the first of its degraded metrics that asks for chains to move (the load measured with an earlier one may still
     * have been under the level).
     */
    public void degraded(List<Degraded> events) {
        List<Degraded> empty = new ArrayList<>();
        List<Degraded> relieve = new ArrayList<>();
        for (Degraded e : events) {
            HealthBook.Change change = health.degraded(e.trigger());
            if (change.health() == MarketReadModel.Health.OUT) {
                empty.add(e);
            } else if (!change.relieved()) {
                relieve.add(e);
            }
        }
        empty(empty);
        relieve.forEach(this::relieve);
    }

    /** Every chain on the subjects (left out of selection already) is re-selected in one batch and moved. */
    private void empty(List<Degraded> empty) {
        Map<String, Affected> affected = new LinkedHashMap<>();
        Map<String, Substitution.Trigger> triggers = new HashMap<>();
        for (Degraded e : empty) {
            for (Affected a : tx.degrade(e.eventId(), e.trigger())) {
                affected.putIfAbsent(a.chainId(), a);
                triggers.putIfAbsent(a.chainId(), e.trigger());
            }
        }
        if (!affected.isEmpty()) {
            List<Affected> hit = List.copyOf(affected.values());
            substituter.substitute(hit, reselection.reselect(hit), triggers::get);
        }
    }

    /**
     * An offer or link left the market: the registry left it out of selection already (tracked as degraded,
     * {@code withdrawn}, which moving chains does not cure, until advertised again: it marks and clears that in the
     * order the database took the changes, so it is not marked here again), and every chain on it is moved
     * make-before-break (unless it was advertised again meanwhile); chains nothing fits stay DEGRADED on it until
     * something does. Announced while the
     * acknowledgement consumers hold no partition yet (at start, {@link AckReadiness}), it is drained by the reconcile
     * loop as soon as they do: a substitution whose answers could not be heard would fail its chain.
     */
    @EventListener
    void withdrawn(Withdrawn w) {
        Degraded d = new Degraded(UUID.randomUUID().toString(), w.trigger(Instant.now()), 0);
        if (acks.ready()) {
            empty(stillWithdrawn(List.of(d)));
        } else {
            unheard.add(d);
        }
    }

    /** The withdrawals whose subject is still withdrawn: one advertised again meanwhile keeps its chains. */
    private List<Degraded> stillWithdrawn(List<Degraded> withdrawals) {
        return withdrawals.stream().filter(d -> health.degradedBy(d.trigger().kind(), d.trigger().subjectId(), Registry.WITHDRAWN)).toList();
    }

    /**
     * A withdrawn offer or link is advertised again, and nothing else degrades it: chains left DEGRADED on it (nothing
     * fitted them, or their move waits for approval, its proposal superseded) are ACTIVE again, as on monitoring's
     * recovery.
     */
    @EventListener
    void readvertised(Readvertised r) {
        tx.recover(UUID.randomUUID().toString(), r.kind(), r.subjectId(), this::usesDegraded);
    }

    /** Moves the fewest chains off a hot subject that bring the load expected on it under its clear threshold. */
    private void relieve(Degraded e) {
        Substitution.Trigger t = e.trigger();
        List<Affected> on = queries.activeOn(t.kind(), t.subjectId());
        Optional<MarketReadModel.Load> load = market.load(t.kind(), t.subjectId());
        double shed = on.isEmpty() || load.isEmpty() ? 0 : Relief.mbpsToShed(t, e.clearThreshold(), relieveTo, load.get());
        if (shed <= 0) {
            return;
        }
        Map<String, SelectionResult> picked = Relief.pick(on, reselection.reselect(on), shed, latencyWeight);
        if (picked.isEmpty()) {
            return;
        }
        List<Affected> degraded = tx.degrade(e.eventId(), t, picked.keySet());
        health.relieved(t.kind(), t.subjectId());
        if (!degraded.isEmpty()) {
            substituter.substitute(degraded, degraded.stream().map(a -> picked.get(a.chainId())).toList(), chain -> t);
        }
    }

    /**
     * Re-checks ACTIVE chains against the subjects left out now: a chain that was being set up or substituted when
     * its instance or link went down (for example onto another instance of a failing site) is substituted too. So is
     * a chain left DEGRADED on such a subject with no decision for longer than the decision grace: the degradation's
     * transaction committed, but the re-selection that follows it was lost (the broker stopped in between, or it
     * failed); its event, processed once, is not applied again. Drains withdrawals announced before the domains could
     * be heard first; nothing is substituted while they cannot be. Then recovers chains left waiting on a withdrawn
     * subject advertised again ({@link #recoverAdvertisedAgain}).
     */
    @Scheduled(fixedDelay = "${chainmarket.substitution.reconcile-interval}", initialDelay = "2s")
    void reconcile() {
        if (!acks.ready()) {
            return;
        }
        List<Degraded> withdrawals = new ArrayList<>();
        for (Degraded d = unheard.poll(); d != null; d = unheard.poll()) {
            withdrawals.add(d);
        }
        if (!withdrawals.isEmpty()) {
            empty(stillWithdrawn(withdrawals));
        }
        for (Substitution.Trigger trigger : health.leftOut()) {
            if (substituter.stopped()) {
                return;
            }
            List<Affected> affected = tx.recheck(trigger, Instant.now().minus(decisionGrace));
            if (!affected.isEmpty()) {
                substituter.substitute(affected, reselection.reselect(affected), chain -> trigger);
            }
        }
        recoverAdvertisedAgain();
    }

    /**
     * Chains whose move, proposed on a withdrawal, still waits for approval though the withdrawn offer or link is
     * advertised again are ACTIVE again, as on {@link Readvertised}: that event comes only from the replica whose
     * {@link HealthBook} held the withdrawal's mark, and is lost when that replica stops before acting on it (or acting
     * on it failed). A chain recovers when everything it uses is in this replica's market, not left out and without a
     * degraded metric, and the database has its trigger advertised (this replica's view may lag a new withdrawal).
     * Recovering locks each chain and needs it DEGRADED, so replicas doing it at once recover it once; a chain being
     * substituted is not DEGRADED and is left alone.
     */
    void recoverAdvertisedAgain() {
        Map<Subject, Boolean> recoverable = new LinkedHashMap<>();
        for (ChainQueries.AwaitingApproval a : queries.awaitingApprovalAfterWithdrawal()) {
            Subject trigger = new Subject(a.withdrawal().kind(), a.withdrawal().subjectId());
            if (!recoverable.containsKey(trigger) && !leftOut(trigger.kind(), trigger.subjectId())
                    && !health.hasDegradedMetric(trigger.kind(), trigger.subjectId()) && !usesLeftOut(a.chain())) {
                recoverable.put(trigger, registry.advertised(trigger.kind(), trigger.subjectId()));
            }
        }
        recoverable.forEach((subject, advertised) -> {
            if (advertised) {
                LOG.info("{} {} was advertised again while chains waited DEGRADED on its withdrawal: recovering them",
                        subject.kind() == SubjectKind.INSTANCE ? "offer" : "link", subject.subjectId());
                tx.recover(UUID.randomUUID().toString(), subject.kind(), subject.subjectId(), this::usesLeftOut);
            }
        });
    }

    /** An offer (kind {@code INSTANCE}) or a link ({@code LINK}, {@code NetLink.key}). */
    private record Subject(SubjectKind kind, String subjectId) {
    }

    /**
     * Whether a chain uses an offer or crosses a link that this replica's market does not hold (withdrawn, or its
     * provider left out), leaves out of selection, or that has a degraded metric.
     */
    private boolean usesLeftOut(ConcreteChain chain) {
        return usesDegraded(chain)
                || chain.hops().stream().map(h -> h.offerId().value()).anyMatch(o -> leftOut(SubjectKind.INSTANCE, o))
                || Effects.linkLoad(chain, 1).keySet().stream().anyMatch(l -> leftOut(SubjectKind.LINK, l));
    }

    private boolean leftOut(SubjectKind kind, String subjectId) {
        return !market.inMarket(kind, subjectId) || health.health(kind, subjectId) == MarketReadModel.Health.OUT;
    }

    /**
     * Monitoring reported that a metric of a degraded instance or link is back within its threshold; once none of its
     * metrics is degraded any more, chains left DEGRADED on it become ACTIVE again.
     */
    public void recovered(String eventId, SubjectKind kind, String subjectId, Metric metric) {
        if (health.cleared(kind, subjectId, metric.wireName())) {
            tx.recover(eventId, kind, subjectId, this::usesDegraded);
        }
    }

    /** Whether a chain uses an offer or crosses a link that still has a degraded metric. */
    private boolean usesDegraded(ConcreteChain chain) {
        return chain.hops().stream().anyMatch(h -> health.hasDegradedMetric(SubjectKind.INSTANCE, h.offerId().value()))
                || Effects.linkLoad(chain, 1).keySet().stream().anyMatch(l -> health.hasDegradedMetric(SubjectKind.LINK, l));
    }

    // ---- operators (the REST API's calls) ----

    public Substitution approve(String id) {
        return proposals.approve(id);
    }

    public Substitution rollback(String id) {
        return proposals.rollback(id);
    }

    public Substitution acknowledge(String id, String operator) {
        return proposals.acknowledge(id, operator);
    }

    public Optional<Substitution> substitution(String id) {
        return queries.substitution(id);
    }

    /** Newest first; null filters filter nothing. */
    public List<Substitution> substitutions(String chainId, String provider, String triggerKind, Substitution.Status status, int limit) {
        return queries.substitutions(new ChainQueries.SubstitutionFilter(Optional.ofNullable(chainId), Optional.ofNullable(provider),
                Optional.ofNullable(triggerKind), Optional.ofNullable(status)), limit);
    }
}
