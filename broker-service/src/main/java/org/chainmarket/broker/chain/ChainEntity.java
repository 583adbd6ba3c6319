package org.chainmarket.broker.chain;

import org.chainmarket.schemas.model.SubjectKind;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import org.chainmarket.broker.usage.Carriage;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.model.ChainEvent;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.ChainState;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.Substitution;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import static org.chainmarket.broker.chain.ChainDomainEntity.Status.*;
import static org.chainmarket.schemas.model.ChainState.*;

/**
 * A bought chain and its lifecycle: the order, the selected concrete chain, its domains and its pending substitution.
 * Every change is a step below that checks the state it leaves, and writes what it causes (commands, events,
 * capacity taken or given back) to an {@link Effects}; nothing else sets its fields. The steps touch no database, so
 * they are tested alone; {@link ChainTransactions} loads the chain locked, runs a step and stores the effects.
 */
@Entity
@Table(name = "chain")
public class ChainEntity {
    @Id
    private String id;
    @Column(name = "buyer_id") private String buyerId;
    @Enumerated(EnumType.STRING) private ChainState state;
    private String reason;
    @Column(name = "order_json") private String orderJson;
    @Column(name = "concrete_json") private String concreteJson;
    @Column(name = "bandwidth_mbps") private double bandwidthMbps;
    @Column(name = "latency_ms") private Double latencyMs;
    @Column(name = "price_per_hour") private Double pricePerHour;
    @Column(name = "created_at") private Instant createdAt;
    @Column(name = "updated_at") private Instant updatedAt;
    @Column(name = "activated_at") private Instant activatedAt;
    @Column(name = "deadline_at") private Instant deadlineAt;
    /** The substitution being applied or waiting for approval, if any. */
    @Column(name = "substitution_id") private String substitutionId;
    /**
     * Since when the chain is DEGRADED with no decision recorded on it yet (re-selection and then a substitution, a
     * proposal or "no alternative" follow the degradation's transaction in their own); null once one is, or when it is
     * not DEGRADED. The reconcile loop decides for a chain left waiting past a grace period (the broker stopped or the
     * decision failed in between).
     */
    @Column(name = "awaiting_decision_since") private Instant awaitingDecisionSince;
    /** The buyer's Idempotency-Key of the order, if it carried one (unique per buyer, stored with the chain). */
    @Column(name = "idempotency_key") private String idempotencyKey;
    /** The chain's domains, attached when the chain is loaded. */
    @Transient private ChainDomains domains;
    /** The substitution {@link #substitutionId} names, attached when the chain is loaded. */
    @Transient private SubstitutionEntity substitution;
    @Transient private ConcreteChain concrete;

    protected ChainEntity() {
    }

    /** An order no selection can satisfy, stored as REJECTED. */
    static ChainEntity rejected(ChainId id, ChainOrder order, String why, Instant now, Effects fx) {
        ChainEntity c = ordered(id, order, ChainState.REJECTED, now, fx);
        c.reason = why;
        c.announce(fx);
        return c;
    }

    /** An order selected as {@code chain}: every hop and link is reserved and each crossed domain told to set up. */
    static ChainEntity settingUp(ChainId id, ChainOrder order, ConcreteChain chain, Duration timeout, Instant now, Effects fx) {
        ChainEntity c = ordered(id, order, SETTING_UP, now, fx);
        c.setConcrete(chain);
        c.deadlineAt = now.plus(timeout);
        fx.holdAll(c.id, chain, c.bandwidthMbps);
        DomainCommands.segmentsByProvider(chain).forEach((provider, segments) ->
                c.domains.setUp(provider.value(), segments, c.bandwidthMbps, c.deadlineAt, now, fx));
        c.announce(fx);
        return c;
    }

    private static ChainEntity ordered(ChainId id, ChainOrder order, ChainState state, Instant now, Effects fx) {
        ChainEntity c = new ChainEntity();
        c.id = id.value();
        c.buyerId = order.buyerId();
        c.state = state;
        c.orderJson = Json.text(order);
        c.bandwidthMbps = order.bandwidthMbps();
        c.createdAt = now;
        c.updatedAt = now;
        c.domains = new ChainDomains(c.id, List.of());
        fx.created.add(c);
        return c;
    }

    /** Gives the chain, as loaded, its domains and the substitution it names. */
    void attach(List<ChainDomainEntity> loadedDomains, SubstitutionEntity pending) {
        this.domains = new ChainDomains(id, loadedDomains);
        this.substitution = pending;
    }

