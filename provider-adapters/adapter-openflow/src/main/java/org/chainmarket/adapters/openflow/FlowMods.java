package org.chainmarket.adapters.openflow;

import org.chainmarket.adapters.openflow.OpenFlowRules.Rule;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFMetadata;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.OFVlanVidMatch;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Writes {@link Rule}s as OpenFlow 1.3 flow-mods for one switch connection: logical ports become the bridge's port
 * numbers through {@link OpenFlowConfig.SwitchBinding}, everything goes to table 0 with the cookie it is given; the
 * chain's name flows ({@link ChainCookies}) go to the name table.
 */
final class FlowMods {
    private static final OFFactory OF = SwitchConnection.OF;

    private final java.util.function.Supplier<OpenFlowConfig> wiring;

    /** {@code wiring}: the domain's current wiring (ports may be bound at run time). */
    FlowMods(java.util.function.Supplier<OpenFlowConfig> wiring) {
        this.wiring = wiring;
    }

    /**
     * An add (which overwrites a rule with the same match and priority) of {@code rule}, removed by the switch itself
     * after {@code idleTimeoutSeconds} without a packet (0: kept until deleted), built for the xid it is given.
     */
    IntFunction<OFMessage> add(SwitchConnection c, Rule rule, long cookie, int idleTimeoutSeconds) {
        Match match = match(c, rule);
        List<OFAction> actions = actions(c, rule);
        return xid -> OF.buildFlowAdd().setXid(xid).setCookie(U64.of(cookie)).setPriority(rule.priority())
                .setTableId(TableId.of(0)).setBufferId(OFBufferId.NO_BUFFER).setIdleTimeout(idleTimeoutSeconds)
                .setMatch(match).setInstructions(List.of(OF.instructions().applyActions(actions))).build();
    }

    /**
     * The name flows of a chain ({@link ChainCookies}): one inert flow per chunk of its id in the name table, removed by
     * the switch after {@code idleTimeoutSeconds} (0: kept until deleted), each built for the xid it is given.
     */
    static List<IntFunction<OFMessage>> names(org.chainmarket.schemas.model.ChainId chain, long chainCookie, int idleTimeoutSeconds) {
        List<IntFunction<OFMessage>> out = new ArrayList<>();
        List<byte[]> chunks = ChainCookies.nameChunks(chain);
        for (int i = 0; i < chunks.size(); i++) {
            ByteBuffer b = ByteBuffer.wrap(chunks.get(i));
            long metadata = b.getLong();
            byte[] dst = new byte[6];
            byte[] src = new byte[6];
            b.get(dst).get(src);
            Match match = OF.buildMatch().setExact(MatchField.METADATA, OFMetadata.of(U64.of(metadata)))
                    .setExact(MatchField.ETH_DST, MacAddress.of(dst)).setExact(MatchField.ETH_SRC, MacAddress.of(src)).build();
            int priority = i;
            out.add(xid -> OF.buildFlowAdd().setXid(xid).setCookie(U64.of(ChainCookies.name(chainCookie))).setPriority(priority)
                    .setTableId(TableId.of(ChainCookies.NAME_TABLE)).setBufferId(OFBufferId.NO_BUFFER)
                    .setIdleTimeout(idleTimeoutSeconds).setMatch(match).setInstructions(List.of()).build());
        }
        return out;
    }

    /** A delete of every flow whose cookie equals {@code cookie} under {@code mask}, on every table. */
    static OFMessage deleteByCookie(int xid, long cookie, long mask) {
        return OF.buildFlowDelete().setXid(xid).setCookie(U64.of(cookie)).setCookieMask(U64.of(mask)).setTableId(TableId.ALL)
                .setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY).setMatch(OF.buildMatch().build()).build();
    }

    private Match match(SwitchConnection c, Rule rule) {
        Match.Builder m = OF.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(physical(c, rule, rule.inPort(), false)));
        if (rule.matchVlan() != null) {
            m.setExact(MatchField.VLAN_VID, OFVlanVidMatch.ofVlan(rule.matchVlan()));
        }
        return m.build();
    }

    private List<OFAction> actions(SwitchConnection c, Rule rule) {
        List<OFAction> actions = new ArrayList<>();
        if (rule.pop()) {
            actions.add(OF.actions().popVlan());
        }
        if (rule.pushVlan() != null) {
            actions.add(OF.actions().pushVlan(EthType.VLAN_FRAME));
            actions.add(OF.actions().setField(OF.oxms().vlanVid(OFVlanVidMatch.ofVlan(rule.pushVlan()))));
        }
        int out = physical(c, rule, rule.outPort(), true);
        int in = physical(c, rule, rule.inPort(), false);
        actions.add(OF.actions().output(out == in ? OFPort.IN_PORT : OFPort.of(out), 0xffff));
        return actions;
    }

    private int physical(SwitchConnection c, Rule rule, String logical, boolean toward) {
        OpenFlowConfig config = wiring.get();
        OpenFlowConfig.PortBinding b = config.switches().get(rule.switchId()).ports().get(logical);
        if (b == null) {
            throw new IllegalStateException("switch '" + rule.switchId() + "' of domain " + config.domain().providerId()
                    + " has no port '" + logical + "'");
        }
        String name = toward ? b.toward() : b.from();
        Integer n = c.portNumber(name);
        if (n == null) {
            throw new IllegalStateException("switch '" + rule.switchId() + "' has no OpenFlow port named '" + name
                    + "' (for " + logical + ")");
        }
        return n;
    }
}
