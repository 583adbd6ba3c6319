package org.chainmarket.broker.chain;

import org.chainmarket.schemas.model.SubjectKind;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import org.chainmarket.broker.outbox.Outbox;
import org.chainmarket.broker.outbox.ProcessedMessages;
import org.chainmarket.broker.reconcile.ReportedFlows;
import org.chainmarket.broker.usage.UsageLedger;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.ChainState;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.Substitution;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The chain saga's transactions, and nothing else: each loads the chains it changes (locked, in id order when
 * several), runs their steps ({@link ChainEntity}), and stores what the steps caused: new rows, outbox messages and
 * reservations ({@link ReservationLedger}, whose counters change just before the commit and reach the read model
 * after it). Consumers' events are applied once ({@link ProcessedMessages}).
 */
@Singleton
public class ChainTransactions {
    static final String ACK_CONSUMER = "chain-acks";
    static final String DEGRADATION_CONSUMER = "degradations";
    private final Chains chains;
    private final Outbox outbox;
    private final ReservationLedger ledger;
    private final ProcessedMessages processed;
    private final CommandDelivery delivery;
    private final DomainOutcomes outcomes;
    private final UsageLedger usage;
    private final ReportedFlows reported;

    ChainTransactions(Chains chains, Outbox outbox, ReservationLedger ledger, ProcessedMessages processed, CommandDelivery delivery,
                      DomainOutcomes outcomes, UsageLedger usage, ReportedFlows reported) {
        this.reported = reported;
        this.chains = chains;
        this.outbox = outbox;
        this.ledger = ledger;
        this.processed = processed;
        this.delivery = delivery;
        this.outcomes = outcomes;
        this.usage = usage;
    }

    /** A domain's acknowledgement and the id of the event that carried it. */
    public record Ack(String eventId, DomainAck ack) {
    }

    /** One automatic substitution to start. */
    public record Start(String chainId, Substitution.Trigger trigger, ConcreteChain after, Substitution.Policy policy) {
    }

    @Transactional
    public void reject(ChainId id, ChainOrder order, String reason, String idempotencyKey) {
        Effects fx = new Effects();
        ChainEntity.rejected(id, order, reason, Instant.now(), fx).keyedBy(idempotencyKey);
        store(fx);
    }

    /**
     * Reserves, stores the chain SETTING_UP and commands its domains; {@link CapacityTakenException} when a concurrent
     * order was first. Returns the chain as buyers read it once this commits, built from what the transaction holds (no
     * read after the write): none of its commands is published yet and no domain has reported it.
     */
    @Transactional
    public ChainView start(ChainId id, ChainOrder order, ConcreteChain chain, Duration timeout, String idempotencyKey) {
        Instant now = stored(Instant.now());
        Effects fx = new Effects();
        ChainEntity c = ChainEntity.settingUp(id, order, chain, timeout, now, fx);
        c.keyedBy(idempotencyKey);
        store(fx);
        return ChainQueries.view(c, delivery.waiting(c, now), Map.of());
    }

    /** Applies acknowledgements, each once; the caller orders them by chain, so chains are locked in id order. */
    @Transactional
    public void acknowledge(List<Ack> acks) {
        for (Ack a : acks) {
            if (processed.firstTime(ACK_CONSUMER, a.eventId())) {
                chains.lock(a.ack().chainId().value()).ifPresent(c -> {
                    Effects fx = new Effects();
                    c.acknowledge(a.ack(), Instant.now(), fx);
                    store(fx);
                });
            }
            chains.release();
        }
    }

    /**
     * The buyer ends a chain; returns it as buyers read it once this commits (built in the transaction), empty when it
     * is unknown or another buyer's (then nothing changes).
     */
    @Transactional
    public Optional<ChainView> requestTeardown(ChainId id, String buyerId, Duration timeout) {
        Instant now = stored(Instant.now());
        return chains.lock(id.value()).filter(c -> c.buyerId().equals(buyerId)).map(c -> {
            Effects fx = new Effects();
            c.requestTeardown(timeout, now, fx);
            store(fx);
            return ChainQueries.view(c, delivery.waiting(c, now), reported.load(c.id()));
        });
    }

