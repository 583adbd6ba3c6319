package org.chainmarket.schemas.model;

import java.time.Instant;

/** A chain's lifecycle step, as published on the chain events topic. */
public record ChainEvent(ChainId chainId, String buyerId, ChainState state, String reason, ConcreteChain chain,
                         Instant at) {
}
