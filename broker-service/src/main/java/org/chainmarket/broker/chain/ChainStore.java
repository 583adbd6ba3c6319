package org.chainmarket.broker.chain;

import com.fasterxml.jackson.core.type.TypeReference;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.chainmarket.broker.outbox.Outbox;
import org.chainmarket.broker.outbox.ProcessedMessages;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.model.ChainEvent;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.ChainState;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.DomainSegment;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.Substitution;
import org.chainmarket.selection.MarketSnapshot;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The chain saga's transactions. Each changes a chain's state, its domains, the capacity it holds and the events
 * that announce it in one PostgreSQL transaction (events through the outbox). Chains are locked (SELECT ... FOR
 * UPDATE) while they change, so acknowledgements, deadlines, degradations and the buyer never race; offers are
 * locked in id order, so concurrent reservations never deadlock.
 */
@Singleton
public class ChainStore {
    static final String ACK_CONSUMER = "chain-acks";
    private static final TypeReference<List<DomainSegment>> SEGMENTS = new TypeReference<>() { };
    private static final TypeReference<List<DomainAck.FlowEntry>> FLOWS = new TypeReference<>() { };
    private final EntityManager em;
    private final Outbox outbox;
    private final ProcessedMessages processed;

    public ChainStore(EntityManager em, Outbox outbox, ProcessedMessages processed) {
        this.em = em;
        this.outbox = outbox;
        this.processed = processed;
    }

    /** A chain's state change and the capacity it took or gave back. */
    public record Transition(ChainEntity chain, Holdings holdings) {
    }

    /** Stores an order no selection can satisfy. */
    @Transactional
    public void reject(ChainId id, ChainOrder order, String reason, String idempotencyKey) {
        ChainEntity c = newChain(id, order, ChainState.REJECTED);
        c.idempotencyKey = idempotencyKey;
        c.reason = reason;
        em.persist(c);
        announce(c, null);
    }

    /**
     * Reserves every hop's capacity (a conditional update per offer: it fails rather than overbook), stores the
     * chain SETTING_UP and emits one set-up command per crossed domain. Throws {@link CapacityTakenException}
     * (rolling everything back) when a concurrent order took the capacity first.
     */
    @Transactional
    public Holdings start(ChainId id, ChainOrder order, ConcreteChain chain, Duration timeout, String idempotencyKey) {
        ChainEntity c = newChain(id, order, ChainState.SETTING_UP);
        c.idempotencyKey = idempotencyKey;
        c.concreteJson = Json.text(chain);
        c.latencyMs = chain.latencyMs();
        c.pricePerHour = chain.pricePerHour();
        c.deadlineAt = c.createdAt.plus(timeout);
        em.persist(c);
        em.flush();
        Changes changes = new Changes();
        reserve(c, chain, chain.hops().stream().map(ConcreteChain.Hop::index).toList(), changes);
        changes.links.add(new Holdings.LinkUse(chain.path(), c.bandwidthMbps));
        segmentsByProvider(chain).forEach((provider, segments) -> {
            ChainDomainEntity d = new ChainDomainEntity();
            d.key = new ChainDomainEntity.Key(id.value(), provider.value());
            d.segmentsJson = Json.text(segments);
            d.flowEntriesJson = "[]";
            command(c, d, DomainCommand.Operation.SETUP);
            addDomain(c, d);
        });
        announce(c, chain);
        return changes.done();
    }

    /** A domain's acknowledgement and the id of the event that carried it. */
    public record Ack(String eventId, DomainAck ack) {
    }

    /**
     * Applies domains' acknowledgements, each once; a stale one (for an older command) changes nothing. The caller
     * orders them by chain, so chains are locked in id order.
     */
    @Transactional
    public Holdings acknowledge(List<Ack> acks) {
        Changes changes = new Changes();
        for (Ack a : acks) {
            acknowledge(a.eventId(), a.ack(), changes);
            // written out and let go, so each acknowledgement costs the same however many share the transaction
            em.flush();
            em.clear();
        }
        return changes.done();
    }

