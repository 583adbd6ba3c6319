package org.chainmarket.broker.chain;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.context.event.ApplicationEventPublisher;
import org.chainmarket.broker.cluster.SweepLeader;
import org.chainmarket.broker.placement.OrderRejected;
import org.chainmarket.broker.registry.MarketReadModel;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.ChainState;
import org.chainmarket.selection.ChainSelector;
import org.chainmarket.selection.SelectionResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Buying and ending chains. Orders are selected on the read model, then reserved and stored in one transaction
 * (retrying selection when a concurrent order took the capacity); domains' acknowledgements are applied in
 * batches; a sweep ends chains past their deadline.
 */
@Context
public class ChainService {
    /** How many acknowledgements are applied in one transaction. */
    static final int ACK_CHUNK = 50;
    private static final Logger LOG = LoggerFactory.getLogger(ChainService.class);
    private final ChainTransactions tx;
    private final ChainQueries queries;
    private final ChainSelector selector;
    private final MarketReadModel market;
    private final ReservationLedger ledger;
    private final Duration timeout;
    private final int attempts;
    private final SweepLeader leader;
    private final ApplicationEventPublisher<OrderRejected> rejections;

    public ChainService(ChainTransactions tx, ChainQueries queries, ChainSelector selector, MarketReadModel market, ReservationLedger ledger,
                        SweepLeader leader, @Value("${chainmarket.delivery-timeout}") Duration timeout,
                        @Value("${chainmarket.selection-attempts}") int attempts, ApplicationEventPublisher<OrderRejected> rejections) {
        this.rejections = rejections;
        this.tx = tx;
        this.queries = queries;
        this.selector = selector;
        this.market = market;
        this.ledger = ledger;
        this.timeout = timeout;
        this.attempts = attempts;
        this.leader = leader;
    }

    /** The outcome of an order: the stored chain, and the rejection when there was one. */
    public record Ordered(ChainView chain, Optional<SelectionResult.Rejected> rejection) {
    }

    /** Selects, reserves and stores an order; {@code idempotencyKey} (or null) is stored with the chain, unique per buyer. */
    public Ordered order(ChainOrder order, String idempotencyKey) {
        ChainId id = ChainId.of(UUID.randomUUID().toString());
        SelectionResult.Rejected rejection = null;
        CapacityTakenException taken = null;
        for (int attempt = 0; attempt < attempts && rejection == null; attempt++) {
            SelectionResult result = selector.select(market.snapshot(), order);
            if (result instanceof SelectionResult.Rejected r) {
                rejection = r;
            } else if (result instanceof SelectionResult.Selected s) {
                try {
                    return new Ordered(tx.start(id, order, s.chain(), timeout, idempotencyKey), Optional.empty());
                } catch (CapacityTakenException e) {
                    ledger.refresh(e);
                    taken = e;
                }
            }
        }
        if (rejection == null) {
            boolean link = taken != null && taken.isLink();
            rejection = new SelectionResult.Rejected(link ? SelectionResult.Constraint.LINK_BANDWIDTH : SelectionResult.Constraint.OFFER_CAPACITY,
                    null, "Concurrent orders took the capacity of every chain selected for this order " + attempts + " times in a row ("
                    + (link ? "link " : "offer ") + (taken == null ? "" : taken.subjectId()) + " last); the market is nearly full.");
        }
        tx.reject(id, order, rejection.reason(), idempotencyKey);
        rejections.publishEvent(new OrderRejected(id, order, rejection.constraint().name(), rejection.hopIndex(), Instant.now()));
        return new Ordered(view(id.value()).orElseThrow(), Optional.of(rejection));
    }

    public Optional<ChainView> view(String id) {
        return queries.view(id);
    }

    /** The newest chains; all of them when {@code state} is null; only {@code buyerId}'s unless it is null. */
    public List<ChainView> list(ChainState state, String buyerId, int limit) {
        return queries.list(Optional.ofNullable(state), Optional.ofNullable(buyerId), limit);
    }

    /**
     * Starts tearing {@code buyerId}'s chain down, in one transaction that also checks whose it is; empty when unknown
     * or another buyer's. Chains that hold nothing are returned as they are.
     */
    public Optional<ChainView> delete(String id, String buyerId) {
        return tx.requestTeardown(ChainId.of(id), buyerId, timeout);
    }

    /**
     * Applies domains' acknowledgements, {@value #ACK_CHUNK} to a transaction with their chains locked in id order
     * (each chain's own in the order received); a chunk that fails is applied one acknowledgement at a time.
     */
    public void acknowledged(List<ChainTransactions.Ack> acks) {
        List<ChainTransactions.Ack> sorted = new ArrayList<>(acks);
        sorted.sort(Comparator.comparing(a -> a.ack().chainId().value()));
        for (int from = 0; from < sorted.size(); from += ACK_CHUNK) {
            List<ChainTransactions.Ack> chunk = sorted.subList(from, Math.min(sorted.size(), from + ACK_CHUNK));
            try {
                tx.acknowledge(chunk);
            } catch (RuntimeException e) {
                if (chunk.size() == 1) {
                    throw e;
                }
                LOG.debug("applying {} acknowledgements together failed ({}); applying them one by one", chunk.size(), e.toString());
                chunk.forEach(a -> tx.acknowledge(List.of(a)));
            }
        }
    }

    /** Ends chains past their deadline; cluster-wide: only the replica that {@link SweepLeader leads} sweeps. */
    @Scheduled(fixedDelay = "${chainmarket.deadline-sweep-interval}", initialDelay = "1s")
    void expireOverdue() {
        if (!leader.leads()) {
            return;
        }
        while (tx.expireOverdue(Instant.now(), 100) == 100) {
            // a full batch: more may be overdue
        }
    }

    Duration timeout() {
        return timeout;
    }
}
