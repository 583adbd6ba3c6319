package org.chainmarket.adapters.api;

import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck.FlowEntry;
import org.chainmarket.schemas.model.DomainSegment;
import org.chainmarket.schemas.model.DomainSegment.Attachment;
import org.chainmarket.schemas.model.DomainSegment.Waypoint;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The shared intra-domain planner. Domain "p": a line a - b - c (1 ms links), a second a - b link of 5 ms listed
 * first, a detour a - d - c (2 ms links), sites at a, b and c (none at d), a border link c - x9 to provider q.
 */
class FlowPlannerTest {
    static final ProviderId P = ProviderId.of("p");
    static final ProviderId Q = ProviderId.of("q");
    static final ChainId CH = ChainId.of("ch");
    static final ProviderDomain DOMAIN = new ProviderDomain(P, "P",
            List.of(sw("a"), sw("b"), sw("c"), sw("d")),
            List.of(site("sa", "a"), site("sb", "b"), site("sc", "c")),
            List.of(link("a", "b", 5), link("a", "b", 1), link("b", "c", 1), link("a", "d", 2), link("d", "c", 2)),
            List.of(new ProviderDomain.BorderLink("c", Q, "x9", 1, 1000)));
    final FlowPlanner planner = new FlowPlanner(DOMAIN);

    @Test
    void aVnfInTheMiddleGetsAnOutAndABackEntryAndRaisesTheStage() {
        List<FlowEntry> entries = planner.plan(CH, List.of(segment(0, host("a"), List.of(vnf(0, "fw", "b")), border("c", "x9"))));

        assertThat(entries).containsExactly(
                entry("a", 0, "host", "to:b"),
                entry("b", 0, "to:a", "vnf:fw"),
                entry("b", 1, "vnf:fw", "to:c"),
                entry("c", 1, "to:b", "border:x9"));
    }

    @Test
    void ofParallelLinksTheLowestLatencyOneCounts() {
        // a-b is listed at 5 ms, then at 1 ms: over the 5 ms link a-b-c (6 ms) would lose to the detour a-d-c (4 ms);
        // over the 1 ms link it wins (2 ms)
        List<FlowEntry> entries = planner.plan(CH, List.of(segment(0, host("a"), List.of(), host("c"))));

        assertThat(entries).extracting(FlowEntry::switchId).containsExactly("a", "b", "c");
    }

    @Test
    void aSwitchLeftForAVnfAndReEnteredOnTheSamePortIsToldApartByTheStage() {
        // b -> a (fw-a) -> b -> c (fw-c) -> b -> a (fw-a2) -> b (host): b receives the chain on to:a at stages 1 and 3,
        // and on to:c at stage 2
        List<FlowEntry> entries = planner.plan(CH, List.of(segment(0, host("b"),
                List.of(vnf(0, "fw-a", "a"), vnf(1, "fw-c", "c"), vnf(2, "fw-a2", "a")), host("b"))));

        assertThat(entries).containsExactly(
                entry("b", 0, "host", "to:a"),
                entry("a", 0, "to:b", "vnf:fw-a"),
                entry("a", 1, "vnf:fw-a", "to:b"),
                entry("b", 1, "to:a", "to:c"),
                entry("c", 1, "to:b", "vnf:fw-c"),
                entry("c", 2, "vnf:fw-c", "to:b"),
                entry("b", 2, "to:c", "to:a"),
                entry("a", 2, "to:b", "vnf:fw-a2"),
                entry("a", 3, "vnf:fw-a2", "to:b"),
                entry("b", 3, "to:a", "host"));
    }

    @Test
    void theStageStartsAtTheHopsTheTrafficHasVisitedBeforeEntering() {
        DomainSegment s = new DomainSegment(P, 1, 2, border("c", "x9"), List.of(vnf(2, "fw", "c")), host("a"));

        assertThat(planner.plan(CH, List.of(s))).containsExactly(
                entry("c", 2, "border:x9", "vnf:fw"),
                entry("c", 3, "vnf:fw", "to:b"),
                entry("b", 3, "to:c", "to:a"),
                entry("a", 3, "to:b", "host"));
    }

    @Test
    void twoSegmentsOfOneChainThroughTheSameSwitchAtDifferentStagesKeepBoth() {
        // out over the border at stage 0 and back in from it at stage 1 (the VNF in between is another provider's)
        List<FlowEntry> entries = planner.plan(CH, List.of(
                segment(0, host("b"), List.of(), border("c", "x9")),
                new DomainSegment(P, 2, 1, border("c", "x9"), List.of(), host("b"))));

        assertThat(entries).containsExactly(
                entry("b", 0, "host", "to:c"),
                entry("c", 0, "to:b", "border:x9"),
                entry("c", 1, "border:x9", "to:b"),
                entry("b", 1, "to:c", "host"));
    }