    private void acknowledge(String eventId, DomainAck ack, Changes changes) {
        if (!processed.firstTime(ACK_CONSUMER, eventId)) {
            return;
        }
        ChainEntity c = em.find(ChainEntity.class, ack.chainId().value(), LockModeType.PESSIMISTIC_WRITE);
        ChainDomainEntity d = em.find(ChainDomainEntity.class, new ChainDomainEntity.Key(ack.chainId().value(), ack.providerId().value()));
        if (c == null || d == null || !ack.commandId().equals(d.commandId)) {
            return;
        }
        d.updatedAt = Instant.now();
        d.reason = ack.success() ? null : ack.reason();
        if (ack.operation() == DomainCommand.Operation.SETUP) {
            if (!ack.success()) {
                d.status = ChainDomainEntity.Status.FAILED;
                if (c.state == ChainState.SETTING_UP) {
                    fail(c, "Provider " + d.key.providerId + " could not set up its segment: " + ack.reason(), changes);
                } else if (c.state == ChainState.SUBSTITUTING) {
                    fail(c, "Provider " + d.key.providerId + " could not install the substitution: " + ack.reason(), changes);
                }
                return;
            }
            d.status = ChainDomainEntity.Status.INSTALLED;
            d.flowEntriesJson = Json.text(ack.flowEntries());
            boolean allInstalled = domains(c).stream().noneMatch(x -> x.status == ChainDomainEntity.Status.INSTALLING);
            if (allInstalled && c.state == ChainState.SETTING_UP) {
                c.state = ChainState.ACTIVE;
                c.activatedAt = d.updatedAt;
                c.deadlineAt = null;
                c.updatedAt = d.updatedAt;
                announce(c, concrete(c));
            } else if (allInstalled && c.state == ChainState.SUBSTITUTING) {
                completeSubstitution(c, changes);
            }
            return;
        }
        d.status = ChainDomainEntity.Status.REMOVED;
        if (ack.success()) {
            d.flowEntriesJson = "[]";
        }
        if (c.state == ChainState.TEARING_DOWN && domains(c).stream().allMatch(x -> x.status == ChainDomainEntity.Status.REMOVED)) {
            List<String> failed = domains(c).stream().filter(x -> x.reason != null).map(x -> x.key.providerId + ": " + x.reason).toList();
            terminate(c, failed.isEmpty() ? null : "Removal reported problems: " + String.join("; ", failed), changes);
        }
    }

    /** The buyer ends a chain: every domain is asked to remove its segments. Empty when the chain is unknown. */
    @Transactional
    public Optional<Transition> requestTeardown(ChainId id, Duration timeout) {
        ChainEntity c = em.find(ChainEntity.class, id.value(), LockModeType.PESSIMISTIC_WRITE);
        if (c == null) {
            return Optional.empty();
        }
        Changes changes = new Changes();
        if (c.state.holdsCapacity() && c.state != ChainState.TEARING_DOWN) {
            endSubstitution(c, Substitution.Status.SUPERSEDED, "The buyer ended the chain.", changes);
            c.state = ChainState.TEARING_DOWN;
            c.updatedAt = Instant.now();
            c.deadlineAt = c.updatedAt.plus(timeout);
            for (ChainDomainEntity d : domains(c)) {
                if (d.status != ChainDomainEntity.Status.REMOVED) {
                    command(c, d, DomainCommand.Operation.TEARDOWN);
                }
            }
            announce(c, concrete(c));
        }
        return Optional.of(new Transition(c, changes.done()));
    }

    /**
     * Ends chains past their deadline: one still setting up or substituting fails (naming the silent domains) and is
     * rolled back; one tearing down is terminated, naming the domains that did not confirm.
     */
    @Transactional
    public List<Transition> expireOverdue(Instant now, int limit) {
        @SuppressWarnings("unchecked")
        List<ChainEntity> overdue = em.createNativeQuery("SELECT * FROM chain WHERE state IN ('SETTING_UP', 'SUBSTITUTING', "
                        + "'TEARING_DOWN') AND deadline_at < ?1 ORDER BY deadline_at LIMIT ?2 FOR UPDATE SKIP LOCKED", ChainEntity.class)
                .setParameter(1, now).setParameter(2, limit).getResultList();
        List<Transition> out = new ArrayList<>();
        for (ChainEntity c : overdue) {
            Changes changes = new Changes();
            String seconds = Duration.between(c.updatedAt, c.deadlineAt).toMillis() / 1000.0 + " s";
            if (c.state == ChainState.TEARING_DOWN) {
                terminate(c, "Provider " + silent(c, ChainDomainEntity.Status.REMOVING) + " did not confirm removal within " + seconds, changes);
            } else {
                String what = c.state == ChainState.SETTING_UP ? "the set-up" : "the substitution";
                fail(c, "Provider " + silent(c, ChainDomainEntity.Status.INSTALLING) + " did not acknowledge " + what + " within " + seconds, changes);
            }
            out.add(new Transition(c, changes.done()));
        }
        return out;
    }

    // ---- substitution ----

    /** A chain hit by a degradation, as re-selection needs it. */
    public record Affected(String chainId, ChainOrder order, ConcreteChain chain) {
    }

