package org.chainmarket.broker.chain;

import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import org.chainmarket.broker.outbox.OutboxRelay;
import org.chainmarket.broker.registry.MarketReadModel;
import org.chainmarket.broker.registry.Registry;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.ChainOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.selection.ChainSelector;
import org.chainmarket.selection.SelectionResult;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The chain saga. Orders are selected on the read model, then reserved and stored in one transaction (retrying
 * selection when a concurrent order took the capacity); domains' acknowledgements move the chain to ACTIVE,
 * a refusal or a missed deadline fails it and rolls the other domains back. After every commit the read model
 * is brought in line and the outbox relay is woken.
 */
@Context
public class ChainService {
    /** How many acknowledgements are applied in one transaction. */
    static final int ACK_CHUNK = 50;
    private static final Logger LOG = LoggerFactory.getLogger(ChainService.class);
    private final ChainStore store;
    private final ChainSelector selector;
    private final MarketReadModel market;
    private final Registry registry;
    private final OutboxRelay relay;
    private final Duration timeout;
    private final int attempts;
    private volatile boolean closing;

    public ChainService(ChainStore store, ChainSelector selector, MarketReadModel market, Registry registry, OutboxRelay relay,
                        @Value("${chainmarket.delivery-timeout}") Duration timeout,
                        @Value("${chainmarket.selection-attempts}") int attempts) {
        this.store = store;
        this.selector = selector;
        this.market = market;
        this.registry = registry;
        this.relay = relay;
        this.timeout = timeout;
        this.attempts = attempts;
    }

    /** The outcome of an order: the stored chain, and the rejection when there was one. */
    public record Ordered(ChainView chain, Optional<SelectionResult.Rejected> rejection) {
    }

    /** Selects, reserves and stores an order; {@code idempotencyKey} (or null) is stored with the chain, unique per buyer. */
    public Ordered order(ChainOrder order, String idempotencyKey) {
        ChainId id = ChainId.of(UUID.randomUUID().toString());
        SelectionResult.Rejected rejection = null;
        for (int attempt = 0; attempt < attempts && rejection == null; attempt++) {
            SelectionResult result = selector.select(market.snapshot(), order);
            if (result instanceof SelectionResult.Rejected r) {
                rejection = r;
            } else if (result instanceof SelectionResult.Selected s) {
                try {
                    applied(store.start(id, order, s.chain(), timeout, idempotencyKey));
                    return new Ordered(view(id.value()).orElseThrow(), Optional.empty());
                } catch (CapacityTakenException e) {
                    registry.offer(e.offerId()).ifPresent(o -> market.setReservation(OfferId.of(o.id), o.reservedMbps, o.reservedChains));
                }
            }
        }
        if (rejection == null) {
            rejection = new SelectionResult.Rejected(SelectionResult.Constraint.OFFER_CAPACITY, null, "Concurrent orders took the "
                    + "capacity of every chain selected for this order " + attempts + " times in a row; the market is nearly full.");
        }
        store.reject(id, order, rejection.reason(), idempotencyKey);
        relay.wakeUp();
        return new Ordered(view(id.value()).orElseThrow(), Optional.of(rejection));
    }

    public Optional<ChainView> view(String id) {
        return store.view(id);
    }

    /** The newest chains, optionally only in {@code state} and only {@code buyerId}'s (null: every buyer's). */
    public List<ChainView> list(org.chainmarket.schemas.model.ChainState state, String buyerId, int limit) {
        return store.list(state, buyerId, limit).stream().map(this::view).flatMap(Optional::stream).toList();
    }

    /** Starts tearing a chain down; empty when unknown. Chains that hold nothing are returned as they are. */
    public Optional<ChainView> delete(String id) {
        Optional<ChainStore.Transition> t = store.requestTeardown(ChainId.of(id), timeout);
        t.ifPresent(x -> applied(x.holdings()));
        return t.flatMap(x -> view(x.chain().id));
    }

    /**
     * Applies domains' acknowledgements, {@value #ACK_CHUNK} to a transaction with their chains locked in id order
     * (each chain's own in the order received); a chunk that fails is applied one acknowledgement at a time.
     */
    public void acknowledged(List<ChainStore.Ack> acks) {
        List<ChainStore.Ack> sorted = new ArrayList<>(acks);
        sorted.sort(Comparator.comparing(a -> a.ack().chainId().value()));
        for (int from = 0; from < sorted.size(); from += ACK_CHUNK) {
            List<ChainStore.Ack> chunk = sorted.subList(from, Math.min(sorted.size(), from + ACK_CHUNK));
            try {
                applied(store.acknowledge(chunk));
            } catch (RuntimeException e) {
                if (chunk.size() == 1) {
                    throw e;
                }
                LOG.debug("applying {} acknowledgements together failed ({}); applying them one by one", chunk.size(), e.toString());
                chunk.forEach(a -> applied(store.acknowledge(List.of(a))));
            }
        }
    }

    @Scheduled(fixedDelay = "${chainmarket.deadline-sweep-interval}", initialDelay = "1s")
    void expireOverdue() {
        if (closing) {
            return;
        }
        List<ChainStore.Transition> expired;
        do {
            expired = store.expireOverdue(Instant.now(), 100);
            expired.forEach(t -> applied(t.holdings()));
        } while (expired.size() == 100);
    }

    /** Brings the read model in line with a committed transaction and wakes the outbox relay. */
    void applied(Holdings h) {
        h.offers().forEach((offer, r) -> market.setReservation(offer, r.mbps(), r.chains()));
        h.links().forEach(l -> market.useLinks(l.path(), l.mbps()));
        relay.wakeUp();
    }

    Duration timeout() {
        return timeout;
    }

    /** Stops the deadline sweep before the database goes away at shutdown. */
    @PreDestroy
    void close() {
        closing = true;
    }
}
