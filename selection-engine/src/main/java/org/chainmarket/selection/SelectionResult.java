package org.chainmarket.selection;

import org.chainmarket.schemas.model.ConcreteChain;

/** The outcome of selecting one chain: a concrete chain, or a rejection naming the constraint that cannot be met. */
public sealed interface SelectionResult {

    /** A concrete chain and its objective value (lower is better). */
    record Selected(ConcreteChain chain, double objective) implements SelectionResult {
    }

    /**
     * No concrete chain meets the order. {@code constraint} is one of {@link Constraint}'s names,
     * {@code hopIndex} the hop at fault when there is one, {@code reason} says it in words a buyer understands.
     */
    record Rejected(Constraint constraint, Integer hopIndex, String reason) implements SelectionResult {
    }

    /** The hard constraints a rejection can name. */
    enum Constraint {
        UNKNOWN_ENDPOINT, VNF_TYPE, PROVIDER_POLICY, OFFER_CAPACITY, LINK_BANDWIDTH, LATENCY, BUDGET, LATENCY_AND_BUDGET
    }
}
