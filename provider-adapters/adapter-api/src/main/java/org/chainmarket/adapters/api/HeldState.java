package org.chainmarket.adapters.api;

import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck.FlowEntry;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a domain holds at {@code at}, chain by chain (what {@link PathProvider#held} answers). {@code full}: the list is
 * complete, so a chain not in it holds nothing in the domain; otherwise only the listed chains are vouched for (a kind
 * that lists its own record of what it installed rather than reading the data plane back).
 */
public record HeldState(Instant at, boolean full, Map<ChainId, List<FlowEntry>> chains) {
    public HeldState {
        TreeMap<ChainId, List<FlowEntry>> copy = new TreeMap<>();
        chains.forEach((c, e) -> copy.put(c, List.copyOf(e)));
        chains = java.util.Collections.unmodifiableSortedMap(copy);
    }
}
