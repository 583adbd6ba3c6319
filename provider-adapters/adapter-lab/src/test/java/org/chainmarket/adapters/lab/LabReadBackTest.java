package org.chainmarket.adapters.lab;

import org.chainmarket.adapters.api.HeldState;
import org.chainmarket.adapters.openflow.OpenFlowDomain;
import org.chainmarket.adapters.srv6.Srv6Domain;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainAck.FlowEntry;
import org.chainmarket.schemas.model.DomainCommand;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chainmarket.adapters.lab.Drive.segment;
import static org.chainmarket.adapters.lab.Drive.setup;
import static org.chainmarket.adapters.lab.Drive.teardown;

/**
 * Both real adapters read what their data plane holds back from it (OpenFlow flow statistics, the kernel's routes and
 * rules) and report a full snapshot: after an adapter restart with the rules still in place, the report lists exactly
 * them under their chains; after the data plane is emptied by hand, it lists nothing and the same SETUP (what the
 * broker's reconciliation sends) makes traffic flow again; a chain nobody asked this run for is reported, and a
 * TEARDOWN of it leaves nothing.
 */
class LabReadBackTest extends LabFixture {
    static final ChainId OF_A = ChainId.of("3f2b8c1e-5a7d-4e9b-9c0d-1a2b3c4d5e6f");
    static final ChainId OF_B = ChainId.of("of-readback-second-chain-with-a-long-id.0123456789:abcdefghijklmnop");
    static final ChainId SR_A = ChainId.of("9d1c7a52-0e3b-4f6a-8b2d-7c6e5f4a3b21");

    static DomainCommand ofA() {
        return setup(OF_A, Lab.OVS, segment(Lab.OVS, "a1", null, "a2", null, "a-fw1@a1", "a-mon@a2"));
    }

    static DomainCommand ofB() {
        return setup(OF_B, Lab.OVS, segment(Lab.OVS, "a2", "b1", "a1", null, "a-fw2@a2"));
    }

    static DomainCommand srA() {
        return setup(SR_A, Lab.SRV6, segment(Lab.SRV6, "b1", null, "b2", null, "b-dpi1@b1", "b-nat@b2"));
    }

    @Test
    void aRestartedOpenFlowAdapterReportsExactlyTheRulesStillOnTheSwitches() {
        DomainAck a = run(ovs, ofA());
        DomainAck b = run(ovs, ofB());
        assertOpenFlowChainCarries(20);

        restartOpenFlow();
        HeldState held = ovs.held().orElseThrow();

        assertThat(held.full()).as("read back from the switches, the report is complete").isTrue();
        assertThat(held.chains()).containsOnlyKeys(OF_A, OF_B);
        assertThat(Set.copyOf(held.chains().get(OF_A))).isEqualTo(Set.copyOf(a.flowEntries()));
        assertThat(Set.copyOf(held.chains().get(OF_B))).isEqualTo(Set.copyOf(b.flowEntries()));
        assertThat(ovs.chains()).containsExactlyInAnyOrder(OF_A, OF_B);
        lab.resetCounters();
        assertOpenFlowChainCarries(20);

        DomainAck again = run(ovs, ofA());
        assertThat(Set.copyOf(again.flowEntries())).as("the same SETUP changes nothing").isEqualTo(Set.copyOf(a.flowEntries()));
        assertThat(ovs.held().orElseThrow().chains()).containsOnlyKeys(OF_A, OF_B);
    }

    @Test
    void openFlowRulesDeletedByHandAreAbsentFromTheReportAndTheSameSetupBringsTrafficBack() {
        DomainAck a = run(ovs, ofA());
        lab.ofctl("a1", "del-flows");
        lab.ofctl("a2", "del-flows");
        lab.resetCounters();
        assertThat(lab.ping(Lab.H_A1, Lab.address(Lab.H_A2), 5, 50)).isEqualTo(5);
        assertThat(lab.receivedTotal(Lab.H_A2)).as("nothing is forwarded without the rules").isZero();

        HeldState held = ovs.held().orElseThrow();
        assertThat(held.full()).isTrue();
        assertThat(held.chains()).as("what the switches lost is not reported").isEmpty();

        DomainAck reinstalled = run(ovs, ofA());
        assertThat(Set.copyOf(reinstalled.flowEntries())).isEqualTo(Set.copyOf(a.flowEntries()));
        lab.resetCounters();
        assertOpenFlowChainCarries(20);
        assertThat(Set.copyOf(ovs.held().orElseThrow().chains().get(OF_A))).isEqualTo(Set.copyOf(a.flowEntries()));
    }

