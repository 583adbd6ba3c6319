package org.chainmarket.broker.quote;

import com.fasterxml.jackson.core.type.TypeReference;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.chainmarket.broker.chain.CapacityTakenException;
import org.chainmarket.broker.chain.ChainTransactions;
import org.chainmarket.broker.chain.ChainView;
import org.chainmarket.broker.registry.MarketReadModel;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.Objective;
import org.chainmarket.selection.OfferState;
import org.chainmarket.selection.SelectionResult;
import org.chainmarket.selection.exact.LayeredParetoSelector;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Quotes an order on the read model without reserving anything (the exact selector's Pareto front of price against
 * latency), keeps the quote in PostgreSQL until it expires, and orders a quoted chain as quoted: reserved in the
 * chain's own transaction ({@link ChainTransactions#start}) only while the quote is valid, its prices unchanged and
 * its capacity still free.
 */
@Singleton
public class QuoteService {
    private final EntityManager em;
    private final MarketReadModel market;
    private final ChainTransactions tx;
    private final LayeredParetoSelector selector;
    private final Objective objective;
    private final Duration ttl;
    private final int maxPoints;
    private final Duration timeout;

    public QuoteService(EntityManager em, MarketReadModel market, ChainTransactions tx,
                        @Value("${chainmarket.latency-weight}") double latencyWeight,
                        @Value("${chainmarket.quote.ttl:5m}") Duration ttl,
                        @Value("${chainmarket.quote.max-points:5}") int maxPoints,
                        @Value("${chainmarket.delivery-timeout}") Duration timeout) {
        this.em = em;
        this.market = market;
        this.tx = tx;
        this.objective = new Objective(latencyWeight);
        this.selector = new LayeredParetoSelector(objective);
        this.ttl = ttl;
        this.maxPoints = maxPoints;
        this.timeout = timeout;
    }

    /** A quote, or the rejection that says which constraint fails at which hop. */
    public record Quoted(Quote quote, SelectionResult.Rejected rejection) {
    }

