package org.chainmarket.schemas.model;

/** Lifecycle of a bought chain. */
public enum ChainState {
    /** Selected and reserved; waiting for every domain to install its segments. */
    SETTING_UP,
    /** Every domain acknowledged; traffic flows through the chain. */
    ACTIVE,
    /** A hop or link of the chain degraded; a substitution is being chosen or waits for an operator's approval. */
    DEGRADED,
    /** A substitution is being installed: the new segments go in before the old ones come out. */
    SUBSTITUTING,
    /** No concrete chain meets the order; nothing was reserved. */
    REJECTED,
    /** A domain failed or did not answer in time; the other domains were rolled back. */
    FAILED,
    /** The buyer ended the chain; domains are removing their segments. */
    TEARING_DOWN,
    /** Every domain removed its segments and the capacity is released. */
    TERMINATED;

    /** Whether the chain holds reserved capacity in this state. */
    public boolean holdsCapacity() {
        return this == SETTING_UP || this == ACTIVE || this == DEGRADED || this == SUBSTITUTING || this == TEARING_DOWN;
    }
}