    @Test
    void openFlowRulesOfAChainNobodyAskedThisRunForAreReportedAndATeardownRemovesThem() {
        ChainId ghost = ChainId.of("ghost-of-an-earlier-run");
        run(ovs, setup(ghost, Lab.OVS, segment(Lab.OVS, "a1", null, "a2", null, "a-fw1@a1")));
        restartOpenFlow();
        // a rule with a chain cookie but no name flow, as if written by hand
        long nobody = OpenFlowDomain.cookieOf(ChainId.of("nobody"));
        lab.ofctl("a2", "add-flow", "cookie=0x" + Long.toHexString(nobody) + ",table=0,priority=100,in_port=a2-b1,actions=output:a2-host");

        Map<ChainId, List<FlowEntry>> held = ovs.held().orElseThrow().chains();
        ChainId unnamed = held.keySet().stream().filter(c -> !c.equals(ghost)).findFirst().orElseThrow();
        assertThat(held).containsOnlyKeys(ghost, unnamed);
        assertThat(unnamed.value()).isEqualTo("unnamed-openflow-" + String.format("%016x", nobody));
        assertThat(held.get(unnamed)).singleElement().satisfies(e -> {
            assertThat(e.switchId()).isEqualTo("a2");
            assertThat(e.inPort()).isEqualTo("border:b1");
            assertThat(e.actions()).containsExactly("output:host");
        });

        run(ovs, teardown(ghost, Lab.OVS));
        run(ovs, teardown(unnamed, Lab.OVS));
        assertThat(lab.dumpFlows("a1")).isEmpty();
        assertThat(lab.dumpFlows("a2")).isEmpty();
        assertThat(ovs.held().orElseThrow().chains()).isEmpty();
    }

    @Test
    void aRestartedSrv6AdapterReportsExactlyTheRoutesStillInTheKernel() {
        DomainAck a = run(srv6, srA());
        assertSrv6ChainCarries(20);

        restartSrv6();
        HeldState held = srv6.held().orElseThrow();

        assertThat(held.full()).isTrue();
        assertThat(held.chains()).containsOnlyKeys(SR_A);
        assertThat(Set.copyOf(held.chains().get(SR_A))).isEqualTo(Set.copyOf(a.flowEntries()));
        lab.resetCounters();
        assertSrv6ChainCarries(20);

        Map<String, List<String>> before = kernel();
        DomainAck again = run(srv6, srA());
        assertThat(Set.copyOf(again.flowEntries())).isEqualTo(Set.copyOf(a.flowEntries()));
        assertThat(kernel()).as("the same SETUP leaves the kernel as it was").isEqualTo(before);
    }

    @Test
    void srv6RoutesFlushedByHandAreAbsentFromTheReportAndTheSameSetupBringsTrafficBack() {
        DomainAck a = run(srv6, srA());
        for (String ns : srv6.namespaces()) {
            lab.flushSrv6(ns);
        }
        lab.resetCounters();
        assertThat(lab.ping(Lab.H_B1, Lab.address(Lab.H_B2), 5, 50)).isEqualTo(5);
        assertThat(lab.receivedTotal(Lab.H_B2)).isZero();

        HeldState held = srv6.held().orElseThrow();
        assertThat(held.full()).isTrue();
        assertThat(held.chains()).isEmpty();

        DomainAck reinstalled = run(srv6, srA());
        assertThat(Set.copyOf(reinstalled.flowEntries())).isEqualTo(Set.copyOf(a.flowEntries()));
        lab.resetCounters();
        assertSrv6ChainCarries(20);
    }

    @Test
    void srv6StateOfAChainNobodyAskedThisRunForIsReportedAndATeardownRemovesIt() {
        ChainId ghost = ChainId.of("srv6-ghost-of-an-earlier-run");
        DomainAck g = run(srv6, setup(ghost, Lab.SRV6, segment(Lab.SRV6, "b1", null, "b2", null, "b-nat@b2")));
        restartSrv6();

        Map<ChainId, List<FlowEntry>> held = srv6.held().orElseThrow().chains();
        assertThat(held).containsOnlyKeys(ghost);
        assertThat(Set.copyOf(held.get(ghost))).isEqualTo(Set.copyOf(g.flowEntries()));

        run(srv6, teardown(ghost, Lab.SRV6));
        for (String ns : srv6.namespaces()) {
            assertThat(srv6.kernelState(ns)).as("routes and rules left in %s", ns).isEmpty();
        }
        assertThat(srv6.held().orElseThrow().chains()).isEmpty();
    }

    private static void restartOpenFlow() {
        ovs.close(); // disconnects; fail_mode=secure keeps the rules on the switches
        ovs = new OpenFlowDomain(lab.openFlowConfig());
        drive.activate(ovs);
        ovs.awaitSwitches(Duration.ofSeconds(30));
    }

    private static void restartSrv6() {
        srv6.close();
        srv6 = new Srv6Domain(lab.srv6Config());
        drive.activate(srv6);
    }

    private static Map<String, List<String>> kernel() {
        Map<String, List<String>> out = new java.util.TreeMap<>();
        for (String ns : srv6.namespaces()) {
            out.put(ns, srv6.kernelState(ns));
        }
        return out;
    }

    private static void assertOpenFlowChainCarries(int count) {
        assertThat(lab.ping(Lab.H_A1, Lab.address(Lab.H_A2), count, 50)).isEqualTo(count);
        for (Lab.Arrival a : lab.expectedArrivals(List.of("a-fw1", "a-mon"), Lab.H_A2)) {
            assertThat(lab.received(a.node(), a.fromStamp())).as("echo requests at %s last stamped by %s", a.node(), a.fromStamp())
                    .isEqualTo(count);
        }
    }

    private static void assertSrv6ChainCarries(int count) {
        assertThat(lab.ping(Lab.H_B1, Lab.address(Lab.H_B2), count, 50)).isEqualTo(count);
        for (Lab.Arrival a : lab.expectedArrivals(List.of("b-dpi1", "b-nat"), Lab.H_B2)) {
            assertThat(lab.received(a.node(), a.fromStamp())).as("echo requests at %s last stamped by %s", a.node(), a.fromStamp())
                    .isEqualTo(count);
        }
    }
}
