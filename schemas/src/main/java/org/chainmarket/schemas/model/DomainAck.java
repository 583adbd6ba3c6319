package org.chainmarket.schemas.model;

import java.time.Instant;
import java.util.List;

/** A domain's answer to a {@link DomainCommand}: done (with the flow entries it installed) or failed (with why). */
public record DomainAck(String commandId, ChainId chainId, ProviderId providerId, DomainCommand.Operation operation,
                        boolean success, String reason, List<FlowEntry> flowEntries, Instant at) {
    public DomainAck {
        flowEntries = flowEntries == null ? List.of() : List.copyOf(flowEntries);
    }

    /** One match/action rule on one switch, tagged with the chain it belongs to. */
    public record FlowEntry(String switchId, String chainTag, int priority, String inPort, List<String> actions) {
        public FlowEntry {
            actions = List.copyOf(actions);
        }
    }
}
