package org.chainmarket.broker.chain;

import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.ConcreteChain;

/** A chain hit by a degradation, as re-selection needs it: its order and the chain it holds now. */
public record Affected(String chainId, ChainOrder order, ConcreteChain chain) {
    static Affected of(ChainEntity c) {
        return new Affected(c.id(), c.order(), c.concrete());
    }
}
