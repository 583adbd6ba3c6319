package org.chainmarket.adapters.openflow;

import org.chainmarket.adapters.api.FlowPlanner;
import org.chainmarket.adapters.api.PlanException;
import org.chainmarket.adapters.openflow.OpenFlowRules.Rule;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck.FlowEntry;
import org.chainmarket.schemas.model.DomainSegment;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The OpenFlow rules the adapter installs for the shared planner's entries (no switch needed). */
class OpenFlowRulesTest {
    static final ProviderId P = ProviderId.of("p");
    static final ChainId CH = ChainId.of("ch");
    /** Two switches as in the lab: a1 - a2, sites on both, a border link a2 - b1 to provider q. */
    static final ProviderDomain DOMAIN = new ProviderDomain(P, "P",
            List.of(new ProviderDomain.Switch("a1", "a1", null, null), new ProviderDomain.Switch("a2", "a2", null, null)),
            List.of(new ProviderDomain.Site("s1", "a1", 1, 1), new ProviderDomain.Site("s2", "a2", 1, 1)),
            List.of(new ProviderDomain.Link("a1", "a2", 1, 100)),
            List.of(new ProviderDomain.BorderLink("a2", ProviderId.of("q"), "b1", 1, 100)));
    final FlowPlanner planner = new FlowPlanner(DOMAIN);

    @Test
    void theStageTravelsAsAVlanTagOnTheDomainsOwnLinksOnly() {
        List<Rule> rules = OpenFlowRules.of(CH, planner.plan(CH, List.of(segment(host("a1"), host("a2"), "fw1@a1", "mon@a2"))));

        assertThat(rules).containsExactly(
                rule("a1", "host", null, false, null, "vnf:fw1"),
                rule("a1", "vnf:fw1", null, false, 2, "to:a2"),
                rule("a2", "to:a1", 2, true, null, "vnf:mon"),
                rule("a2", "vnf:mon", null, false, null, "host"));
    }

    @Test
    void aSwitchReEnteredOnTheSamePortAtAnotherStageGetsItsOwnRule() {
        // a1 -> a2 (fw2) -> a1 (fw1) -> a2 (mon) -> host: a2 receives the chain on to:a1 at stages 0 and 2
        List<FlowEntry> entries = planner.plan(CH, List.of(segment(host("a1"), host("a2"), "fw2@a2", "fw1@a1", "mon@a2")));
        List<Rule> rules = OpenFlowRules.of(CH, entries);

        assertThat(rules).filteredOn(r -> r.switchId().equals("a2") && r.inPort().equals("to:a1")).containsExactly(
                rule("a2", "to:a1", 1, true, null, "vnf:fw2"),
                rule("a2", "to:a1", 3, true, null, "vnf:mon"));
        assertThat(rules).extracting(Rule::key).doesNotHaveDuplicates();
    }

    @Test
    void aRuleBetweenTwoLinksKeepsTheTag() {
        ProviderDomain line = new ProviderDomain(P, "P",
                List.of(new ProviderDomain.Switch("x", "x", null, null), new ProviderDomain.Switch("y", "y", null, null),
                        new ProviderDomain.Switch("z", "z", null, null)),
                List.of(new ProviderDomain.Site("sx", "x", 1, 1)),
                List.of(new ProviderDomain.Link("x", "y", 1, 100), new ProviderDomain.Link("y", "z", 1, 100)), List.of());
        List<Rule> rules = OpenFlowRules.of(CH, new FlowPlanner(line).plan(CH, List.of(segment(host("x"), host("z"), "fw@x"))));

        assertThat(rules).contains(rule("y", "to:x", 2, false, null, "to:z"));
    }

    @Test
    void twoStagesOnAnUntaggedPortAreRefusedWithTheReason() {
        // in over the border at stage 0, to fw1 and back out; in again from the border at stage 2 (after another
        // provider's VNF): the planner tells the two arrivals apart, an untagged border port cannot
        List<FlowEntry> entries = planner.plan(CH, List.of(
                new DomainSegment(P, 0, 0, border("a2", "b1"), List.of(new DomainSegment.Waypoint(0, OfferId.of("fw1"), "a1")),
                        border("a2", "b1")),
                new DomainSegment(P, 2, 2, border("a2", "b1"), List.of(), host("a1"))));
        assertThat(entries).filteredOn(e -> e.inPort().equals("border:b1")).extracting(FlowEntry::stage).containsExactly(0, 2);

        assertThatThrownBy(() -> OpenFlowRules.of(CH, entries)).isInstanceOf(PlanException.class)
                .hasMessage("switch 'a2' would receive chain ch on in_port 'border:b1' at stages 0 and 2; packets arrive"
                        + " there untagged, so OpenFlow cannot tell the stages apart");
    }

    @Test
    void aMatchAnotherChainUsesIsAConflictNamingIt() {
        List<Rule> first = OpenFlowRules.of(ChainId.of("first"), planner.plan(ChainId.of("first"),
                List.of(segment(host("a1"), host("a2"), "fw1@a1"))));
        List<Rule> second = OpenFlowRules.of(CH, planner.plan(CH, List.of(segment(host("a1"), border("a2", "b1")))));

        assertThat(OpenFlowRules.conflict(CH, second, Map.of(ChainId.of("first"), first)))
                .isEqualTo("switch 'a1' in_port 'host' already carries chain first; a packet there has no chain tag, so"
                        + " OpenFlow cannot tell two chains apart");
        assertThat(OpenFlowRules.conflict(CH, second, Map.of(CH, first))).as("a chain never conflicts with itself").isNull();
    }

    @Test
    void cookiesAreStablePerChainAndDiffer() {
        assertThat(OpenFlowDomain.cookieOf(ChainId.of("a"))).isEqualTo(OpenFlowDomain.cookieOf(ChainId.of("a")))
                .isNotEqualTo(OpenFlowDomain.cookieOf(ChainId.of("b")));
    }

    static Rule rule(String sw, String in, Integer matchVlan, boolean pop, Integer pushVlan, String out) {
        return new Rule(sw, FlowPlanner.PRIORITY, in, matchVlan, pop, pushVlan, out);
    }

    static DomainSegment.Attachment host(String sw) {
        return new DomainSegment.Attachment(sw, null);
    }

    static DomainSegment.Attachment border(String sw, String peer) {
        return new DomainSegment.Attachment(sw, peer);
    }

    /** A segment through offers written "offerId@switch". */
    static DomainSegment segment(DomainSegment.Attachment entry, DomainSegment.Attachment exit, String... offers) {
        List<DomainSegment.Waypoint> w = new java.util.ArrayList<>();
        for (int i = 0; i < offers.length; i++) {
            String[] p = offers[i].split("@");
            w.add(new DomainSegment.Waypoint(i, OfferId.of(p[0]), p[1]));
        }
        return new DomainSegment(P, 0, entry, w, exit);
    }
}
