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
import org.chainmarket.schemas.model.ProviderId;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The chain saga's transactions. Each changes a chain's state, its domains, the capacity it holds and the
 * events that announce it in one PostgreSQL transaction (events through the outbox). Chains are locked
 * (SELECT ... FOR UPDATE) while they change, so acknowledgements, deadlines and the buyer never race.
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

    /** A state change; {@code released} is the chain whose capacity was given back by it, if any. */
    public record Transition(ChainEntity chain, Optional<ConcreteChain> released) {
        static Transition none(ChainEntity chain) {
            return new Transition(chain, Optional.empty());
        }
    }

    /** Stores an order no selection can satisfy. */
    @Transactional
    public void reject(ChainId id, ChainOrder order, String reason) {
        ChainEntity c = newChain(id, order, ChainState.REJECTED);
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
    public void start(ChainId id, ChainOrder order, ConcreteChain chain, Duration timeout) {
        ChainEntity c = newChain(id, order, ChainState.SETTING_UP);
        c.concreteJson = Json.text(chain);
        c.latencyMs = chain.latencyMs();
        c.pricePerHour = chain.pricePerHour();
        c.deadlineAt = c.createdAt.plus(timeout);
        em.persist(c);
        em.flush();
        // offers are locked in id order everywhere (here and in release) so concurrent reservations cannot deadlock
        List<ConcreteChain.Hop> byOffer = chain.hops().stream()
                .sorted(Comparator.comparing((ConcreteChain.Hop h) -> h.offerId().value())).toList();
        for (ConcreteChain.Hop hop : byOffer) {
            int reserved = em.createNativeQuery("UPDATE offer SET reserved_mbps = reserved_mbps + ?2, "
                            + "reserved_chains = reserved_chains + 1, updated_at = ?3 WHERE id = ?1 AND NOT withdrawn "
                            + "AND reserved_mbps + ?2 <= capacity_mbps + 1e-9 AND reserved_chains + 1 <= max_chains")
                    .setParameter(1, hop.offerId().value()).setParameter(2, order.bandwidthMbps()).setParameter(3, c.createdAt)
                    .executeUpdate();
            if (reserved == 0) {
                throw new CapacityTakenException(hop.offerId().value());
            }
            em.createNativeQuery("INSERT INTO chain_reservation (chain_id, hop_index, offer_id, mbps) VALUES (?1, ?2, ?3, ?4)")
                    .setParameter(1, id.value()).setParameter(2, hop.index()).setParameter(3, hop.offerId().value())
                    .setParameter(4, order.bandwidthMbps()).executeUpdate();
        }
        Map<ProviderId, List<DomainSegment>> byProvider = chain.segments().stream()
                .collect(Collectors.groupingBy(DomainSegment::providerId, LinkedHashMap::new, Collectors.toList()));
        byProvider.forEach((provider, segments) -> {
            ChainDomainEntity d = new ChainDomainEntity();
            d.key = new ChainDomainEntity.Key(id.value(), provider.value());
            d.segmentsJson = Json.text(segments);
            d.flowEntriesJson = "[]";
            command(c, d, DomainCommand.Operation.SETUP);
            em.persist(d);
        });
        announce(c, chain);
    }

    /** Applies a domain's acknowledgement once; a stale one (for an older command) changes nothing. */
    @Transactional
    public Optional<Transition> acknowledge(String eventId, DomainAck ack) {
        if (!processed.firstTime(ACK_CONSUMER, eventId)) {
            return Optional.empty();
        }
        ChainEntity c = em.find(ChainEntity.class, ack.chainId().value(), LockModeType.PESSIMISTIC_WRITE);
        ChainDomainEntity d = em.find(ChainDomainEntity.class, new ChainDomainEntity.Key(ack.chainId().value(), ack.providerId().value()));
        if (c == null || d == null || !ack.commandId().equals(d.commandId)) {
            return Optional.empty();
        }
        Instant now = Instant.now();
        d.updatedAt = now;
        d.reason = ack.success() ? null : ack.reason();
        if (ack.operation() == DomainCommand.Operation.SETUP) {
            if (!ack.success()) {
                d.status = ChainDomainEntity.Status.FAILED;
                return Optional.of(c.state == ChainState.SETTING_UP
                        ? fail(c, "Provider " + d.key.providerId + " could not set up its segment: " + ack.reason())
                        : Transition.none(c));
            }
            d.status = ChainDomainEntity.Status.INSTALLED;
            d.flowEntriesJson = Json.text(ack.flowEntries());
            if (c.state == ChainState.SETTING_UP && domains(c).stream().allMatch(x -> x.status == ChainDomainEntity.Status.INSTALLED)) {
                c.state = ChainState.ACTIVE;
                c.activatedAt = now;
                c.deadlineAt = null;
                c.updatedAt = now;
                announce(c, concrete(c));
            }
            return Optional.of(Transition.none(c));
        }
        d.status = ChainDomainEntity.Status.REMOVED;
        if (ack.success()) {
            d.flowEntriesJson = "[]";
        }
        if (c.state == ChainState.TEARING_DOWN && domains(c).stream().allMatch(x -> x.status == ChainDomainEntity.Status.REMOVED)) {
            List<String> failed = domains(c).stream().filter(x -> x.reason != null).map(x -> x.key.providerId + ": " + x.reason).toList();
            return Optional.of(terminate(c, failed.isEmpty() ? null : "Removal reported problems: " + String.join("; ", failed)));
        }
        return Optional.of(Transition.none(c));
    }

    /** The buyer ends a chain: every domain is asked to remove its segments. Empty when the chain is unknown. */
    @Transactional
    public Optional<ChainEntity> requestTeardown(ChainId id, Duration timeout) {
        ChainEntity c = em.find(ChainEntity.class, id.value(), LockModeType.PESSIMISTIC_WRITE);
        if (c == null) {
            return Optional.empty();
        }
        if (c.state == ChainState.SETTING_UP || c.state == ChainState.ACTIVE) {
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
        return Optional.of(c);
    }

    /**
     * Ends chains past their deadline: one still setting up fails (naming the silent domains) and is rolled back;
     * one tearing down is terminated, naming the domains that did not confirm.
     */
    @Transactional
    public List<Transition> expireOverdue(Instant now, int limit) {
        @SuppressWarnings("unchecked")
        List<ChainEntity> overdue = em.createNativeQuery("SELECT * FROM chain WHERE state IN ('SETTING_UP', 'TEARING_DOWN') "
                        + "AND deadline_at < ?1 ORDER BY deadline_at LIMIT ?2 FOR UPDATE SKIP LOCKED", ChainEntity.class)
                .setParameter(1, now).setParameter(2, limit).getResultList();
        List<Transition> out = new ArrayList<>();
        for (ChainEntity c : overdue) {
            String seconds = Duration.between(c.updatedAt, c.deadlineAt).toMillis() / 1000.0 + " s";
            if (c.state == ChainState.SETTING_UP) {
                List<String> silent = domains(c).stream().filter(d -> d.status == ChainDomainEntity.Status.INSTALLING)
                        .map(d -> d.key.providerId).toList();
                out.add(fail(c, "Provider " + String.join(", ", silent) + " did not acknowledge the set-up within " + seconds));
            } else {
                List<String> silent = domains(c).stream().filter(d -> d.status == ChainDomainEntity.Status.REMOVING)
                        .map(d -> d.key.providerId).toList();
                out.add(terminate(c, "Provider " + String.join(", ", silent) + " did not confirm removal within " + seconds));
            }
        }
        return out;
    }

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
                domains, c.createdAt, c.activatedAt, c.updatedAt));
    }

    /** Ids of the newest chains, optionally only those in {@code state}. */
    @Transactional
    public List<String> list(ChainState state, int limit) {
        return em.createQuery("SELECT c.id FROM ChainEntity c WHERE (:state IS NULL OR c.state = :state) ORDER BY c.createdAt DESC", String.class)
                .setParameter("state", state).setMaxResults(limit).getResultList();
    }

    private Transition fail(ChainEntity c, String reason) {
        c.state = ChainState.FAILED;
        c.reason = reason;
        c.updatedAt = Instant.now();
        c.deadlineAt = null;
        for (ChainDomainEntity d : domains(c)) {
            if (d.status != ChainDomainEntity.Status.REMOVED) {
                command(c, d, DomainCommand.Operation.TEARDOWN);
            }
        }
        announce(c, concrete(c));
        return new Transition(c, release(c));
    }

    private Transition terminate(ChainEntity c, String reason) {
        c.state = ChainState.TERMINATED;
        c.reason = reason;
        c.updatedAt = Instant.now();
        c.deadlineAt = null;
        announce(c, concrete(c));
        return new Transition(c, release(c));
    }

    /** Gives back every hop's capacity; returns the chain whose hold ended. */
    private Optional<ConcreteChain> release(ChainEntity c) {
        em.createNativeQuery("SELECT o.id FROM offer o JOIN chain_reservation r ON r.offer_id = o.id WHERE r.chain_id = ?1 "
                + "ORDER BY o.id FOR UPDATE OF o").setParameter(1, c.id).getResultList();
        int released = em.createNativeQuery("UPDATE offer o SET reserved_mbps = GREATEST(0, o.reserved_mbps - r.mbps), "
                        + "reserved_chains = o.reserved_chains - 1 FROM chain_reservation r WHERE r.offer_id = o.id AND r.chain_id = ?1")
                .setParameter(1, c.id).executeUpdate();
        em.createNativeQuery("DELETE FROM chain_reservation WHERE chain_id = ?1").setParameter(1, c.id).executeUpdate();
        return released > 0 ? Optional.ofNullable(concrete(c)) : Optional.empty();
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

    private List<ChainDomainEntity> domains(ChainEntity c) {
        return em.createQuery("SELECT d FROM ChainDomainEntity d WHERE d.key.chainId = :id ORDER BY d.key.providerId", ChainDomainEntity.class)
                .setParameter("id", c.id).getResultList();
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
        return c;
    }

    private static ConcreteChain concrete(ChainEntity c) {
        return c.concreteJson == null ? null : Json.read(c.concreteJson, ConcreteChain.class);
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored JSON is unreadable: " + e.getMessage(), e);
        }
    }
}