    /** The ACTIVE chains that use an instance or cross a link, read without locking them. */
    @Transactional
    public List<Affected> chainsOn(String kind, String subjectId) {
        List<Affected> out = new ArrayList<>();
        for (String id : chainsUsing(kind, subjectId)) {
            ChainEntity c = em.find(ChainEntity.class, id);
            if (c.state == ChainState.ACTIVE) {
                out.add(new Affected(c.id, Json.read(c.orderJson, ChainOrder.class), concrete(c)));
            }
        }
        return out;
    }

    /**
     * Marks the chains that use the degraded instance or link ({@code only} those of them, unless null) DEGRADED and
     * returns them for re-selection, with those already DEGRADED unless {@code onlyActive}; chains in set-up,
     * substitution or tear-down are left to finish. Applied once per event ({@code eventId} null: a re-check, not an
     * event).
     */
    @Transactional
    public List<Affected> degrade(String eventId, Substitution.Trigger trigger, Collection<String> only, boolean onlyActive) {
        if (eventId != null && !processed.firstTime("degradations", eventId)) {
            return List.of();
        }
        List<Affected> out = new ArrayList<>();
        for (String id : chainsUsing(trigger.kind(), trigger.subjectId())) {
            if (only != null && !only.contains(id)) {
                continue;
            }
            ChainEntity c = em.find(ChainEntity.class, id, LockModeType.PESSIMISTIC_WRITE);
            if (c.state != ChainState.ACTIVE && (onlyActive || c.state != ChainState.DEGRADED)) {
                continue;
            }
            // re-checked under the lock: a substitution may have moved the chain off the subject meanwhile
            ConcreteChain held = concrete(c);
            boolean stillUses = "INSTANCE".equals(trigger.kind())
                    ? held.hops().stream().anyMatch(h -> h.offerId().value().equals(trigger.subjectId()))
                    : crosses(held, trigger.subjectId());
            if (!stillUses) {
                continue;
            }
            if (c.state == ChainState.ACTIVE) {
                c.state = ChainState.DEGRADED;
                c.reason = describe(trigger);
                c.updatedAt = Instant.now();
                announce(c, concrete(c));
            }
            out.add(new Affected(c.id, Json.read(c.orderJson, ChainOrder.class), concrete(c)));
        }
        return out;
    }

    /**
     * Marks DEGRADED chains that used the recovered subject ACTIVE again when nothing else of theirs is degraded
     * (a proposal still waiting for approval is superseded). Applied once per event.
     */
    @Transactional
    public List<Transition> recover(String eventId, String kind, String subjectId, java.util.function.Predicate<ConcreteChain> stillDegraded) {
        if (!processed.firstTime("degradations", eventId)) {
            return List.of();
        }
        List<Transition> out = new ArrayList<>();
        for (String id : chainsUsing(kind, subjectId)) {
            ChainEntity c = em.find(ChainEntity.class, id, LockModeType.PESSIMISTIC_WRITE);
            if (c.state == ChainState.DEGRADED && !stillDegraded.test(concrete(c))) {
                Changes changes = new Changes();
                endSubstitution(c, Substitution.Status.SUPERSEDED, "The degraded " + kind.toLowerCase(java.util.Locale.ROOT)
                        + " " + subjectId + " recovered before the substitution was applied.", changes);
                c.state = ChainState.ACTIVE;
                c.reason = null;
                c.updatedAt = Instant.now();
                announce(c, concrete(c));
                out.add(new Transition(c, changes.done()));
            }
        }
        return out;
    }

    /** Records a substitution waiting for an operator's approval; nothing is reserved yet. */
    @Transactional
    public Holdings propose(String chainId, Substitution.Trigger trigger, ConcreteChain after) {
        ChainEntity c = em.find(ChainEntity.class, chainId, LockModeType.PESSIMISTIC_WRITE);
        if (c == null || c.state != ChainState.DEGRADED) {
            return Holdings.NONE;
        }
        Changes changes = new Changes();
        endSubstitution(c, Substitution.Status.SUPERSEDED, "A newer proposal replaced it.", changes);
        SubstitutionEntity s = newSubstitution(c, trigger, Substitution.Policy.APPROVAL, Substitution.Status.PROPOSED, after, null);
        s.outcome = "Waiting for an operator's approval: " + describeChange(concrete(c), after, s.changedHopList());
        em.persist(s);
        c.substitutionId = s.id;
        announce(s);
        return changes.done();
    }

    /**
     * Starts installing a substitution, make-before-break: reserves the changed hops' new offers (throws
     * {@link CapacityTakenException} when one is full), sends the domains whose segments change a replacing SET-UP,
     * and keeps domains no longer crossed until the new path is active. The chain must be DEGRADED, or ACTIVE for
     * a roll-back; {@code proposalId} names the approved proposal, if any.
     */
    @Transactional
    public Holdings beginSubstitution(String chainId, Substitution.Trigger trigger, ConcreteChain after, Substitution.Policy policy,
                                      String proposalId, String rollbackOf, Duration timeout) {
        Changes changes = new Changes();
        begin(chainId, trigger, after, policy, proposalId, rollbackOf, timeout, changes);
        return changes.done();
    }

