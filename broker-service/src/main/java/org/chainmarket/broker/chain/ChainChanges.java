package org.chainmarket.broker.chain;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import org.chainmarket.broker.registry.MarketReadModel;
import org.chainmarket.schemas.model.ChainChange;
import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.ChainState;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.OfferState;
import org.chainmarket.selection.SelectionResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A buyer's change of a running chain (bandwidth, latency bound, budget). If its hops and path still meet the
 * changed order (capacity free once the chain's own hold is given back, latency and price within the new bounds),
 * capacity is re-reserved in place in one transaction; else the chain is re-selected ({@link Reselection}, keeping
 * what still works) and switched make-before-break as a substitution triggered by the {@code BUYER}. A change nothing
 * can meet is refused with the constraint, and the chain runs on as it was. An accepted change's Idempotency-Key is
 * stored in its own transaction, so a retry answers the chain without changing it twice.
 */
@Singleton
public class ChainChanges {
    private final ChainTransactions tx;
    private final ChainQueries queries;
    private final MarketReadModel market;
    private final Reselection reselection;
    private final ReservationLedger ledger;
    private final ChangeKeys keys;
    private final Duration timeout;
    private final int attempts;

    ChainChanges(ChainTransactions tx, ChainQueries queries, MarketReadModel market, Reselection reselection, ReservationLedger ledger,
                 ChangeKeys keys, @Value("${chainmarket.delivery-timeout}") Duration timeout,
                 @Value("${chainmarket.selection-attempts}") int attempts) {
        this.tx = tx;
        this.queries = queries;
        this.market = market;
        this.reselection = reselection;
        this.ledger = ledger;
        this.keys = keys;
        this.timeout = timeout;
        this.attempts = attempts;
    }

    /** How a change went: the chain changed (in place, or switching under {@code substitutionId}), or refused with why. */
    public record Outcome(ChainView chain, boolean inPlace, String substitutionId, SelectionResult.Rejected refused, boolean replayed) {
    }

    /** A change the key named before, for another chain or with another body. */
    public static final class KeyReused extends RuntimeException {
        private final String chainId;

        KeyReused(String chainId) {
            super("This Idempotency-Key was used for a different change (chain " + chainId + ").");
            this.chainId = chainId;
        }

        public String chainId() {
            return chainId;
        }
    }

    /**
     * Changes chain {@code chainId} (which the caller may see) as {@code change} says; {@link OperationConflictException}
     * when it is not ACTIVE (set up, substituted or ended meanwhile), {@link NotFoundException} when unknown.
     */
    public Outcome change(String chainId, ChainChange change, String buyerId, String idempotencyKey) {
        if (idempotencyKey != null) {
            Optional<ChangeKeys.Named> first = keys.find(buyerId, idempotencyKey);
            if (first.isPresent()) {
                if (!first.get().chainId().equals(chainId) || !first.get().change().equals(change)) {
                    throw new KeyReused(first.get().chainId());
                }
                ChainView now = queries.view(chainId).orElseThrow();
                return new Outcome(now, now.substitutionId() == null, now.substitutionId(), null, true);
            }
        }
        Runnable remember = idempotencyKey == null ? () -> { } : () -> keys.remember(buyerId, idempotencyKey, chainId, change);
        CapacityTakenException taken = null;
        for (int attempt = 0; attempt < attempts; attempt++) {
            ChainView now = queries.view(chainId).orElseThrow(() -> new NotFoundException("chain", chainId));
            if (now.state() != ChainState.ACTIVE) {
                throw new OperationConflictException("Chain " + chainId + " is " + now.state()
                        + " and can be changed only while ACTIVE; it runs on as it is.");
            }
            Affected held = tx.held(chainId).orElseThrow(() -> new NotFoundException("chain", chainId));
            ConcreteChain current = held.chain();
            ChainOrder changed = change.applyTo(held.order());
            try {
                Optional<ConcreteChain> inPlace = inPlace(market.snapshot(), current, held.order().bandwidthMbps(), changed);
                if (inPlace.isPresent()) {
                    tx.changeInPlace(chainId, current, changed, inPlace.get(), remember);
                    return new Outcome(queries.view(chainId).orElseThrow(), true, null, null, false);
                }
                SelectionResult r = reselection.reselect(List.of(new Affected(chainId, changed, current))).get(0);
                if (r instanceof SelectionResult.Rejected rej) {
                    return new Outcome(now, false, null, rej, false);
                }
                tx.changeBySubstitution(chainId, current, changed, ((SelectionResult.Selected) r).chain(), timeout, remember);
                ChainView switching = queries.view(chainId).orElseThrow();
                return new Outcome(switching, false, switching.substitutionId(), null, false);
            } catch (CapacityTakenException e) {
                ledger.refresh(e);
                taken = e;
            }
        }
        boolean link = taken != null && taken.isLink();
        return new Outcome(queries.view(chainId).orElseThrow(), false, null, new SelectionResult.Rejected(
                link ? SelectionResult.Constraint.LINK_BANDWIDTH : SelectionResult.Constraint.OFFER_CAPACITY, null,
                "Concurrent orders took the capacity this change needed " + attempts + " times in a row; the chain runs on as it was."), false);
    }

    /**
     * The chain on the same hops and path at the changed order's bandwidth, re-priced at the offers' prices, if that
     * meets the changed order on {@code snapshot} with the chain's own hold given back; empty otherwise.
     */
    static Optional<ConcreteChain> inPlace(MarketSnapshot snapshot, ConcreteChain current, double mbpsNow, ChainOrder changed) {
        Map<OfferId, OfferState> offers = snapshot.offers().stream()
                .collect(Collectors.toMap(o -> o.offer().offerId(), Function.identity(), (a, b) -> a));
        List<ConcreteChain.Hop> hops = new ArrayList<>();
        double price = 0;
        for (ConcreteChain.Hop h : current.hops()) {
            OfferState o = offers.get(h.offerId());
            if (o == null) {
                return Optional.empty();
            }
            double p = o.offer().priceFor(changed.bandwidthMbps());
            price += p;
            hops.add(new ConcreteChain.Hop(h.index(), h.vnfType(), h.offerId(), h.providerId(), h.siteId(), h.switchId(), h.processingLatencyMs(), p));
        }
        ConcreteChain repriced = new ConcreteChain(hops, current.path(), current.segments(), current.latencyMs(), price);
        return snapshot.withoutChain(current, mbpsNow).fits(repriced, changed) ? Optional.of(repriced) : Optional.empty();
    }
}