    /**
     * Applies a domain's answer. False, changing nothing, when it is not the answer that domain waits for: a
     * duplicate, an answer to an older command, or one that arrives after the chain moved on.
     */
    boolean acknowledge(DomainAck ack, Instant now, Effects fx) {
        ChainDomainEntity d = domains.get(ack.providerId().value());
        if (d == null || !d.awaits(ack)) {
            return false;
        }
        fx.outcome(d.providerId(), ack.success() || ack.operation() != DomainCommand.Operation.SETUP, "refused: " + ack.reason());
        if (ack.operation() == DomainCommand.Operation.SETUP && !ack.success()) {
            d.refused(ack.reason(), now);
            if (state == SETTING_UP) {
                fail("Provider " + d.providerId() + " could not set up its segment: " + ack.reason(), now, fx);
            } else if (state == SUBSTITUTING) {
                fail("Provider " + d.providerId() + " could not install the substitution: " + ack.reason(), now, fx);
            }
        } else if (ack.operation() == DomainCommand.Operation.SETUP) {
            d.installed(ack.flowEntries(), now);
            boolean allInstalled = domains.none(INSTALLING);
            if (allInstalled && state == SETTING_UP) {
                state = ACTIVE;
                activatedAt = now;
                deadlineAt = null;
                updatedAt = now;
                // its first activation: it has never carried traffic, so it has no usage segment yet
                announce(fx, false);
            } else if (allInstalled && state == SUBSTITUTING) {
                completeSubstitution(now, fx);
            }
        } else {
            d.removed(ack.success(), ack.reason(), now);
            if (state == TEARING_DOWN && domains.all(REMOVED)) {
                terminate(domains.removalProblems(), now, fx);
            }
        }
        return true;
    }

    /** The buyer ends the chain: every domain is told to remove its segments. False when it holds nothing or is already ending. */
    boolean requestTeardown(Duration timeout, Instant now, Effects fx) {
        if (!state.holdsCapacity() || state == TEARING_DOWN) {
            return false;
        }
        endSubstitution(Substitution.Status.SUPERSEDED, "The buyer ended the chain.", now, fx);
        state = TEARING_DOWN;
        awaitingDecisionSince = null;
        updatedAt = now;
        deadlineAt = now.plus(timeout);
        domains.send(d -> !d.is(REMOVED), DomainCommand.Operation.TEARDOWN, bandwidthMbps, deadlineAt, now, fx);
        announce(fx);
        if (domains.all(REMOVED)) {
            terminate(null, now, fx);
        }
        return true;
    }

    /**
     * The deadline sweep: a chain whose domains waited past their {@link Delivery} deadlines ends. One still setting
     * up or substituting fails (naming the domains that did not answer) and is rolled back; one tearing down is
     * terminated, naming those that did not confirm. A chain still within them gets its next deadline; false then.
     */
    boolean expire(Instant now, Delivery delivery, Effects fx) {
        if (!(state == SETTING_UP || state == SUBSTITUTING || state == TEARING_DOWN)) {
            return false;
        }
        ChainDomainEntity.Status waiting = state == TEARING_DOWN ? REMOVING : INSTALLING;
        List<ChainDomainEntity> waitingOn = domains.all().stream().filter(d -> d.is(waiting)).toList();
        List<ChainDomainEntity> late = waitingOn.stream().filter(d -> delivery.late(d, now)).toList();
        if (late.isEmpty()) {
            deadlineAt = delivery.nextCheck(waitingOn, now);
            return false;
        }
        String who = "Provider " + late.stream().map(ChainDomainEntity::providerId).collect(Collectors.joining(", "));
        String within = delivery.within(late);
        late.forEach(d -> fx.outcome(d.providerId(), false, "did not answer" + within));
        if (state == TEARING_DOWN) {
            terminate(who + " did not confirm removal" + within, now, fx);
        } else {
            fail(who + " did not acknowledge " + (state == SETTING_UP ? "the set-up" : "the substitution") + within, now, fx);
        }
        return true;
    }

    /**
     * Something the chain uses degraded: an ACTIVE chain turns DEGRADED. True when the chain is now DEGRADED on it
     * (to be re-selected), and then awaiting a decision from {@code now} on; a chain in set-up, substitution or
     * tear-down is left to finish (the reconcile loop sees it once it is ACTIVE), and one that no longer uses the
     * subject is left alone.
     */
    boolean degrade(Substitution.Trigger t, Instant now, Effects fx) {
        if ((state != ACTIVE && state != DEGRADED) || !Subjects.uses(concrete(), t.kind(), t.subjectId())) {
            return false;
        }
        if (state == ACTIVE) {
            state = DEGRADED;
            reason = Prose.trigger(t);
            updatedAt = now;
            announce(fx);
        }
        awaitingDecisionSince = now;
        return true;
    }

