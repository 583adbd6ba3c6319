package org.chainmarket.broker.chain;

import org.chainmarket.schemas.model.SubjectKind;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.chainmarket.broker.reconcile.ReportedFlows;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.model.ChainState;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.Substitution;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What buyers, operators and re-selection read: chains and substitutions as views, never locked. */
@Singleton
public class ChainQueries {
    private final EntityManager em;
    private final Chains chains;
    private final CommandDelivery delivery;
    private final ReportedFlows reported;

    ChainQueries(EntityManager em, Chains chains, CommandDelivery delivery, ReportedFlows reported) {
        this.em = em;
        this.chains = chains;
        this.delivery = delivery;
        this.reported = reported;
    }

    @Transactional
    public Optional<ChainView> view(String id) {
        return chains.read(id).map(this::view);
    }

    private ChainView view(ChainEntity c) {
        return view(c, delivery.waiting(c, Instant.now()), reported.load(c.id()));
    }

    /**
     * The chain as buyers see it; {@code waiting} says why it still waits on its domains, if it does; {@code words} are
     * what its domains last said to reconciliation, by provider id.
     */
    static ChainView view(ChainEntity c, Optional<String> waiting, Map<String, ReportedFlows.Stored> words) {
        ConcreteChain chain = c.concrete();
        List<ChainView.DomainView> domains = c.domains().stream().map(d -> {
            ReportedFlows.Word w = ReportedFlows.lastWord(words.get(d.providerId()), d.status().name(), d.commandedAt(), d.flowEntries());
            return new ChainView.DomainView(d.providerId(), d.status(), d.reason(), d.segments(), w.flowEntries(), w.state(),
                    w.reportedAt(), w.source());
        }).toList();
        return new ChainView(c.id(), c.buyerId(), c.state(), c.reason() == null ? waiting.orElse(null) : c.reason(), c.order(), c.latencyMs(), c.pricePerHour(),
                chain == null ? List.of() : chain.hops(), chain == null ? List.of() : chain.path(), domains, c.substitutionId(),
                c.createdAt(), c.activatedAt(), c.updatedAt());
    }

    /** The newest chains, optionally only those in {@code state} and only {@code buyerId}'s. */
    @Transactional
    public List<ChainView> list(Optional<ChainState> state, Optional<String> buyerId, int limit) {
        List<ChainEntity> found = chains.newest(state.orElse(null), buyerId.orElse(null), limit);
        Map<String, Map<String, ReportedFlows.Stored>> words = reported.loadAll(found.stream().map(ChainEntity::id).toList());
        Instant now = Instant.now();
        return found.stream().map(c -> view(c, delivery.waiting(c, now), words.getOrDefault(c.id(), Map.of()))).toList();
    }

    /** The ACTIVE chains that use an instance or cross a link. */
    @Transactional
    public List<Affected> activeOn(SubjectKind kind, String subjectId) {
        List<Affected> out = new ArrayList<>();
        for (String id : chains.using(kind, subjectId)) {
            chains.read(id).filter(c -> c.state() == ChainState.ACTIVE).ifPresent(c -> out.add(Affected.of(c)));
        }
        return out;
    }

    /** A DEGRADED chain, the chain it holds, and the withdrawal its proposed move was triggered by. */
    public record AwaitingApproval(String chainId, ConcreteChain chain, Substitution.Trigger withdrawal) {
    }

    /**
     * The DEGRADED chains whose move, proposed on a withdrawal of an offer or a link they use (a trigger with no
     * metric), waits for an operator's approval. Chains in set-up or substitution are not DEGRADED.
     */
    @Transactional
    public List<AwaitingApproval> awaitingApprovalAfterWithdrawal() {
        List<AwaitingApproval> out = new ArrayList<>();
        for (Object[] row : em.createQuery("SELECT c.id, c.concreteJson, s.triggerJson FROM ChainEntity c, SubstitutionEntity s "
                        + "WHERE c.state = :degraded AND s.id = c.substitutionId AND s.status = :proposed AND s.triggerKind IN :kinds "
                        + "ORDER BY c.id", Object[].class)
                .setParameter("degraded", ChainState.DEGRADED).setParameter("proposed", Substitution.Status.PROPOSED)
                .setParameter("kinds", List.of(SubjectKind.INSTANCE.name(), SubjectKind.LINK.name())).getResultList()) {
            Substitution.Trigger t = Json.read((String) row[2], Substitution.Trigger.class);
            if (t.metric() == null && row[1] != null) {
                out.add(new AwaitingApproval((String) row[0], Json.read((String) row[1], ConcreteChain.class), t));
            }
        }
        return out;
    }

    @Transactional
    public Optional<Substitution> substitution(String id) {
        return chains.substitution(id, false).map(SubstitutionEntity::toRecord);
    }

    /** What an operator filters substitutions by; empty fields filter nothing. */
    public record SubstitutionFilter(Optional<String> chainId, Optional<String> provider, Optional<String> triggerKind,
                                     Optional<Substitution.Status> status) {
    }

    /** The newest substitutions first, filtered by chain, provider (of the trigger or any hop), trigger kind and status. */
    @Transactional
    public List<Substitution> substitutions(SubstitutionFilter f, int limit) {
        String like = f.provider().map(p -> "%\"providerId\":\"" + p + "\"%").orElse(null);
        return em.createQuery("SELECT s FROM SubstitutionEntity s WHERE (:chain IS NULL OR s.chainId = :chain) "
                        + "AND (:kind IS NULL OR s.triggerKind = :kind) AND (:status IS NULL OR s.status = :status) "
                        + "AND (:like IS NULL OR s.triggerJson LIKE :like OR s.beforeJson LIKE :like OR s.afterJson LIKE :like) "
                        + "ORDER BY s.triggeredAt DESC, s.updatedAt DESC", SubstitutionEntity.class)
                .setParameter("chain", f.chainId().orElse(null)).setParameter("kind", f.triggerKind().orElse(null))
                .setParameter("status", f.status().orElse(null)).setParameter("like", like)
                .setMaxResults(limit).getResultList().stream().map(SubstitutionEntity::toRecord).toList();
    }
}