    /** One automatic substitution to start, as {@link #beginSubstitutions} takes them. */
    public record Start(String chainId, Substitution.Trigger trigger, ConcreteChain after, Substitution.Policy policy) {
    }

    /**
     * Starts many automatic substitutions in one transaction (after a site failure, many chains move to the same few
     * offers: one commit instead of hundreds that would queue on those offers' rows). All or nothing: any chain that
     * cannot start ({@link CapacityTakenException}, or a state that no longer allows it) rolls the whole batch back,
     * and the caller starts them one by one.
     */
    @Transactional
    public Holdings beginSubstitutions(List<Start> starts, Duration timeout) {
        Changes changes = new Changes();
        for (Start s : starts) {
            begin(s.chainId(), s.trigger(), s.after(), s.policy(), null, null, timeout, changes);
            em.flush();
            em.clear();
        }
        return changes.done();
    }

    private void begin(String chainId, Substitution.Trigger trigger, ConcreteChain after, Substitution.Policy policy,
                       String proposalId, String rollbackOf, Duration timeout, Changes changes) {
        ChainEntity c = em.find(ChainEntity.class, chainId, LockModeType.PESSIMISTIC_WRITE);
        if (c == null || (c.state != ChainState.DEGRADED && !(rollbackOf != null && c.state == ChainState.ACTIVE))) {
            throw new IllegalStateException("chain " + chainId + " is " + (c == null ? "unknown" : c.state) + " and cannot be substituted now");
        }
        SubstitutionEntity s = proposalId == null ? null : em.find(SubstitutionEntity.class, proposalId);
        if (s == null || s.status != Substitution.Status.PROPOSED || !s.id.equals(c.substitutionId)) {
            endSubstitution(c, Substitution.Status.SUPERSEDED, "Another substitution replaced it.", changes);
            s = newSubstitution(c, trigger, policy, Substitution.Status.APPLYING, after, rollbackOf);
            em.persist(s);
        } else {
            s.afterJson = Json.text(after);
            s.changedHops = changedHops(s.before(), after);
        }
        reserve(c, after, s.changedHopList(), changes);
        changes.links.add(new Holdings.LinkUse(after.path(), c.bandwidthMbps));
        s.status = Substitution.Status.APPLYING;
        s.updatedAt = Instant.now();
        s.outcome = "Installing: " + describeChange(s.before(), after, s.changedHopList());
        c.state = ChainState.SUBSTITUTING;
        c.substitutionId = s.id;
        c.updatedAt = s.updatedAt;
        c.deadlineAt = c.updatedAt.plus(timeout);
        Map<ProviderId, List<DomainSegment>> wanted = segmentsByProvider(after);
        for (ChainDomainEntity d : domains(c)) {
            if (d.status == ChainDomainEntity.Status.REMOVED || d.status == ChainDomainEntity.Status.REMOVING) {
                continue;
            }
            List<DomainSegment> segments = wanted.remove(ProviderId.of(d.key.providerId));
            if (segments == null) {
                d.status = ChainDomainEntity.Status.RETIRING;
            } else if (!Json.text(segments).equals(d.segmentsJson)) {
                d.segmentsJson = Json.text(segments);
                command(c, d, DomainCommand.Operation.SETUP);
            }
        }
        wanted.forEach((provider, segments) -> {
            ChainDomainEntity d = em.find(ChainDomainEntity.class, new ChainDomainEntity.Key(c.id, provider.value()));
            boolean fresh = d == null;
            if (fresh) {
                d = new ChainDomainEntity();
                d.key = new ChainDomainEntity.Key(c.id, provider.value());
                d.flowEntriesJson = "[]";
            }
            d.segmentsJson = Json.text(segments);
            d.reason = null;
            command(c, d, DomainCommand.Operation.SETUP);
            if (fresh) {
                addDomain(c, d);
            }
        });
        announce(c, concrete(c));
        announce(s);
        if (domains(c).stream().noneMatch(x -> x.status == ChainDomainEntity.Status.INSTALLING)) {
            completeSubstitution(c, changes);
        }
    }

