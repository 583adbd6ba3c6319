package org.chainmarket.adapters.openflow;

import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck.FlowEntry;
import org.chainmarket.schemas.model.DomainSegment;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The logical entries the OpenFlow adapter installs (no switch needed). */
class ChainPlannerTest {
    static final ProviderId P = ProviderId.of("p");
    static final ProviderDomain DOMAIN = new ProviderDomain(P, "P",
            List.of(new ProviderDomain.Switch("a", "a", null, null), new ProviderDomain.Switch("b", "b", null, null),
                    new ProviderDomain.Switch("c", "c", null, null)),
            List.of(new ProviderDomain.Site("sb", "b", 1, 1)),
            List.of(new ProviderDomain.Link("a", "b", 1, 100), new ProviderDomain.Link("b", "c", 1, 100)), List.of());

    @Test
    void aVnfInTheMiddleGetsAnOutAndABackEntryOnItsSwitch() {
        DomainSegment s = new DomainSegment(P, 0, new DomainSegment.Attachment("a", null),
                List.of(new DomainSegment.Waypoint(0, OfferId.of("fw"), "b")), new DomainSegment.Attachment("c", "x9"));
        List<FlowEntry> entries = new ChainPlanner(DOMAIN).plan(ChainId.of("ch"), List.of(s));
        assertThat(entries).extracting(e -> e.switchId() + " " + e.inPort() + " " + e.actions().get(0)).containsExactly(
                "a host output:to:b", "b to:a output:vnf:fw", "b vnf:fw output:to:c", "c to:b output:border:x9");
    }

    @Test
    void aSwitchOutsideTheDomainIsRefusedWithTheReason() {
        DomainSegment s = new DomainSegment(P, 0, new DomainSegment.Attachment("a", null), List.of(),
                new DomainSegment.Attachment("zz", null));
        assertThatThrownBy(() -> new ChainPlanner(DOMAIN).plan(ChainId.of("ch"), List.of(s)))
                .hasMessage("segment 0: exit switch 'zz' is not a switch of domain p");
    }

    @Test
    void cookiesAreStablePerChainAndDiffer() {
        assertThat(OpenFlowDomain.cookieOf(ChainId.of("a"))).isEqualTo(OpenFlowDomain.cookieOf(ChainId.of("a")))
                .isNotEqualTo(OpenFlowDomain.cookieOf(ChainId.of("b")));
    }
}
