package org.chainmarket.broker.quote;

import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.ConcreteChain;

import java.time.Instant;
import java.util.List;

/**
 * A quote: the feasible chains on the trade-off between price and latency (cheapest first; each faster than the one
 * before), valid until {@code expiresAt}. {@code recommended} is the point an order without a quote would get
 * (least price + latency weight x latency). Order a point with {@code POST /api/v1/chains?quote=<quoteId>&point=<n>}.
 */
public record Quote(String quoteId, Instant expiresAt, ChainOrder order, int recommended, List<Point> points) {

    /** One chain of the front: its hops (offer, provider, site), predicted end-to-end latency, price and why it is here. */
    public record Point(int point, double pricePerHour, double predictedLatencyMs, List<ConcreteChain.Hop> hops,
                        List<String> providers, String why) {
    }
}
