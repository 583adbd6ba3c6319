package org.chainmarket.adapters.openflow;

import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFFlowStatsReply;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPortStatsEntry;
import org.projectfloodlight.openflow.protocol.OFPortStatsReply;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.OFVlanVidMatch;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

import java.util.ArrayList;
import java.util.List;

import static org.chainmarket.adapters.openflow.SwitchConnection.OF;
import static org.chainmarket.adapters.openflow.SwitchConnection.await;
import static org.chainmarket.adapters.openflow.SwitchConnection.call;

/** Reads a switch's counters back: OpenFlow multipart FLOW_STATS (filtered by cookie) and PORT_STATS. */
final class SwitchStats {
    private SwitchStats() {
    }

    /**
     * The flows of {@code switchId} in {@code table} (or {@link TableId#ALL}) whose cookie matches {@code cookie} under
     * {@code mask} (mask 0: every flow), as the switch reports them.
     */
    static List<OFFlowStatsEntry> entries(SwitchConnection c, String switchId, TableId table, long cookie, long mask) {
        List<OFMessage> replies = await(call(() -> c.request(OF.buildFlowStatsRequest().setXid(c.nextXid())
                .setTableId(table).setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY).setCookie(U64.of(cookie))
                .setCookieMask(U64.of(mask)).setMatch(OF.buildMatch().build()).build())), "read the flow statistics of " + switchId);
        List<OFFlowStatsEntry> out = new ArrayList<>();
        for (OFMessage m : replies) {
            out.addAll(((OFFlowStatsReply) m).getEntries());
        }
        return out;
    }

    /** The rules (table 0) of {@code switchId} whose cookie matches {@code cookie} under {@code mask} (mask 0: every rule). */
    static List<FlowStat> flows(SwitchConnection c, String switchId, long cookie, long mask) {
        List<FlowStat> out = new ArrayList<>();
        for (OFFlowStatsEntry e : entries(c, switchId, TableId.of(0), cookie, mask)) {
            OFPort in = e.getMatch().get(MatchField.IN_PORT);
            OFVlanVidMatch vlan = e.getMatch().get(MatchField.VLAN_VID);
            String outPort = null;
            for (OFInstruction i : e.getInstructions()) {
                if (i instanceof OFInstructionApplyActions apply) {
                    for (OFAction a : apply.getActions()) {
                        if (a instanceof OFActionOutput o) {
                            outPort = label(c, o.getPort());
                        }
                    }
                }
            }
            out.add(new FlowStat(switchId, in == null ? null : label(c, in), vlan == null ? null : (int) vlan.getVlan(),
                    outPort, e.getCookie().getValue(), e.getPriority(), e.getPacketCount().getValue(),
                    e.getByteCount().getValue()));
        }
        return out;
    }

    /** Every port's counters on {@code switchId}. */
    static List<PortStat> ports(SwitchConnection c, String switchId) {
        List<OFMessage> replies = await(call(() -> c.request(OF.buildPortStatsRequest().setXid(c.nextXid())
                .setPortNo(OFPort.ANY).build())), "read the port statistics of " + switchId);
        List<PortStat> out = new ArrayList<>();
        for (OFMessage m : replies) {
            for (OFPortStatsEntry e : ((OFPortStatsReply) m).getEntries()) {
                int n = e.getPortNo().getPortNumber();
                out.add(new PortStat(switchId, n, c.portName(n), e.getRxPackets().getValue(), e.getTxPackets().getValue(),
                        e.getRxBytes().getValue(), e.getTxBytes().getValue(), e.getRxDropped().getValue(),
                        e.getTxDropped().getValue()));
            }
        }
        return out;
    }

    static String label(SwitchConnection c, OFPort port) {
        if (port.equals(OFPort.IN_PORT)) {
            return "in_port";
        }
        String name = c.portName(port.getPortNumber());
        return name == null ? String.valueOf(port.getPortNumber()) : name;
    }
}
