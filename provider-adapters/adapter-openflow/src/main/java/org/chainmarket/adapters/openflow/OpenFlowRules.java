package org.chainmarket.adapters.openflow;

import org.chainmarket.adapters.api.PlanException;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck.FlowEntry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the planner's logical entries {@code (switch, stage, in_port) -> output:<port>} become OpenFlow rules. The
 * stage travels in an 802.1Q tag on the domain's own links ({@code to:<neighbour>} ports), VLAN id = stage + 1: an
 * entry that sends onto such a link pushes (or keeps) the tag, one that receives from it matches the tag and pops it
 * before handing the packet to a host, a border link or a VNF. Packets from hosts, border links and VNFs are
 * untagged, so there the in_port alone tells the stage: a chain that would enter one of those ports at two stages (a
 * border link crossed out and back in) cannot be realised and is refused. Pure: no switch is touched.
 */
final class OpenFlowRules {
    /** The highest stage a tag can carry (VLAN ids 1..4094). */
    static final int MAX_STAGE = 4093;

    private OpenFlowRules() {
    }

    /**
     * One rule on one switch, as OpenFlow sees it: the match ({@code in_port}, and the stage tag on a domain link)
     * and the actions (pop the tag, push or keep it, output).
     *
     * @param matchVlan the VLAN id matched, or null when the in_port is not a domain link (no VLAN match)
     * @param pop       whether the tag is removed before output
     * @param pushVlan  the VLAN id pushed before output, or null
     */
    record Rule(String switchId, int priority, String inPort, Integer matchVlan, boolean pop, Integer pushVlan, String outPort) {
        /** What two rules on one switch must not share. */
        Key key() {
            return new Key(switchId, inPort, matchVlan);
        }

        /** Where the rule matches, for messages. */
        String describe() {
            return "switch '" + switchId + "' in_port '" + inPort + "'" + (matchVlan == null ? "" : " vlan " + matchVlan);
        }
    }

    /** A rule's match on one switch. */
    record Key(String switchId, String inPort, Integer matchVlan) {
    }

    /** Whether {@code port} is a link between two switches of the domain (where the stage tag travels). */
    static boolean domainLink(String port) {
        return port.startsWith("to:");
    }

    /**
     * The rules for a chain's entries, one per entry, in the entries' order.
     *
     * @throws PlanException when an entry's stage cannot be carried in a tag, or two entries of the chain would
     *                       enter a host, border or VNF port at different stages
     */
    static List<Rule> of(ChainId chain, List<FlowEntry> entries) {
        List<Rule> rules = new ArrayList<>();
        Map<Key, FlowEntry> byKey = new HashMap<>();
        for (FlowEntry e : entries) {
            if (e.stage() < 0 || e.stage() > MAX_STAGE) {
                throw new PlanException("chain " + chain + " reaches stage " + e.stage() + " at switch '" + e.switchId()
                        + "'; an OpenFlow domain carries stages 0 to " + MAX_STAGE + " in a VLAN tag");
            }
            String out = output(e);
            boolean tagIn = domainLink(e.inPort());
            boolean tagOut = domainLink(out);
            int vlan = e.stage() + 1;
            Rule rule = new Rule(e.switchId(), e.priority(), e.inPort(), tagIn ? vlan : null, tagIn && !tagOut,
                    !tagIn && tagOut ? vlan : null, out);
            FlowEntry earlier = byKey.putIfAbsent(rule.key(), e);
            if (earlier != null) {
                throw new PlanException("switch '" + e.switchId() + "' would receive chain " + chain + " on in_port '"
                        + e.inPort() + "' at stages " + earlier.stage() + " and " + e.stage()
                        + "; packets arrive there untagged, so OpenFlow cannot tell the stages apart");
            }
            rules.add(rule);
        }
        return List.copyOf(rules);
    }

    /**
     * Why {@code next} cannot be installed beside the other chains' rules (a match another chain already uses), or
     * null when it can.
     */
    static String conflict(ChainId chain, List<Rule> next, Map<ChainId, List<Rule>> installed) {
        Map<Key, ChainId> taken = new LinkedHashMap<>();
        installed.forEach((other, rules) -> {
            if (!other.equals(chain)) {
                rules.forEach(r -> taken.put(r.key(), other));
            }
        });
        for (Rule r : next) {
            ChainId other = taken.get(r.key());
            if (other != null) {
                return r.describe() + " already carries chain " + other + "; a packet there has no chain tag, so OpenFlow"
                        + " cannot tell two chains apart";
            }
        }
        return null;
    }

    private static String output(FlowEntry e) {
        String action = e.actions().get(0);
        if (e.actions().size() != 1 || !action.startsWith("output:")) {
            throw new PlanException("entry at switch '" + e.switchId() + "' has actions " + e.actions()
                    + "; an OpenFlow domain realises one output per entry");
        }
        return action.substring("output:".length());
    }
}
