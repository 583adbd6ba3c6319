package org.chainmarket.adapters.openflow;

import org.chainmarket.adapters.api.PlanException;
import org.chainmarket.adapters.openflow.OpenFlowRules.Rule;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck.FlowEntry;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.action.OFActionPopVlan;
import org.projectfloodlight.openflow.protocol.action.OFActionSetField;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.protocol.oxm.OFOxmVlanVid;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFMetadata;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.OFVlanVidMatch;
import org.projectfloodlight.openflow.types.TableId;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The one place where the OpenFlow domain reads its chains back from the switches: a FLOW_STATS request per switch
 * for every flow carrying the adapter's cookie mark ({@link ChainCookies}), turned back into the planner's logical
 * entries chain by chain. What it returns is what the switches hold, whatever the adapter remembers:
 * <ul>
 *   <li>a rule (table 0, no idle timeout) becomes the entry {@code (switch, stage from the cookie, in_port) ->
 *       output:<port>} with the bridge's port names turned back into logical ports; a rule whose tag handling is not
 *       what that entry needs gets an extra action saying what was found, so it never equals an acknowledged entry;</li>
 *   <li>a rule with an idle timeout is draining after a replacement (the switch removes it) and is left out;</li>
 *   <li>the chain's id comes from its name flows; a chain hash with rules but no (valid) name is reported as
 *       {@code unnamed-openflow-<cookie>}, so that whoever receives the report can have it removed;</li>
 *   <li>a chain whose name flows are there but no rule is reported with no entries.</li>
 * </ul>
 */
final class FlowReadBack {
    private FlowReadBack() {
    }

    /** One flow of the adapter as a switch reports it, port numbers already turned into the bridge's port names. */
    record Seen(String switchId, int table, long cookie, int priority, int idleTimeout, String inPort, Integer vlan,
                boolean pop, Integer pushVlan, String outPort, byte[] name) {
    }

    /** What one chain holds: its logical entries and the rules as they are on the switches, index by index. */
    record Held(List<FlowEntry> entries, List<Rule> rules) {
    }

    /**
     * Reads every switch of the domain now.
     *
     * @throws IllegalStateException when a switch is not connected or does not answer
     */
    static Map<ChainId, Held> read(OpenFlowConfig config, Switches switches) {
        List<Seen> seen = new ArrayList<>();
        for (String sw : new TreeSet<>(config.switches().keySet())) {
            SwitchConnection c = switches.connection(sw);
            for (OFFlowStatsEntry e : SwitchStats.entries(c, sw, TableId.ALL, ChainCookies.MARK, ChainCookies.MARK_MASK)) {
                seen.add(seen(c, sw, e));
            }
        }
        return assemble(config, seen);
    }

    private static Seen seen(SwitchConnection c, String sw, OFFlowStatsEntry e) {
        Match m = e.getMatch();
        int table = e.getTableId().getValue();
        if (table == ChainCookies.NAME_TABLE) {
            OFMetadata md = m.get(MatchField.METADATA);
            MacAddress dst = m.get(MatchField.ETH_DST);
            MacAddress src = m.get(MatchField.ETH_SRC);
            ByteBuffer b = ByteBuffer.allocate(ChainCookies.NAME_BYTES);
            b.putLong(md == null ? 0 : md.getValue().getValue());
            b.put(dst == null ? new byte[6] : dst.getBytes()).put(src == null ? new byte[6] : src.getBytes());
            return new Seen(sw, table, e.getCookie().getValue(), e.getPriority(), e.getIdleTimeout(), null, null, false, null,
                    null, b.array());
        }
        OFPort in = m.get(MatchField.IN_PORT);
        OFVlanVidMatch vlan = m.get(MatchField.VLAN_VID);
        boolean pop = false;
        Integer push = null;
        String out = null;
        for (OFInstruction i : e.getInstructions()) {
            if (i instanceof OFInstructionApplyActions apply) {
                for (OFAction a : apply.getActions()) {
                    if (a instanceof OFActionPopVlan) {
                        pop = true;
                    } else if (a instanceof OFActionSetField f && f.getField() instanceof OFOxmVlanVid v) {
                        push = (int) v.getValue().getVlan();
                    } else if (a instanceof OFActionOutput o) {
                        out = SwitchStats.label(c, o.getPort());
                    }
                }
            }
        }
        return new Seen(sw, table, e.getCookie().getValue(), e.getPriority(), e.getIdleTimeout(),
                in == null ? null : SwitchStats.label(c, in), vlan == null ? null : (int) vlan.getVlan(), pop, push, out, null);
    }

