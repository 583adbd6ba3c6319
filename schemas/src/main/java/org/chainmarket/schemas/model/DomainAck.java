package org.chainmarket.schemas.model;

import java.time.Instant;
import java.util.List;

/** A domain's answer to a {@link DomainCommand}: done (with the flow entries it installed) or failed (with why). */
public record DomainAck(String commandId, ChainId chainId, ProviderId providerId, DomainCommand.Operation operation,
                        boolean success, String reason, List<FlowEntry> flowEntries, Instant at) {
    public DomainAck {
        flowEntries = flowEntries == null ? List.of() : List.copyOf(flowEntries);
    }

    /**
     * The {@code ce_id} of the acknowledgement of {@code commandId} by {@code providerId}:
     * {@code ack:<providerId>:<commandId>}. A repeated answer to one command is therefore the same event, and a consumer
     * that records the event ids it applied (the broker) applies it once. {@code CloudEvents.decode} rejects an
     * acknowledgement whose {@code ce_id} is not this.
     */
    public static String eventId(ProviderId providerId, String commandId) {
        return "ack:" + providerId.value() + ":" + commandId;
    }

    /**
     * One match/action rule on one switch. It matches packets of the chain {@code chainTag} at {@code stage} (how
     * many of the chain's VNFs they have visited: a service index counted up, as NSH carries it) arriving on
     * {@code inPort}. The stage tells apart two visits of one switch on one port, as when a chain goes out to a
     * VNF and comes back over the same border link.
     */
    public record FlowEntry(String switchId, String chainTag, int stage, int priority, String inPort, List<String> actions) {
        public FlowEntry {
            actions = List.copyOf(actions);
        }

        /** An entry at stage 0 (before any VNF). */
        public FlowEntry(String switchId, String chainTag, int priority, String inPort, List<String> actions) {
            this(switchId, chainTag, 0, priority, inPort, actions);
        }
    }
}
