package org.chainmarket.broker.usage;

import org.chainmarket.schemas.model.ChainState;
import org.chainmarket.schemas.model.ConcreteChain;

/**
 * What a chain carries after one of its steps: its state, the hops it holds and its bandwidth. Every step tells it
 * (the chain's announcement); the {@link UsageLedger} turns it into usage segments in the step's transaction.
 * {@code carriedBefore} is false when the chain had never carried traffic before this step (it was never ACTIVE until
 * now), so it holds no usage segment and none is looked for.
 */
public record Carriage(String chainId, String buyerId, ChainState state, ConcreteChain chain, double mbps, boolean carriedBefore) {

    /** A chain that may have carried before (its open segments are looked up). */
    public Carriage(String chainId, String buyerId, ChainState state, ConcreteChain chain, double mbps) {
        this(chainId, buyerId, state, chain, mbps, true);
    }

    /** Whether the chain carries traffic, and so accrues usage: from activation until it ends or fails. */
    public boolean billable() {
        return chain != null && (state == ChainState.ACTIVE || state == ChainState.DEGRADED || state == ChainState.SUBSTITUTING);
    }
}