    /**
     * {@code now} at the precision PostgreSQL stores (microseconds), for a chain whose view is built from the
     * transaction: it then shows the times a later read shows.
     */
    private static Instant stored(Instant now) {
        return now.truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * Looks at up to {@code limit} chains past their deadline: those whose domains waited past their delivery
     * deadlines end, the others get their next deadline. Returns how many were looked at.
     */
    @Transactional
    public int expireOverdue(Instant now, int limit) {
        List<ChainEntity> overdue = chains.overdue(now, limit);
        Delivery clock = delivery.now(overdue.stream().flatMap(c -> c.domains().stream()).map(ChainDomainEntity::commandId).toList(), now);
        Effects fx = new Effects();
        overdue.forEach(c -> c.expire(now, clock, fx));
        store(fx);
        delivery.purge(now);
        return overdue.size();
    }

    /**
     * Applies a degradation event once: chains on the subject turn DEGRADED, awaiting a decision (recorded by the
     * caller's re-selection, in later transactions); returns them for re-selection.
     */
    @Transactional
    public List<Affected> degrade(String eventId, Substitution.Trigger trigger) {
        return processed.firstTime(DEGRADATION_CONSUMER, eventId) ? degradeOn(trigger, id -> true, null) : List.of();
    }

    /** As {@link #degrade(String, Substitution.Trigger)}, for only the chains {@code picked} (relieving a hot subject). */
    @Transactional
    public List<Affected> degrade(String eventId, Substitution.Trigger trigger, Collection<String> picked) {
        return processed.firstTime(DEGRADATION_CONSUMER, eventId) ? degradeOn(trigger, picked::contains, null) : List.of();
    }

    /**
     * Re-checks chains against a subject still left out (no event): ACTIVE ones on it turn DEGRADED, and DEGRADED ones
     * awaiting a decision since before {@code undecidedBefore} (the degradation was applied, its re-selection lost) are
     * taken again; both are returned for re-selection. Chains with a decision recorded (a proposal, no alternative) or
     * being substituted are left alone.
     */
    @Transactional
    public List<Affected> recheck(Substitution.Trigger trigger, Instant undecidedBefore) {
        return degradeOn(trigger, id -> true, undecidedBefore);
    }

    /** {@code undecidedBefore} null: every chain on the subject (an event); else as {@link #recheck}. */
    private List<Affected> degradeOn(Substitution.Trigger trigger, Predicate<String> which, Instant undecidedBefore) {
        List<Affected> out = new ArrayList<>();
        Effects fx = new Effects();
        for (String id : chains.using(trigger.kind(), trigger.subjectId())) {
            if (!which.test(id)) {
                continue;
            }
            chains.lock(id).filter(c -> undecidedBefore == null || c.state() == ChainState.ACTIVE || c.undecidedSince(undecidedBefore))
                    .filter(c -> c.degrade(trigger, Instant.now(), fx)).ifPresent(c -> out.add(Affected.of(c)));
        }
        store(fx);
        return out;
    }

    /** Applies a recovery event once: DEGRADED chains on the subject that use nothing else degraded are ACTIVE again. */
    @Transactional
    public void recover(String eventId, SubjectKind kind, String subjectId, Predicate<ConcreteChain> stillDegraded) {
        if (!processed.firstTime(DEGRADATION_CONSUMER, eventId)) {
            return;
        }
        Effects fx = new Effects();
        for (String id : chains.using(kind, subjectId)) {
            chains.lock(id).ifPresent(c -> c.recover(kind, subjectId, c.concrete() != null && stillDegraded.test(c.concrete()), Instant.now(), fx));
        }
        store(fx);
    }

    @Transactional
    public void propose(String chainId, Substitution.Trigger trigger, ConcreteChain after) {
        change(chainId, (c, fx) -> c.propose(trigger, after, Instant.now(), fx));
    }

    /** Starts one substitution; {@link CapacityTakenException} when a new hop's capacity was taken first. */
    @Transactional
    public void substitute(Start s, Duration timeout) {
        change(s.chainId(), (c, fx) -> c.substitute(s.trigger(), s.after(), s.policy(), timeout, Instant.now(), fx));
    }

    /**
     * Starts many automatic substitutions in one transaction, chains in the given order (after a site failure many
     * chains move to the same few offers: one commit instead of hundreds queueing on those offers' rows). All or
     * nothing: the caller starts them one by one when the batch fails.
     */
    @Transactional
    public void substituteAll(List<Start> starts, Duration timeout) {
        for (Start s : starts) {
            change(s.chainId(), (c, fx) -> c.substitute(s.trigger(), s.after(), s.policy(), timeout, Instant.now(), fx));
            chains.release();
        }
    }

    /** Installs an approved proposal; {@link OperationConflictException} when the chain moved on. */
    @Transactional
    public void approve(String chainId, String proposalId, ConcreteChain after, Duration timeout) {
        change(chainId, (c, fx) -> c.approve(proposalId, after, timeout, Instant.now(), fx));
    }

    /** Moves a chain back to the hops before {@code rollbackOf}; {@link OperationConflictException} when it is not ACTIVE. */
    @Transactional
    public void rollBack(String chainId, String rollbackOf, ConcreteChain before, Substitution.Trigger operator, Duration timeout) {
        change(chainId, (c, fx) -> c.rollBack(rollbackOf, before, operator, timeout, Instant.now(), fx));
    }

    @Transactional
    public void noAlternative(String chainId, Substitution.Trigger trigger, Substitution.Policy policy, String reason) {
        change(chainId, (c, fx) -> c.noAlternative(trigger, policy, reason, Instant.now(), fx));
    }

    /** The order and chain {@code chainId} holds now (as re-selection needs them); empty when unknown or never selected. */
    @Transactional
    public Optional<Affected> held(String chainId) {
        return chains.read(chainId).filter(c -> c.concrete() != null).map(Affected::of);
    }

    /**
     * A buyer's change that the chain's hops and path still meet: capacity re-reserved in place, then
     * {@code alsoInTransaction} (the change's Idempotency-Key). {@link OperationConflictException} when the chain moved
     * on since {@code expected}; {@link CapacityTakenException} when a concurrent order took the capacity first.
     */
    @Transactional
    public void changeInPlace(String chainId, ConcreteChain expected, ChainOrder changed, ConcreteChain repriced, Runnable alsoInTransaction) {
        change(chainId, (c, fx) -> {
            unchanged(c, expected);
            c.changeInPlace(changed, repriced, Instant.now(), fx);
        });
        alsoInTransaction.run();
    }

    /** A buyer's change its hops cannot meet: switched to {@code after} make-before-break, as a BUYER-triggered substitution. */
    @Transactional
    public void changeBySubstitution(String chainId, ConcreteChain expected, ChainOrder changed, ConcreteChain after, Duration timeout,
                                     Runnable alsoInTransaction) {
        change(chainId, (c, fx) -> {
            unchanged(c, expected);
            c.changeBySubstitution(changed, after, timeout, Instant.now(), fx);
        });
        alsoInTransaction.run();
    }

    /**
     * A chain over its latency bound (trigger kind SLA), as it was re-selected from {@code expected}: switched to
     * {@code after} (or proposed, by its policy), or, {@code after} null, recorded as having no substitute ({@code why}).
     * {@code alsoInTransaction} then records it on the SLA period (it throws to undo everything when the period was acted
     * on already). {@link OperationConflictException} when the chain moved on; {@link CapacityTakenException} when a
     * new hop's capacity was taken first.
     */
    @Transactional
    public Substitution overBound(String chainId, ConcreteChain expected, Substitution.Trigger trigger, ConcreteChain after,
                                  Substitution.Policy policy, String why, Duration timeout, java.util.function.Consumer<Substitution> alsoInTransaction) {
        ChainEntity c = chains.lock(chainId).orElseThrow(() -> new NotFoundException("chain", chainId));
        unchanged(c, expected);
        Effects fx = new Effects();
        SubstitutionEntity s = after == null ? c.noneMeetsBound(trigger, policy, why, Instant.now(), fx)
                : c.substituteOverBound(trigger, after, policy, timeout, Instant.now(), fx);
        Substitution record = s.toRecord();
        store(fx);
        alsoInTransaction.accept(record);
        return record;
    }

    private static void unchanged(ChainEntity c, ConcreteChain expected) {
        if (c.state() != ChainState.ACTIVE || !c.concrete().hops().equals(expected.hops()) || !c.concrete().path().equals(expected.path())) {
            throw new OperationConflictException("Chain " + c.id() + " is " + c.state() + " and changed while the change was worked out; "
                    + "it runs on as it is.");
        }
    }

    /** Records an operator's acknowledgement of a substitution; empty when it is unknown. */
    @Transactional
    public Optional<Substitution> acknowledgeSubstitution(String id, String operator) {
        return chains.substitution(id, true).map(s -> {
            s.acknowledge(operator, Instant.now());
            Effects fx = new Effects();
            fx.acknowledged(s.toRecord());
            store(fx);
            return s.toRecord();
        });
    }

    /** A step of one chain. */
    private interface Step {
        void apply(ChainEntity chain, Effects fx);
    }

    private void change(String chainId, Step step) {
        ChainEntity c = chains.lock(chainId).orElseThrow(() -> new NotFoundException("chain", chainId));
        Effects fx = new Effects();
        step.apply(c, fx);
        store(fx);
    }

    /** Stores what steps caused: rows, outbox messages, reservations, usage segments. */
    void store(Effects fx) {
        chains.persist(fx);
        // a command's event id is its command id: the relay reports which commands reached Kafka by it
        outcomes.record(fx);
        fx.messages.forEach(m -> outbox.append(m.payload() instanceof DomainCommand c ? c.commandId() : UUID.randomUUID().toString(),
                m.type(), "chain", m.chainId(), m.payload()));
        fx.messages.clear();
        ledger.record(fx);
        usage.record(fx.carrying);
    }
}