    @Transactional
    public Quoted quote(ChainOrder order) {
        List<SelectionResult> front = selector.front(market.snapshot(), order, maxPoints);
        if (front.get(0) instanceof SelectionResult.Rejected r) {
            return new Quoted(null, r);
        }
        List<ConcreteChain> chainsOnFront = front.stream().map(r -> ((SelectionResult.Selected) r).chain()).toList();
        int recommended = 0;
        for (int i = 1; i < chainsOnFront.size(); i++) {
            if (score(chainsOnFront.get(i)) < score(chainsOnFront.get(recommended)) - 1e-9) {
                recommended = i;
            }
        }
        List<Quote.Point> points = new ArrayList<>();
        for (int i = 0; i < chainsOnFront.size(); i++) {
            points.add(point(i, chainsOnFront, recommended));
        }
        Instant now = Instant.now();
        Quote quote = new Quote(UUID.randomUUID().toString(), now.plus(ttl), order, recommended, points);
        em.createNativeQuery("DELETE FROM quote WHERE expires_at < ?1").setParameter(1, now.minus(ttl)).executeUpdate();
        em.createNativeQuery("INSERT INTO quote (id, buyer_id, order_json, chains_json, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                .setParameter(1, quote.quoteId()).setParameter(2, order.buyerId()).setParameter(3, Json.text(order))
                .setParameter(4, Json.text(chainsOnFront)).setParameter(5, now).setParameter(6, quote.expiresAt())
                .executeUpdate();
        return new Quoted(quote, null);
    }

    private double score(ConcreteChain c) {
        return objective.of(c.latencyMs(), c.pricePerHour());
    }

    private Quote.Point point(int i, List<ConcreteChain> front, int recommended) {
        ConcreteChain c = front.get(i);
        List<String> why = new ArrayList<>();
        if (i == 0) {
            why.add("the cheapest chain that meets the order");
        } else {
            ConcreteChain cheaper = front.get(i - 1);
            why.add(String.format(Locale.ROOT, "%.2f ms faster than point %d for %.2f EUR/h more", cheaper.latencyMs() - c.latencyMs(),
                    i - 1, c.pricePerHour() - cheaper.pricePerHour()));
        }
        if (i == front.size() - 1 && front.size() > 1) {
            why.add("the fastest chain found that meets the order");
        }
        if (i == recommended) {
            why.add(String.format(Locale.ROOT, "recommended: least price + %.2f EUR/h per ms of latency, the chain an order without a quote gets",
                    objective.latencyWeight()));
        }
        List<String> providers = c.hops().stream().map(h -> h.providerId().value()).distinct().toList();
        return new Quote.Point(i, c.pricePerHour(), c.latencyMs(), c.hops(), providers, String.join("; ", why));
    }

    /**
     * Orders point {@code point} of quote {@code quoteId} for {@code order} (which must be the quoted order): the
     * quoted chain is reserved and set up as quoted, or a {@link QuoteException} says what changed.
     */
    @Transactional
    public ChainView order(ChainOrder order, String quoteId, int point) {
        return order(order, quoteId, point, null);
    }

    /** As {@link #order(ChainOrder, String, int)}, storing the order's Idempotency-Key (or null) with the chain. */
    @Transactional
    public ChainView order(ChainOrder order, String quoteId, int point, String idempotencyKey) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT order_json, chains_json, expires_at FROM quote WHERE id = ?1")
                .setParameter(1, quoteId).getResultList();
        if (rows.isEmpty()) {
            throw new QuoteException(404, "quote-not-found", "There is no quote with id '" + quoteId + "' (quotes are kept until they expire).");
        }
        Object[] row = rows.get(0);
        Instant expires = row[2] instanceof java.sql.Timestamp t ? t.toInstant() : row[2] instanceof java.time.OffsetDateTime o ? o.toInstant() : (Instant) row[2];
        if (Instant.now().isAfter(expires)) {
            List<ConcreteChain> quotedChains = readChains((String) row[1]);
            String since = point < 0 || point >= quotedChains.size() ? null : changes(market.snapshot(), quotedChains.get(point), order);
            throw new QuoteException(422, "quote-expired", "Quote " + quoteId + " expired at " + expires + (since == null
                    ? "; its point " + point + " would still be available: ask for a new quote." : "; since then " + since + " Ask for a new quote."));
        }
        ChainOrder quoted = Json.read((String) row[0], ChainOrder.class);
        if (!quoted.equals(order)) {
            throw new QuoteException(422, "quote-mismatch", "The order is not the one quoted in " + quoteId + ": quoted " + Json.text(quoted));
        }
        List<ConcreteChain> front = readChains((String) row[1]);
        if (point < 0 || point >= front.size()) {
            throw new QuoteException(404, "quote-not-found", "Quote " + quoteId + " has points 0 to " + (front.size() - 1) + ", not " + point + ".");
        }
        ConcreteChain chain = front.get(point);
        MarketSnapshot now = market.snapshot();
        String changed = changes(now, chain, order);
        if (changed != null) {
            throw new QuoteException(409, "quote-stale", "Point " + point + " of quote " + quoteId + " can no longer be honoured: " + changed);
        }
        ChainId id = ChainId.of(UUID.randomUUID().toString());
        try {
            return tx.start(id, order, chain, timeout, idempotencyKey);
        } catch (CapacityTakenException e) {
            throw new QuoteException(409, "quote-stale", "Point " + point + " of quote " + quoteId + " can no longer be honoured: "
                    + e.getMessage() + ".");
        }
    }

    private static List<ConcreteChain> readChains(String json) {
        try {
            return Json.MAPPER.readValue(json, new TypeReference<List<ConcreteChain>>() { });
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored quote is not JSON", e);
        }
    }

    /** What changed since the chain was quoted (a hop's offer withdrawn, repriced or full; a link full), or null. */
    static String changes(MarketSnapshot now, ConcreteChain chain, ChainOrder order) {
        Map<OfferId, OfferState> offers = now.offers().stream().collect(Collectors.toMap(o -> o.offer().offerId(), Function.identity(), (a, b) -> a));
        for (ConcreteChain.Hop h : chain.hops()) {
            OfferState o = offers.get(h.offerId());
            if (o == null) {
                return "hop " + h.index() + "'s offer " + h.offerId().value() + " was withdrawn.";
            }
            double price = o.offer().priceFor(order.bandwidthMbps());
            if (Math.abs(price - h.pricePerHour()) > 1e-9) {
                return String.format(Locale.ROOT, "hop %d's offer %s now costs %.2f EUR/h instead of %.2f EUR/h.", h.index(),
                        h.offerId().value(), price, h.pricePerHour());
            }
            if (!o.fits(order.bandwidthMbps())) {
                return String.format(Locale.ROOT, "hop %d's offer %s has %.2f Mbit/s and %d chain slots free, the order needs %.2f Mbit/s.",
                        h.index(), h.offerId().value(), o.freeMbps(), o.freeChains(), order.bandwidthMbps());
            }
        }
        if (!now.fits(chain, order)) {
            return "a link on the quoted path no longer has " + order.bandwidthMbps() + " Mbit/s free.";
        }
        return null;
    }
}