    /**
     * Whether the chain is DEGRADED with no decision recorded since before {@code before}: its re-selection was lost
     * (the broker stopped, or it failed, after the chain turned DEGRADED).
     */
    boolean undecidedSince(Instant before) {
        return state == DEGRADED && awaitingDecisionSince != null && awaitingDecisionSince.isBefore(before);
    }

    /**
     * A subject the chain was degraded on recovered: with nothing else of it degraded ({@code stillDegraded} false)
     * the chain is ACTIVE again and a proposal still waiting for approval is superseded.
     */
    boolean recover(SubjectKind kind, String subjectId, boolean stillDegraded, Instant now, Effects fx) {
        if (state != DEGRADED || stillDegraded) {
            return false;
        }
        endSubstitution(Substitution.Status.SUPERSEDED, "The degraded " + kind.name().toLowerCase(Locale.ROOT) + " " + subjectId
                + " recovered before the substitution was applied.", now, fx);
        state = ACTIVE;
        reason = null;
        awaitingDecisionSince = null;
        updatedAt = now;
        announce(fx);
        return true;
    }

    /** Records a substitution waiting for an operator's approval (nothing reserved yet). False unless DEGRADED. */
    boolean propose(Substitution.Trigger t, ConcreteChain after, Instant now, Effects fx) {
        if (state != DEGRADED) {
            return false;
        }
        endSubstitution(Substitution.Status.SUPERSEDED, "A newer proposal replaced it.", now, fx);
        SubstitutionEntity s = SubstitutionEntity.of(id, buyerId, t, Substitution.Policy.APPROVAL, Substitution.Status.PROPOSED, concrete(), after, null, now);
        s.proposed("Waiting for an operator's approval: " + Prose.change(concrete(), after, s.changedHopList()));
        fx.created.add(s);
        substitution = s;
        substitutionId = s.id();
        awaitingDecisionSince = null;
        fx.announce(s.toRecord());
        return true;
    }

    /** Starts a substitution of a DEGRADED chain onto {@code after} (make-before-break). */
    void substitute(Substitution.Trigger t, ConcreteChain after, Substitution.Policy policy, Duration timeout, Instant now, Effects fx) {
        require(state == DEGRADED, "cannot be substituted now");
        endSubstitution(Substitution.Status.SUPERSEDED, "Another substitution replaced it.", now, fx);
        SubstitutionEntity s = SubstitutionEntity.of(id, buyerId, t, policy, Substitution.Status.APPLYING, concrete(), after, null, now);
        fx.created.add(s);
        install(s, after, timeout, now, fx);
    }

    /** Installs the approved proposal {@code proposalId} (onto {@code after}, a fresh selection if its capacity went). */
    void approve(String proposalId, ConcreteChain after, Duration timeout, Instant now, Effects fx) {
        require(state == DEGRADED && substitution != null && substitution.id().equals(proposalId) && substitution.is(Substitution.Status.PROPOSED),
                "has no proposal " + proposalId + " waiting for approval");
        install(substitution, after, timeout, now, fx);
    }

    /** Moves an ACTIVE chain back to {@code before}, the hops it had before the completed substitution {@code rollbackOf}. */
    void rollBack(String rollbackOf, ConcreteChain before, Substitution.Trigger operator, Duration timeout, Instant now, Effects fx) {
        require(state == ACTIVE, "cannot be rolled back now");
        endSubstitution(Substitution.Status.SUPERSEDED, "Another substitution replaced it.", now, fx);
        SubstitutionEntity s = SubstitutionEntity.of(id, buyerId, operator, Substitution.Policy.AUTOMATIC, Substitution.Status.APPLYING,
                concrete(), before, rollbackOf, now);
        fx.created.add(s);
        install(s, before, timeout, now, fx);
    }

    /** Nothing fits without the degraded part: recorded; a chain whose hop is down fails, otherwise it stays DEGRADED. */
    boolean noAlternative(Substitution.Trigger t, Substitution.Policy policy, String why, Instant now, Effects fx) {
        if (state != DEGRADED) {
            return false;
        }
        endSubstitution(Substitution.Status.SUPERSEDED, "A newer degradation replaced it.", now, fx);
        SubstitutionEntity s = SubstitutionEntity.of(id, buyerId, t, policy, Substitution.Status.NO_ALTERNATIVE, concrete(), null, null, now);
        s.ended(Substitution.Status.NO_ALTERNATIVE, why, now);
        fx.created.add(s);
        fx.announce(s.toRecord());
        awaitingDecisionSince = null;
        if (t.fatal()) {
            fail(Prose.trigger(t) + " and no substitute fits: " + why, now, fx);
        } else {
            reason = Prose.trigger(t) + "; no substitute fits: " + why;
            updatedAt = now;
        }
        return true;
    }