    /** Groups what the switches reported by chain and turns it back into entries (pure). */
    static Map<ChainId, Held> assemble(OpenFlowConfig config, List<Seen> seen) {
        Map<Long, SortedMap<Integer, byte[]>> names = new LinkedHashMap<>();
        Map<Long, List<Seen>> rules = new LinkedHashMap<>();
        for (Seen s : seen) {
            if (!ChainCookies.ours(s.cookie()) || s.idleTimeout() != 0) {
                continue; // not the adapter's, or draining after a replacement
            }
            long chain = ChainCookies.chainOf(s.cookie());
            if (s.table() == ChainCookies.NAME_TABLE && ChainCookies.low(s.cookie()) == ChainCookies.NAME) {
                names.computeIfAbsent(chain, k -> new TreeMap<>()).putIfAbsent(s.priority(), s.name());
            } else if (s.table() == 0 && ChainCookies.low(s.cookie()) <= OpenFlowRules.MAX_STAGE) {
                rules.computeIfAbsent(chain, k -> new ArrayList<>()).add(s);
            }
        }
        Map<Long, ChainId> ids = new LinkedHashMap<>();
        names.forEach((cookie, chunks) -> ChainCookies.name(cookie, chunks).ifPresent(id -> ids.put(cookie, id)));
        Map<ChainId, Held> out = new LinkedHashMap<>();
        for (long cookie : rules.keySet()) {
            ChainId id = ids.getOrDefault(cookie, ChainCookies.unnamed(cookie));
            List<FlowEntry> entries = new ArrayList<>();
            List<Rule> found = new ArrayList<>();
            for (Seen s : rules.get(cookie)) {
                Rule rule = rule(config, s);
                FlowEntry entry = new FlowEntry(s.switchId(), id.value(), ChainCookies.low(s.cookie()), s.priority(),
                        rule.inPort(), List.of("output:" + rule.outPort()));
                if (!rule.equals(expected(id, entry))) {
                    entry = new FlowEntry(entry.switchId(), entry.chainTag(), entry.stage(), entry.priority(), entry.inPort(),
                            List.of("output:" + rule.outPort(), "as found: match vlan " + s.vlan() + ", pop " + s.pop()
                                    + ", push vlan " + s.pushVlan()));
                }
                entries.add(entry);
                found.add(rule);
            }
            out.put(id, new Held(List.copyOf(entries), List.copyOf(found)));
        }
        ids.forEach((cookie, id) -> out.putIfAbsent(id, new Held(List.of(), List.of())));
        return out;
    }

    /** The rule as it is on the switch, in logical ports (an unknown port keeps its bridge name, prefixed {@code port:}). */
    private static Rule rule(OpenFlowConfig config, Seen s) {
        OpenFlowConfig.SwitchBinding b = config.switches().get(s.switchId());
        String in = logical(b, s.inPort(), false);
        String out = "in_port".equals(s.outPort()) ? logical(b, s.inPort(), true) : logical(b, s.outPort(), true);
        return new Rule(s.switchId(), s.priority(), in, s.vlan(), s.pop(), s.pushVlan(), out);
    }

    private static String logical(OpenFlowConfig.SwitchBinding b, String name, boolean toward) {
        if (b != null && name != null) {
            for (Map.Entry<String, OpenFlowConfig.PortBinding> p : new TreeMap<>(b.ports()).entrySet()) {
                if (name.equals(toward ? p.getValue().toward() : p.getValue().from())) {
                    return p.getKey();
                }
            }
        }
        return "port:" + name;
    }

    /** The rule the adapter would install for {@code entry}, or null when it would install none. */
    private static Rule expected(ChainId chain, FlowEntry entry) {
        try {
            return OpenFlowRules.of(chain, List.of(entry)).get(0);
        } catch (PlanException e) {
            return null;
        }
    }
}
