package org.chainmarket.schemas.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one provider domain actually holds, chain by chain, as its adapter read it at {@code at} (the domain's clock),
 * the {@code sequence}-th report of the adapter's run. {@code full}: the list is complete, so a chain not listed holds
 * nothing in the domain; otherwise only the listed chains are vouched for. Sent when the adapter starts and on a period.
 */
public record DomainStateReport(String reportId, ProviderId providerId, Instant at, long sequence, boolean full,
                                Trigger trigger, List<HeldChain> chains) {
    public DomainStateReport {
        chains = chains == null ? List.of() : List.copyOf(chains);
    }

    /** Why the report was sent. */
    public enum Trigger { START, PERIODIC }

    /** One chain the domain holds, with its flow entries (for SRv6: its classification lists and SIDs). */
    public record HeldChain(ChainId chainId, List<DomainAck.FlowEntry> flowEntries) {
        public HeldChain {
            Objects.requireNonNull(chainId, "chainId");
            flowEntries = flowEntries == null ? List.of() : List.copyOf(flowEntries);
        }
    }

    /** The listed chains' entries by chain id. */
    public Map<ChainId, List<DomainAck.FlowEntry>> byChain() {
        Map<ChainId, List<DomainAck.FlowEntry>> out = new TreeMap<>();
        chains.forEach(c -> out.put(c.chainId(), c.flowEntries()));
        return out;
    }
}