    private void install(SubstitutionEntity s, ConcreteChain after, Duration timeout, Instant now, Effects fx) {
        ConcreteChain current = concrete();
        s.applying(after, now);
        double mbpsAfter = s.bandwidthAfter(bandwidthMbps);
        fx.beginMove(id, current, after, s.changedHopList(), bandwidthMbps, mbpsAfter);
        state = SUBSTITUTING;
        awaitingDecisionSince = null;
        substitution = s;
        substitutionId = s.id();
        updatedAt = now;
        deadlineAt = now.plus(timeout);
        domains.retarget(DomainCommands.segmentsByProvider(after), mbpsAfter, deadlineAt, now, fx);
        announce(fx);
        fx.announce(s.toRecord());
        if (domains.none(INSTALLING)) {
            completeSubstitution(now, fx);
        }
    }

    private void completeSubstitution(Instant now, Effects fx) {
        SubstitutionEntity s = substitution;
        ConcreteChain before = concrete();
        ConcreteChain after = s.after();
        double mbpsAfter = s.bandwidthAfter(bandwidthMbps);
        fx.completeMove(id, before, after, s.changedHopList(), bandwidthMbps, mbpsAfter);
        if (s.orderAfter() != null) {
            orderJson = Json.text(s.orderAfter());
            bandwidthMbps = mbpsAfter;
        }
        setConcrete(after);
        state = ACTIVE;
        reason = null;
        substitution = null;
        substitutionId = null;
        deadlineAt = null;
        updatedAt = now;
        domains.send(d -> d.is(RETIRING), DomainCommand.Operation.TEARDOWN, bandwidthMbps, null, now, fx);
        s.completed(now);
        announce(fx);
        fx.announce(s.toRecord());
    }

    /**
     * The buyer changes the order of an ACTIVE chain whose hops and path still meet it: capacity is re-reserved in
     * place for the new bandwidth and the chain carries on, priced as {@code repriced} (the same hops and path at the
     * new bandwidth). Domains are not commanded: the flow entries they installed do not depend on bandwidth.
     */
    void changeInPlace(ChainOrder changed, ConcreteChain repriced, Instant now, Effects fx) {
        require(state == ACTIVE, "cannot be changed now");
        ConcreteChain current = concrete();
        if (!repriced.path().equals(current.path()) || !SubstitutionEntity.changedHops(current, repriced).isEmpty()) {
            throw new IllegalArgumentException("a change in place keeps the hops and path of chain " + id);
        }
        fx.resizeAll(id, current, bandwidthMbps, changed.bandwidthMbps());
        orderJson = Json.text(changed);
        bandwidthMbps = changed.bandwidthMbps();
        setConcrete(repriced);
        updatedAt = now;
        announce(fx);
    }

    /**
     * The buyer changes the order of an ACTIVE chain and its hops cannot meet it: it is switched to {@code after}
     * make-before-break, as a substitution triggered by the buyer; the changed order holds once the new path is
     * active (until then the chain runs as it was).
     */
    void changeBySubstitution(ChainOrder changed, ConcreteChain after, Duration timeout, Instant now, Effects fx) {
        require(state == ACTIVE, "cannot be changed now");
        Substitution.Trigger buyer = new Substitution.Trigger(SubjectKind.BUYER, id, null, null, null, null, false, now, List.of());
        SubstitutionEntity s = SubstitutionEntity.of(id, buyerId, buyer, Substitution.Policy.AUTOMATIC, Substitution.Status.APPLYING,
                concrete(), after, null, now);
        s.changesOrderTo(changed);
        fx.created.add(s);
        install(s, after, timeout, now, fx);
    }