    @Test
    void refusesWhatTheDomainCannotCarryOutAndSaysWhy() {
        assertThat(refusal(segment(0, host("zz"), List.of(), host("c"))))
                .isEqualTo("segment 0: entry switch 'zz' is unknown in domain p");
        assertThat(refusal(segment(0, host("a"), List.of(), host("x9"))))
                .isEqualTo("segment 0: exit switch 'x9' belongs to provider q, outside domain p");
        assertThat(refusal(segment(0, host("a"), List.of(vnf(4, "fw-d", "d")), host("c"))))
                .isEqualTo("segment 0: waypoint hop 4 (offer fw-d) is at switch 'd', which has no site in domain p");
        assertThat(refusal(segment(0, host("a"), List.of(vnf(1, "fw-x", "x9")), host("c"))))
                .isEqualTo("segment 0: waypoint hop 1 (offer fw-x) is at switch 'x9', which belongs to provider q, outside domain p");
        assertThat(refusal(segment(0, border("a", "b"), List.of(), host("c"))))
                .isEqualTo("segment 0: entry peer switch 'b' is a switch of domain p; a border hand-off leads to another provider");
        assertThat(refusal(new DomainSegment(Q, 3, host("a"), List.of(), host("c"))))
                .isEqualTo("segment 3 belongs to provider q, not p");
    }

    @Test
    void checkRefusesWithTheSameReasonsWithoutRouting() {
        assertThatThrownBy(() -> planner.check(segment(0, host("a"), List.of(vnf(0, "fw-d", "d")), host("c"))))
                .isInstanceOf(PlanException.class)
                .hasMessage("segment 0: waypoint hop 0 (offer fw-d) is at switch 'd', which has no site in domain p");
        planner.check(segment(0, host("a"), List.of(vnf(0, "fw", "b")), border("c", "x9")));
    }

    @Test
    void refusesASwitchThatNoLinkReaches() {
        ProviderDomain split = new ProviderDomain(P, "P", List.of(sw("a"), sw("b")),
                List.of(site("sa", "a"), site("sb", "b")), List.of(), List.of());

        assertThatThrownBy(() -> new FlowPlanner(split).plan(CH, List.of(segment(0, host("a"), List.of(), host("b")))))
                .isInstanceOf(PlanException.class)
                .hasMessage("segment 0: no path inside domain p from a to b");
    }

    @Test
    void rejectsAnInconsistentDomainDescription() {
        assertThatThrownBy(() -> new FlowPlanner(new ProviderDomain(P, "P", List.of(sw("a"), sw("a")), List.of(), List.of(), List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("domain p: switch 'a' is listed twice");
        assertThatThrownBy(() -> new FlowPlanner(new ProviderDomain(P, "P", List.of(sw("a")), List.of(),
                List.of(link("a", "q", 1)), List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("domain p: link a-q names unknown switch 'q'");
        assertThatThrownBy(() -> new FlowPlanner(new ProviderDomain(P, "P", List.of(sw("a")), List.of(),
                List.of(link("a", "a", 1)), List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("domain p: link a-a is a loop");
        assertThatThrownBy(() -> new FlowPlanner(new ProviderDomain(P, "P", List.of(sw("a"), sw("b")), List.of(),
                List.of(link("a", "b", -1)), List.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("domain p: link a-b has latency -1.0 ms; it must be 0 or more");
        assertThatThrownBy(() -> new FlowPlanner(new ProviderDomain(P, "P", List.of(sw("a")), List.of(site("s", "z")),
                List.of(), List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("domain p: site s is at unknown switch 'z'");
    }

    private String refusal(DomainSegment segment) {
        try {
            planner.plan(CH, List.of(segment));
        } catch (PlanException e) {
            return e.getMessage();
        }
        throw new AssertionError("the planner accepted " + segment);
    }

    static FlowEntry entry(String switchId, int stage, String inPort, String output) {
        return new FlowEntry(switchId, CH.value(), stage, FlowPlanner.PRIORITY, inPort, List.of("output:" + output));
    }

    static DomainSegment segment(int sequence, Attachment entry, List<Waypoint> waypoints, Attachment exit) {
        return new DomainSegment(P, sequence, entry, waypoints, exit);
    }

    static Attachment host(String switchId) {
        return new Attachment(switchId, null);
    }

    static Attachment border(String switchId, String peer) {
        return new Attachment(switchId, peer);
    }

    static Waypoint vnf(int hop, String offer, String switchId) {
        return new Waypoint(hop, OfferId.of(offer), switchId);
    }

    static ProviderDomain.Switch sw(String id) {
        return new ProviderDomain.Switch(id, id, null, null);
    }

    static ProviderDomain.Site site(String id, String switchId) {
        return new ProviderDomain.Site(id, switchId, 8, 16);
    }

    static ProviderDomain.Link link(String from, String to, double ms) {
        return new ProviderDomain.Link(from, to, ms, 1000);
    }
}
