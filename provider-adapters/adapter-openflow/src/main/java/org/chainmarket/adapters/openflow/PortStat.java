package org.chainmarket.adapters.openflow;

/** One OpenFlow port's counters as the switch reports them (OpenFlow port statistics). */
public record PortStat(String switchId, int portNumber, String portName, long rxPackets, long txPackets, long rxBytes,
                       long txBytes, long rxDropped, long txDropped) {
}