    /**
     * The chain's measured latency stayed over its order's bound ({@code t}, kind SLA): an AUTOMATIC chain is switched
     * to {@code after} make-before-break from ACTIVE; an APPROVAL one turns DEGRADED with a proposal for an operator.
     */
    SubstitutionEntity substituteOverBound(Substitution.Trigger t, ConcreteChain after, Substitution.Policy policy, Duration timeout,
                                           Instant now, Effects fx) {
        require(state == ACTIVE, "cannot be moved for its latency now");
        if (policy == Substitution.Policy.APPROVAL) {
            state = DEGRADED;
            reason = Prose.trigger(t);
            updatedAt = now;
            announce(fx);
            propose(t, after, now, fx);
            return substitution;
        }
        SubstitutionEntity s = SubstitutionEntity.of(id, buyerId, t, policy, Substitution.Status.APPLYING, concrete(), after, null, now);
        fx.created.add(s);
        install(s, after, timeout, now, fx);
        return s;
    }

    /** Nothing that avoids the slow part meets the bound: recorded as NO_ALTERNATIVE with why; the chain runs on ACTIVE. */
    SubstitutionEntity noneMeetsBound(Substitution.Trigger t, Substitution.Policy policy, String why, Instant now, Effects fx) {
        require(state == ACTIVE, "cannot be moved for its latency now");
        SubstitutionEntity s = SubstitutionEntity.of(id, buyerId, t, policy, Substitution.Status.NO_ALTERNATIVE, concrete(), null, null, now);
        s.ended(Substitution.Status.NO_ALTERNATIVE, why, now);
        fx.created.add(s);
        fx.announce(s.toRecord());
        return s;
    }

    /** Ends the pending or applying substitution, giving back what an applying one reserved. */
    private void endSubstitution(Substitution.Status end, String why, Instant now, Effects fx) {
        if (substitution == null) {
            return;
        }
        SubstitutionEntity s = substitution;
        substitution = null;
        substitutionId = null;
        if (s.is(Substitution.Status.APPLYING)) {
            fx.abandonMove(id, concrete(), s.after(), s.changedHopList(), bandwidthMbps, s.bandwidthAfter(bandwidthMbps));
        } else if (!s.is(Substitution.Status.PROPOSED)) {
            return;
        }
        s.ended(end, why, now);
        fx.announce(s.toRecord());
    }

    private void fail(String why, Instant now, Effects fx) {
        endSubstitution(Substitution.Status.FAILED, why, now, fx);
        state = ChainState.FAILED;
        awaitingDecisionSince = null;
        reason = why;
        updatedAt = now;
        deadlineAt = null;
        domains.send(d -> !d.is(REMOVED), DomainCommand.Operation.TEARDOWN, bandwidthMbps, null, now, fx);
        fx.releaseAll(id, concrete(), bandwidthMbps);
        announce(fx);
    }

    private void terminate(String why, Instant now, Effects fx) {
        state = ChainState.TERMINATED;
        awaitingDecisionSince = null;
        reason = why;
        updatedAt = now;
        deadlineAt = null;
        fx.releaseAll(id, concrete(), bandwidthMbps);
        announce(fx);
    }

    private void require(boolean allowed, String what) {
        if (!allowed) {
            throw new OperationConflictException("Chain " + id + " is " + state + " and " + what + ".");
        }
    }

    private void announce(Effects fx) {
        // a chain never activated has never carried traffic
        announce(fx, activatedAt != null);
    }

    private void announce(Effects fx, boolean carriedBefore) {
        fx.announce(new ChainEvent(ChainId.of(id), buyerId, state, reason, concrete(), updatedAt));
        fx.carrying.add(new Carriage(id, buyerId, state, concrete(), bandwidthMbps, carriedBefore));
    }

    private void setConcrete(ConcreteChain chain) {
        concrete = chain;
        concreteJson = Json.text(chain);
        latencyMs = chain.latencyMs();
        pricePerHour = chain.pricePerHour();
    }

    String id() { return id; }
    String buyerId() { return buyerId; }
    ChainState state() { return state; }
    String reason() { return reason; }
    ChainOrder order() { return Json.read(orderJson, ChainOrder.class); }

    /** The selected chain; null for a rejected order. */
    ConcreteChain concrete() {
        if (concrete == null && concreteJson != null) {
            concrete = Json.read(concreteJson, ConcreteChain.class);
        }
        return concrete;
    }

    Double latencyMs() { return latencyMs; }
    Double pricePerHour() { return pricePerHour; }
    Instant createdAt() { return createdAt; }
    Instant activatedAt() { return activatedAt; }
    Instant updatedAt() { return updatedAt; }
    String substitutionId() { return substitutionId; }
    Instant awaitingDecisionSince() { return awaitingDecisionSince; }

    /** Stores the order's Idempotency-Key (or null) with the chain. */
    void keyedBy(String key) { this.idempotencyKey = key; }

    List<ChainDomainEntity> domains() {
        return domains.all();
    }
}
