package org.chainmarket.adapters.openflow;

/** One flow entry of a chain as the switch reports it (OpenFlow flow statistics). */
public record FlowStat(String switchId, String inPort, String outPort, long cookie, int priority, long packets,
                       long bytes) {
}
