package org.chainmarket.broker.registry;

import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.chainmarket.schemas.model.ProviderId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Each provider's domain health, as a circuit breaker over what its domain does with the broker's commands. A domain
 * that refuses a set-up or leaves a command unanswered past its delivery deadline counts a failure; after
 * {@code chainmarket.providers.failure-threshold} in a row its circuit opens: selection leaves out its offers and
 * the links into and inside its domain ({@link MarketReadModel}), so orders go to other providers at once. After a
 * back-off ({@code open-for}, doubled each time it opens again, at most {@code max-open-for}) the circuit is half open:
 * the next chain that needs the domain is its probe (no other one is sent there meanwhile); an answer in time closes
 * the circuit, a failure opens it again. Any answer in time resets the count.
 */
@Singleton
public class ProviderHealth {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderHealth.class);
    private final MarketReadModel market;
    private final int threshold;
    private final Duration openFor;
    private final Duration maxOpenFor;
    private final Duration probeWait;
    private final Map<String, Circuit> circuits = new HashMap<>();

    public ProviderHealth(MarketReadModel market, @Value("${chainmarket.providers.failure-threshold}") int threshold,
                          @Value("${chainmarket.providers.open-for}") Duration openFor,
                          @Value("${chainmarket.providers.max-open-for}") Duration maxOpenFor,
                          @Value("${chainmarket.delivery-timeout}") Duration deliveryTimeout,
                          @Value("${chainmarket.delivery-patience}") Duration deliveryPatience) {
        this.market = market;
        this.probeWait = deliveryTimeout.plus(deliveryPatience);
        this.threshold = Math.max(1, threshold);
        this.openFor = openFor;
        this.maxOpenFor = maxOpenFor;
    }

    /** CLOSED: selected as usual; OPEN: left out until {@code retryAt}; HALF_OPEN: the next chain that needs it probes it. */
    public enum State { CLOSED, OPEN, HALF_OPEN }

    /**
     * A provider's health: its circuit's state and since when, the last failure, how many failures in a row, and
     * (while open) when it is tried again.
     */
    public record Status(State state, Instant since, String reason, int failures, Instant retryAt) {
        static final Status HEALTHY = new Status(State.CLOSED, null, null, 0, null);
    }

    private static final class Circuit {
        State state = State.CLOSED;
        Instant since;
        String reason;
        int failures;
        int opened;
        Instant retryAt;
        /** When the probe was sent; null while none is out. */
        Instant probing;

        Status status() {
            return new Status(state, since, reason, failures, state == State.OPEN ? retryAt : null);
        }
    }

    public synchronized Status status(String provider) {
        Circuit c = circuits.get(provider);
        return c == null ? Status.HEALTHY : c.status();
    }

    /** The provider's domain refused a command or did not answer it in time. */
    public synchronized void failed(String provider, String reason, Instant now) {
        Circuit c = circuits.computeIfAbsent(provider, p -> new Circuit());
        c.failures++;
        c.reason = reason;
        if (c.since == null) {
            c.since = now;
        }
        if (c.state == State.HALF_OPEN || (c.state == State.CLOSED && c.failures >= threshold)) {
            c.opened++;
            Duration backoff = openFor.multipliedBy(1L << Math.min(20, c.opened - 1));
            backoff = backoff.compareTo(maxOpenFor) > 0 ? maxOpenFor : backoff;
            c.state = State.OPEN;
            c.since = now;
            c.retryAt = now.plus(backoff);
            c.probing = null;
            market.setProviderLeftOut(ProviderId.of(provider), true);
            LOG.warn("provider {}: circuit open after {} failures in a row (last: {}); left out of selection for {} s",
                    provider, c.failures, reason, backoff.toSeconds());
        }
    }

    /** The provider's domain answered a command in time: its circuit closes and its count starts again. */
    public synchronized void answered(String provider) {
        Circuit c = circuits.remove(provider);
        if (c != null && c.state != State.CLOSED) {
            market.setProviderLeftOut(ProviderId.of(provider), false);
            LOG.info("provider {}: answered again, circuit closed", provider);
        }
    }

    /** A chain's set-up was sent to the provider's domain: a half-open one takes no other until it answers. */
    public synchronized void commanded(String provider, Instant now) {
        Circuit c = circuits.get(provider);
        if (c != null && c.state == State.HALF_OPEN && c.probing == null) {
            c.probing = now;
            market.setProviderLeftOut(ProviderId.of(provider), true);
        }
    }

    @Scheduled(fixedDelay = "1s", initialDelay = "1s")
    void halfOpen() {
        halfOpen(Instant.now());
    }

    /**
     * Opens the circuits whose back-off is over to one probe. A probe whose outcome this replica has not seen within
     * the delivery timeout and patience (another replica applied its answer, or its deadline, which the replica that
     * leads the sweeps checks) is over: the next chain that needs the provider probes it again, rather than the
     * provider staying left out here for good.
     */
    synchronized void halfOpen(Instant now) {
        circuits.forEach((provider, c) -> {
            if (c.state == State.OPEN && !now.isBefore(c.retryAt)) {
                c.state = State.HALF_OPEN;
                c.since = now;
                market.setProviderLeftOut(ProviderId.of(provider), false);
                LOG.info("provider {}: circuit half open, the next chain that needs it probes it", provider);
            } else if (c.state == State.HALF_OPEN && c.probing != null && !now.isBefore(c.probing.plus(probeWait))) {
                c.probing = null;
                market.setProviderLeftOut(ProviderId.of(provider), false);
                LOG.info("provider {}: no outcome of its probe seen here in {} s, the next chain that needs it probes it again",
                        provider, probeWait.toSeconds());
            }
        });
    }
}