    /** Records that nothing fits without the degraded part; a chain whose hop is down fails, otherwise it stays DEGRADED. */
    @Transactional
    public Optional<Transition> noAlternative(String chainId, Substitution.Trigger trigger, Substitution.Policy policy, String reason) {
        ChainEntity c = em.find(ChainEntity.class, chainId, LockModeType.PESSIMISTIC_WRITE);
        if (c == null || c.state != ChainState.DEGRADED) {
            return Optional.empty();
        }
        Changes changes = new Changes();
        endSubstitution(c, Substitution.Status.SUPERSEDED, "A newer degradation replaced it.", changes);
        SubstitutionEntity s = newSubstitution(c, trigger, policy, Substitution.Status.NO_ALTERNATIVE, null, null);
        s.outcome = reason;
        em.persist(s);
        announce(s);
        if (trigger.fatal()) {
            fail(c, describe(trigger) + " and no substitute fits: " + reason, changes);
        } else {
            c.reason = describe(trigger) + "; no substitute fits: " + reason;
            c.updatedAt = Instant.now();
        }
        return Optional.of(new Transition(c, changes.done()));
    }

    /** Records an operator's acknowledgement of a substitution. */
    @Transactional
    public Optional<Substitution> acknowledgeSubstitution(String id, String operator) {
        SubstitutionEntity s = em.find(SubstitutionEntity.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (s == null) {
            return Optional.empty();
        }
        s.acknowledgedAt = Instant.now();
        s.acknowledgedBy = operator;
        s.updatedAt = s.acknowledgedAt;
        outbox.append(EventType.SUBSTITUTION_ACKNOWLEDGED, "chain", s.chainId, s.toRecord());
        return Optional.of(s.toRecord());
    }

    @Transactional
    public Optional<Substitution> substitution(String id) {
        return Optional.ofNullable(em.find(SubstitutionEntity.class, id)).map(SubstitutionEntity::toRecord);
    }

    /** The newest substitutions first, filtered by chain, provider (of the trigger or any hop), trigger kind and status. */
    @Transactional
    public List<Substitution> substitutions(String chainId, String provider, String triggerKind, Substitution.Status status, int limit) {
        String like = provider == null ? null : "%\"providerId\":\"" + provider + "\"%";
        return em.createQuery("SELECT s FROM SubstitutionEntity s WHERE (:chain IS NULL OR s.chainId = :chain) "
                        + "AND (:kind IS NULL OR s.triggerKind = :kind) AND (:status IS NULL OR s.status = :status) "
                        + "AND (:like IS NULL OR s.triggerJson LIKE :like OR s.beforeJson LIKE :like OR s.afterJson LIKE :like) "
                        + "ORDER BY s.triggeredAt DESC, s.updatedAt DESC", SubstitutionEntity.class)
                .setParameter("chain", chainId).setParameter("kind", triggerKind).setParameter("status", status)
                .setParameter("like", like).setMaxResults(limit).getResultList().stream().map(SubstitutionEntity::toRecord).toList();
    }

    // ---- reading ----

    @Transactional
    public Optional<ChainView> view(String id) {
        ChainEntity c = em.find(ChainEntity.class, id);
        if (c == null) {
            return Optional.empty();
        }
        ConcreteChain chain = concrete(c);
        List<ChainView.DomainView> domains = domains(c).stream().map(d -> new ChainView.DomainView(d.key.providerId, d.status,
                d.reason, read(d.segmentsJson, SEGMENTS), read(d.flowEntriesJson, FLOWS))).toList();
        return Optional.of(new ChainView(c.id, c.buyerId, c.state, c.reason, Json.read(c.orderJson, ChainOrder.class),
                c.latencyMs, c.pricePerHour, chain == null ? List.of() : chain.hops(), chain == null ? List.of() : chain.path(),
                domains, c.substitutionId, c.createdAt, c.activatedAt, c.updatedAt));
    }

    /** Ids of the newest chains, optionally only those in {@code state} and only {@code buyerId}'s. */
    @Transactional
    public List<String> list(ChainState state, String buyerId, int limit) {
        return em.createQuery("SELECT c.id FROM ChainEntity c WHERE (:state IS NULL OR c.state = :state) "
                        + "AND (:buyer IS NULL OR c.buyerId = :buyer) ORDER BY c.createdAt DESC", String.class)
                .setParameter("state", state).setParameter("buyer", buyerId).setMaxResults(limit).getResultList();
    }

    // ---- the steps the transactions share ----

    private void completeSubstitution(ChainEntity c, Changes changes) {
        SubstitutionEntity s = em.find(SubstitutionEntity.class, c.substitutionId);
        ConcreteChain before = concrete(c);
        ConcreteChain after = s.after();
        releaseHops(c, before, s.changedHopList(), changes);
        changes.links.add(new Holdings.LinkUse(before.path(), -c.bandwidthMbps));
        c.concreteJson = s.afterJson;
        c.latencyMs = after.latencyMs();
        c.pricePerHour = after.pricePerHour();
        c.state = ChainState.ACTIVE;
        c.reason = null;
        c.substitutionId = null;
        c.deadlineAt = null;
        c.updatedAt = Instant.now();
        for (ChainDomainEntity d : domains(c)) {
            if (d.status == ChainDomainEntity.Status.RETIRING) {
                command(c, d, DomainCommand.Operation.TEARDOWN);
            }
        }
        s.status = Substitution.Status.COMPLETED;
        s.completedAt = c.updatedAt;
        s.updatedAt = c.updatedAt;
        s.triggerToActiveMs = Math.max(0, Duration.between(s.trigger().at(), s.completedAt).toMillis());
        s.outcome = describeChange(before, after, s.changedHopList());
        announce(c, after);
        announce(s);
    }

    /** Ends the chain's pending or applying substitution (giving back what an applying one reserved). */
    private void endSubstitution(ChainEntity c, Substitution.Status status, String outcome, Changes changes) {
        if (c.substitutionId == null) {
            return;
        }
        SubstitutionEntity s = em.find(SubstitutionEntity.class, c.substitutionId);
        c.substitutionId = null;
        if (s.status == Substitution.Status.APPLYING) {
            releaseHops(c, s.after(), s.changedHopList(), changes);
            changes.links.add(new Holdings.LinkUse(s.after().path(), -c.bandwidthMbps));
        } else if (s.status != Substitution.Status.PROPOSED) {
            return;
        }
        s.status = status;
        s.outcome = outcome;
        s.updatedAt = Instant.now();
        announce(s);
    }

    private void fail(ChainEntity c, String reason, Changes changes) {
        endSubstitution(c, Substitution.Status.FAILED, reason, changes);
        c.state = ChainState.FAILED;
        c.reason = reason;
        c.updatedAt = Instant.now();
        c.deadlineAt = null;
        for (ChainDomainEntity d : domains(c)) {
            if (d.status != ChainDomainEntity.Status.REMOVED) {
                command(c, d, DomainCommand.Operation.TEARDOWN);
            }
        }
        releaseAll(c, changes);
        announce(c, concrete(c));
    }

    private void terminate(ChainEntity c, String reason, Changes changes) {
        c.state = ChainState.TERMINATED;
        c.reason = reason;
        c.updatedAt = Instant.now();
        c.deadlineAt = null;
        releaseAll(c, changes);
        announce(c, concrete(c));
    }

    /** Records the hops' reservations; their offers' counters change when the transaction ends ({@link Changes#done()}). */
    private void reserve(ChainEntity c, ConcreteChain chain, List<Integer> hops, Changes changes) {
        for (int i : hops) {
            ConcreteChain.Hop hop = chain.hops().get(i);
            em.createNativeQuery("INSERT INTO chain_reservation (chain_id, hop_index, offer_id, mbps) VALUES (?1, ?2, ?3, ?4)")
                    .setParameter(1, c.id).setParameter(2, hop.index()).setParameter(3, hop.offerId().value())
                    .setParameter(4, c.bandwidthMbps).executeUpdate();
            changes.take(hop.offerId().value(), c.bandwidthMbps, 1);
        }
    }

    /** Gives back the reservations of {@code hops} of {@code chain}. */
    private void releaseHops(ChainEntity c, ConcreteChain chain, List<Integer> hops, Changes changes) {
        for (int i : hops) {
            ConcreteChain.Hop hop = chain.hops().get(i);
            int removed = em.createNativeQuery("DELETE FROM chain_reservation WHERE chain_id = ?1 AND hop_index = ?2 AND offer_id = ?3")
                    .setParameter(1, c.id).setParameter(2, hop.index()).setParameter(3, hop.offerId().value()).executeUpdate();
            if (removed > 0) {
                changes.take(hop.offerId().value(), -c.bandwidthMbps, -1);
            }
        }
    }

    /** Gives back every reservation the chain holds, and its path's links. */
    private void releaseAll(ChainEntity c, Changes changes) {
        @SuppressWarnings("unchecked")
        List<Object[]> released = em.createNativeQuery("DELETE FROM chain_reservation WHERE chain_id = ?1 RETURNING offer_id, mbps")
                .setParameter(1, c.id).getResultList();
        if (released.isEmpty()) {
            return;
        }
        released.forEach(r -> changes.take((String) r[0], -((Number) r[1]).doubleValue(), -1));
        ConcreteChain chain = concrete(c);
        if (chain != null) {
            changes.links.add(new Holdings.LinkUse(chain.path(), -c.bandwidthMbps));
        }
    }

    /** Chains holding the instance (offer id) or whose path crosses the link ("a|b"). */
    private List<String> chainsUsing(String kind, String subjectId) {
        if ("INSTANCE".equals(kind)) {
            @SuppressWarnings("unchecked")
            List<String> ids = em.createNativeQuery("SELECT DISTINCT chain_id FROM chain_reservation WHERE offer_id = ?1 ORDER BY chain_id")
                    .setParameter(1, subjectId).getResultList();
            return ids;
        }
        List<String> out = new ArrayList<>();
        for (Object[] row : em.createQuery("SELECT c.id, c.concreteJson FROM ChainEntity c WHERE c.state IN :states ORDER BY c.id", Object[].class)
                .setParameter("states", List.of(ChainState.ACTIVE, ChainState.DEGRADED)).getResultList()) {
            if (crosses(Json.read((String) row[1], ConcreteChain.class), subjectId)) {
                out.add((String) row[0]);
            }
        }
        return out;
    }

    /** Whether the chain's path crosses the link {@code key} ("a|b"). */
    static boolean crosses(ConcreteChain chain, String key) {
        List<ConcreteChain.PathNode> path = chain.path();
        for (int i = 1; i < path.size(); i++) {
            String a = path.get(i - 1).switchId();
            String b = path.get(i).switchId();
            if (!a.equals(b) && org.chainmarket.selection.network.NetLink.key(a, b).equals(key)) {
                return true;
            }
        }
        return false;
    }

    private SubstitutionEntity newSubstitution(ChainEntity c, Substitution.Trigger trigger, Substitution.Policy policy,
                                               Substitution.Status status, ConcreteChain after, String rollbackOf) {
        SubstitutionEntity s = new SubstitutionEntity();
        s.id = UUID.randomUUID().toString();
        s.status = status;
        s.chainId = c.id;
        s.buyerId = c.buyerId;
        s.policy = policy;
        s.triggerKind = trigger.kind();
        s.triggerSubject = trigger.subjectId();
        s.triggerJson = Json.text(trigger);
        s.beforeJson = c.concreteJson;
        s.afterJson = after == null ? null : Json.text(after);
        s.changedHops = after == null ? "" : changedHops(concrete(c), after);
        s.triggeredAt = trigger.at();
        s.updatedAt = Instant.now();
        s.rollbackOf = rollbackOf;
        return s;
    }

    private static String changedHops(ConcreteChain before, ConcreteChain after) {
        List<String> changed = new ArrayList<>();
        for (int i = 0; i < before.hops().size(); i++) {
            if (!before.hops().get(i).offerId().equals(after.hops().get(i).offerId())) {
                changed.add(String.valueOf(i));
            }
        }
        return String.join(",", changed);
    }

    static String describeChange(ConcreteChain before, ConcreteChain after, List<Integer> changed) {
        List<String> parts = new ArrayList<>();
        for (int i : changed) {
            ConcreteChain.Hop b = before.hops().get(i);
            ConcreteChain.Hop a = after.hops().get(i);
            parts.add("hop " + (i + 1) + " (" + b.vnfType() + ") " + b.offerId() + " -> " + a.offerId());
        }
        if (parts.isEmpty()) {
            parts.add("path rerouted, same hops");
        }
        return String.join("; ", parts) + String.format(java.util.Locale.ROOT, " (latency %.2f -> %.2f ms, price %.2f -> %.2f EUR/h)",
                before.latencyMs(), after.latencyMs(), before.pricePerHour(), after.pricePerHour());
    }

    static String describe(Substitution.Trigger t) {
        String subject = ("INSTANCE".equals(t.kind()) ? "Instance " : "LINK".equals(t.kind()) ? "Link " : "") + t.subjectId();
        if ("OPERATOR".equals(t.kind())) {
            return "Operator request " + t.subjectId();
        }
        return subject + (t.fatal() ? " is down" : " degraded") + (t.metric() == null ? ""
                : String.format(java.util.Locale.ROOT, " (%s %.3f over %.3f)", t.metric(), t.value(), t.threshold()));
    }

    private String silent(ChainEntity c, ChainDomainEntity.Status status) {
        return domains(c).stream().filter(d -> d.status == status).map(d -> d.key.providerId).collect(Collectors.joining(", "));
    }

    private void command(ChainEntity c, ChainDomainEntity d, DomainCommand.Operation op) {
        d.commandId = UUID.randomUUID().toString();
        d.status = op == DomainCommand.Operation.SETUP ? ChainDomainEntity.Status.INSTALLING : ChainDomainEntity.Status.REMOVING;
        d.updatedAt = Instant.now();
        List<DomainSegment> segments = op == DomainCommand.Operation.SETUP ? read(d.segmentsJson, SEGMENTS) : List.of();
        DomainCommand cmd = new DomainCommand(d.commandId, ChainId.of(c.id), ProviderId.of(d.key.providerId), op,
                c.bandwidthMbps, segments, c.deadlineAt);
        outbox.append(op == DomainCommand.Operation.SETUP ? EventType.PATH_SETUP_REQUESTED : EventType.PATH_TEARDOWN_REQUESTED,
                "chain", c.id, cmd);
    }

    private void announce(ChainEntity c, ConcreteChain chain) {
        outbox.append(EventType.forChainState(c.state), "chain", c.id,
                new ChainEvent(ChainId.of(c.id), c.buyerId, c.state, c.reason, chain, c.updatedAt));
    }

    private void announce(SubstitutionEntity s) {
        EventType type = switch (s.status) {
            case PROPOSED -> EventType.SUBSTITUTION_PROPOSED;
            case APPLYING -> EventType.SUBSTITUTION_STARTED;
            case COMPLETED -> EventType.HOP_SUBSTITUTED;
            case FAILED, NO_ALTERNATIVE, SUPERSEDED -> EventType.SUBSTITUTION_FAILED;
        };
        outbox.append(type, "chain", s.chainId, s.toRecord());
    }

    /** The chain's domains by provider id, read once per persistence context (then kept by {@link #addDomain}). */
    private List<ChainDomainEntity> domains(ChainEntity c) {
        if (c.domains == null) {
            c.domains = new ArrayList<>(em.createQuery("SELECT d FROM ChainDomainEntity d WHERE d.key.chainId = :id "
                    + "ORDER BY d.key.providerId", ChainDomainEntity.class).setParameter("id", c.id).getResultList());
        }
        return c.domains;
    }

    private void addDomain(ChainEntity c, ChainDomainEntity d) {
        em.persist(d);
        List<ChainDomainEntity> domains = domains(c);
        domains.add(d);
        domains.sort(Comparator.comparing(x -> x.key.providerId));
    }

    private static Map<ProviderId, List<DomainSegment>> segmentsByProvider(ConcreteChain chain) {
        return chain.segments().stream()
                .collect(Collectors.groupingBy(DomainSegment::providerId, LinkedHashMap::new, Collectors.toList()));
    }

    private ChainEntity newChain(ChainId id, ChainOrder order, ChainState state) {
        ChainEntity c = new ChainEntity();
        c.id = id.value();
        c.buyerId = order.buyerId();
        c.state = state;
        c.orderJson = Json.text(order);
        c.bandwidthMbps = order.bandwidthMbps();
        c.createdAt = Instant.now();
        c.updatedAt = c.createdAt;
        c.domains = new ArrayList<>();
        return c;
    }

    static ConcreteChain concrete(ChainEntity c) {
        return c.concreteJson == null ? null : Json.read(c.concreteJson, ConcreteChain.class);
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored JSON is unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * Capacity a transaction takes (positive) or gives back (negative) per offer, and bandwidth along paths. The
     * offers' counters, the rows every chain on an offer contends for, are updated only by {@link #done()}, last
     * before the commit and in offer-id order: their locks are held for the commit alone and concurrent
     * transactions never deadlock on them.
     */
    private final class Changes {
        private final TreeMap<String, double[]> offers = new TreeMap<>();
        final List<Holdings.LinkUse> links = new ArrayList<>();

        /** {@code mbps} and {@code chains} taken on the offer (given back when negative). */
        void take(String offerId, double mbps, int chains) {
            double[] d = offers.computeIfAbsent(offerId, k -> new double[2]);
            d[0] += mbps;
            d[1] += chains;
        }

        /**
         * Applies the offers' changes (throwing {@link CapacityTakenException}, which rolls the transaction back,
         * when an offer cannot take what is asked of it) and returns them as the database now has them.
         */
        Holdings done() {
            if (offers.isEmpty() && links.isEmpty()) {
                return Holdings.NONE;
            }
            em.flush();
            Map<OfferId, MarketSnapshot.Reservation> now = new LinkedHashMap<>();
            Instant at = Instant.now();
            offers.forEach((offerId, d) -> {
                @SuppressWarnings("unchecked")
                List<Object[]> row = em.createNativeQuery("UPDATE offer SET reserved_mbps = GREATEST(0, reserved_mbps + ?2), "
                                + "reserved_chains = reserved_chains + ?3, updated_at = ?4 WHERE id = ?1 AND (?3 <= 0 OR (NOT withdrawn "
                                + "AND reserved_mbps + ?2 <= capacity_mbps + 1e-9 AND reserved_chains + ?3 <= max_chains)) "
                                + "RETURNING reserved_mbps, reserved_chains")
                        .setParameter(1, offerId).setParameter(2, d[0]).setParameter(3, (int) d[1]).setParameter(4, at)
                        .getResultList();
                if (row.isEmpty()) {
                    throw new CapacityTakenException(offerId);
                }
                now.put(OfferId.of(offerId), new MarketSnapshot.Reservation(((Number) row.get(0)[0]).doubleValue(),
                        ((Number) row.get(0)[1]).intValue()));
            });
            return new Holdings(now, links);
        }
    }
}
