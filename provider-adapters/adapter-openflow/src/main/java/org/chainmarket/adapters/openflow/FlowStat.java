package org.chainmarket.adapters.openflow;

/**
 * One flow entry of a chain as the switch reports it (OpenFlow flow statistics): where it matches ({@code in_port}
 * name, and the stage tag's VLAN id or null), where it outputs ({@code in_port} when back out of the port it came
 * in on), and its counters.
 */
public record FlowStat(String switchId, String inPort, Integer vlan, String outPort, long cookie, int priority,
                       long packets, long bytes) {
}
