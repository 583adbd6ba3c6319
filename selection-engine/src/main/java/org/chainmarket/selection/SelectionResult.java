package org.chainmarket.selection;

import org.chainmarket.schemas.model.ConcreteChain;

import java.util.Map;

/** The outcome of selecting one chain: a concrete chain, or a rejection naming the constraint that cannot be met. */
public sealed interface SelectionResult {

    /**
     * A concrete chain and its objective value (lower is better). {@code breakdown} gives the chain's score per
     * soft constraint in EUR/h-equivalents (price, latency, inter-domain crossings, changed hops, ...), in the
     * order the constraints are declared; every hard constraint is met by a selected chain.
     */
    record Selected(ConcreteChain chain, double objective, Map<String, Double> breakdown) implements SelectionResult {
        public Selected {
            breakdown = breakdown == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(breakdown));
        }

        /** A selected chain without a per-constraint breakdown. */
        public Selected(ConcreteChain chain, double objective) {
            this(chain, objective, Map.of());
        }
    }

    /**
     * No concrete chain meets the order. {@code constraint} is one of {@link Constraint}'s names,
     * {@code hopIndex} the hop at fault when there is one, {@code reason} says it in words a buyer understands.
     */
    record Rejected(Constraint constraint, Integer hopIndex, String reason) implements SelectionResult {
    }

    /** The hard constraints a rejection can name. */
    enum Constraint {
        UNKNOWN_ENDPOINT, VNF_TYPE, PROVIDER_POLICY, OFFER_CAPACITY, LINK_BANDWIDTH, LATENCY, BUDGET, LATENCY_AND_BUDGET,
        /** The chain's steering (SRv6 or NSH) needs an aware instance or a domain that proxies an unaware one. */
        STEERING_PROXY
    }
}
