package org.chainmarket.adapters.lab;

import org.chainmarket.adapters.api.PathProvider;
import org.chainmarket.adapters.openflow.FlowStat;
import org.chainmarket.adapters.openflow.OpenFlowDomain;
import org.chainmarket.adapters.srv6.SidCounter;
import org.chainmarket.adapters.srv6.Srv6Domain;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.chainmarket.adapters.lab.Drive.segment;
import static org.chainmarket.adapters.lab.Drive.setup;
import static org.chainmarket.adapters.lab.Drive.teardown;

/**
 * Both real adapters on the namespace lab, driven with domain commands as the adapter runner would: real echo
 * requests cross the VNFs, and nftables stamps, OpenFlow flow statistics and per-SID counters show where they went.
 */
class LabChainsTest {
    static LabFixture fixture;
    static Lab lab;
    static OpenFlowDomain ovs;
    static Srv6Domain srv6;

    @BeforeAll
    static void start() {
        fixture = LabFixture.start();
        lab = fixture.lab;
        ovs = fixture.ovs();
        srv6 = fixture.srv6();
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @AfterEach
    void removeChainsAndResetCounters() {
        fixture.removeChainsAndResetCounters();
    }

    @Test
    void anOpenFlowChainSteersEveryPacketThroughItsVnfsInOrderAndTheFilterFilters() {
        ChainId chain = ChainId.of("of-single");
        DomainAck ack = run(ovs, setup(chain, Lab.OVS, segment(Lab.OVS, "a1", null, "a2", null, "a-fw1@a1", "a-mon@a2")));
        assertThat(ack.success()).as(ack.reason()).isTrue();
        assertThat(ack.flowEntries()).hasSize(4);

        int sent = lab.ping(Lab.H_A1, Lab.address(Lab.H_A2), 20, 50);
        assertThat(sent).isEqualTo(20);
        assertThat(lab.received("a-fw1", 0)).as("firewall saw the packets straight from the source").isEqualTo(20);
        assertThat(lab.received("a-mon", lab.stamp("a-fw1"))).as("monitor saw them right after the firewall").isEqualTo(20);
        assertThat(lab.received(Lab.H_A2, lab.stamp("a-mon"))).as("destination got them right after the monitor").isEqualTo(20);
        // Open vSwitch's userspace datapath pushes its counters to the OpenFlow rules about twice a second
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ovs.flowStats(chain)).hasSize(4)
                .allSatisfy(s -> assertThat(s.packets()).isGreaterThanOrEqualTo(20)));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ovs.portStats("a1")).anySatisfy(p -> {
            assertThat(p.portName()).isEqualTo("a1-host");
            assertThat(p.rxPackets()).isGreaterThanOrEqualTo(20);
        }));

        lab.sendUdp(Lab.H_A1, Lab.address(Lab.H_A2), 9, 5);
        assertThat(lab.counters("a-fw1").get("dropped")).as("the firewall's nftables rule dropped UDP to port 9").isEqualTo(5);
        assertThat(lab.counters(Lab.H_A2).get("udp9")).isZero();

        assertThat(run(ovs, teardown(chain, Lab.OVS)).success()).isTrue();
        assertThat(ovs.flowStats(chain)).isEmpty();
        assertThat(lab.dumpFlows("a1")).isEmpty();
        assertThat(lab.dumpFlows("a2")).isEmpty();
        lab.resetCounters();
        assertThat(lab.ping(Lab.H_A1, Lab.address(Lab.H_A2), 3, 50)).isEqualTo(3);
        assertThat(lab.receivedTotal(Lab.H_A2)).as("nothing is forwarded without a chain").isZero();
    }

    @Test
    void anOpenFlowChainThatReEntersASwitchOnTheSamePortIsToldApartByItsStage() {
        // a1 -> a2 (a-fw2) -> a1 (a-fw1) -> a2 (a-mon) -> h-a2: a2 receives the chain from a1 twice on one port
        ChainId chain = ChainId.of("of-revisit");
        List<String> offers = List.of("a-fw2", "a-fw1", "a-mon");
        DomainAck ack = run(ovs, setup(chain, Lab.OVS, segment(Lab.OVS, "a1", null, "a2", null, "a-fw2@a2", "a-fw1@a1", "a-mon@a2")));
        assertThat(ack.success()).as(ack.reason()).isTrue();
        assertThat(ack.flowEntries()).filteredOn(e -> e.switchId().equals("a2") && e.inPort().equals("to:a1"))
                .extracting(DomainAck.FlowEntry::stage).containsExactly(0, 2);
        assertThat(ovs.flowStats(chain)).filteredOn(s -> "a2-to-a1".equals(s.inPort()))
                .as("one OpenFlow rule per stage on the re-entered port").extracting(FlowStat::vlan).containsExactlyInAnyOrder(1, 3);

        assertThat(lab.ping(Lab.H_A1, Lab.address(Lab.H_A2), 20, 50)).isEqualTo(20);
        for (Lab.Arrival a : lab.expectedArrivals(offers, Lab.H_A2)) {
            assertThat(lab.received(a.node(), a.fromStamp())).as("echo requests at %s last stamped by %s", a.node(), a.fromStamp())
                    .isEqualTo(20);
        }
        assertThat(run(ovs, teardown(chain, Lab.OVS)).success()).isTrue();
        assertThat(lab.dumpFlows("a1")).isEmpty();
        assertThat(lab.dumpFlows("a2")).isEmpty();
    }

    @Test
    void anSrv6ChainSteersThroughAnUnawareVnfBehindItsProxyThenAnAwareOne() {
        ChainId chain = ChainId.of("sr-single");
        DomainAck ack = run(srv6, setup(chain, Lab.SRV6, segment(Lab.SRV6, "b1", null, "b2", null, "b-dpi1@b1", "b-nat@b2")));
        assertThat(ack.success()).as(ack.reason()).isTrue();

        assertThat(lab.ping(Lab.H_B1, Lab.address(Lab.H_B2), 20, 50)).isEqualTo(20);
        assertThat(lab.received("b-dpi1", 0)).as("the SR-unaware DPI got the plain packets from the source").isEqualTo(20);
        assertThat(lab.received("b-nat", lab.stamp("b-dpi1"))).as("the SR-aware NAT got them after the DPI").isEqualTo(20);
        assertThat(lab.received(Lab.H_B2, lab.stamp("b-dpi1"))).isEqualTo(20);
        List<SidCounter> sids = srv6.sidCounters(chain);
        assertThat(sids).extracting(SidCounter::action).containsExactly("End", "End.DX6");
        assertThat(sids).allSatisfy(s -> assertThat(s.packets()).isEqualTo(20));

        assertThat(run(srv6, teardown(chain, Lab.SRV6)).success()).isTrue();
        for (String ns : srv6.namespaces()) {
            assertThat(srv6.kernelState(ns)).as("routes and rules left in %s", ns).isEmpty();
        }
    }

    @Test
    void aTwoProviderChainCrossesTheBorderFromOpenFlowToSrv6() {
        ChainId chain = ChainId.of("two-domains");
        assertThat(run(ovs, setup(chain, Lab.OVS, segment(Lab.OVS, "a1", null, "a2", "b1", "a-fw1@a1"))).success()).isTrue();
        assertThat(run(srv6, setup(chain, Lab.SRV6, segment(Lab.SRV6, "b1", "a2", "b2", null, "b-dpi1@b1", "b-nat@b2"))).success()).isTrue();

        assertThat(lab.ping(Lab.H_A1, Lab.address(Lab.H_B2), 20, 50)).isEqualTo(20);
        assertThat(lab.received("a-fw1", 0)).isEqualTo(20);
        assertThat(lab.received("b-dpi1", lab.stamp("a-fw1"))).isEqualTo(20);
        assertThat(lab.received("b-nat", lab.stamp("b-dpi1"))).isEqualTo(20);
        assertThat(lab.received(Lab.H_B2, lab.stamp("b-dpi1"))).isEqualTo(20);

        assertThat(run(ovs, teardown(chain, Lab.OVS)).success()).isTrue();
        assertThat(run(srv6, teardown(chain, Lab.SRV6)).success()).isTrue();
    }

    @Test
    void replacingAnSrv6VnfUnderTrafficLosesNothing() {
        ChainId chain = ChainId.of("sr-replace");
        assertThat(run(srv6, setup(chain, Lab.SRV6, segment(Lab.SRV6, "b1", null, "b2", null, "b-dpi1@b1", "b-nat@b2"))).success()).isTrue();
        Lab.Pinger pinger = lab.pingInBackground(Lab.H_B1, Lab.address(Lab.H_B2), 60, 20);
        sleep(1000);
        DomainAck replaced = run(srv6, setup(chain, Lab.SRV6, segment(Lab.SRV6, "b1", null, "b2", null, "b-dpi1@b1", "b-dpi2@b2")));
        assertThat(replaced.success()).as(replaced.reason()).isTrue();
        int sent = pinger.await(Duration.ofSeconds(10));

        assertThat(lab.settledReceivedTotal(Lab.H_B2)).as("no packet lost").isEqualTo(sent);
        long viaOld = lab.received("b-nat", lab.stamp("b-dpi1"));
        long viaNew = lab.received("b-dpi2", lab.stamp("b-dpi1"));
        assertThat(viaOld + viaNew).isEqualTo(sent);
        assertThat(viaNew).isPositive();
        lab.resetCounters();
        assertThat(lab.ping(Lab.H_B1, Lab.address(Lab.H_B2), 10, 50)).isEqualTo(10);
        assertThat(lab.received("b-dpi2", lab.stamp("b-dpi1"))).isEqualTo(10);
        assertThat(lab.receivedTotal("b-nat")).isZero();
        assertThat(run(srv6, teardown(chain, Lab.SRV6)).success()).isTrue();
        for (String ns : srv6.namespaces()) {
            assertThat(srv6.kernelState(ns)).as("routes, rules and SIDs left in %s, the replaced NAT's among them", ns).isEmpty();
        }
    }

    @Test
    void replacingAnOpenFlowVnfUnderTrafficLosesNothing() {
        ChainId chain = ChainId.of("of-replace");
        assertThat(run(ovs, setup(chain, Lab.OVS, segment(Lab.OVS, "a1", null, "a2", null, "a-fw1@a1", "a-mon@a2"))).success()).isTrue();
        Lab.Pinger pinger = lab.pingInBackground(Lab.H_A1, Lab.address(Lab.H_A2), 60, 20);
        sleep(1000);
        DomainAck replaced = run(ovs, setup(chain, Lab.OVS, segment(Lab.OVS, "a1", null, "a2", null, "a-fw2@a2", "a-mon@a2")));
        assertThat(replaced.success()).as(replaced.reason()).isTrue();
        int sent = pinger.await(Duration.ofSeconds(10));

        assertThat(lab.settledReceivedTotal(Lab.H_A2)).as("no packet lost").isEqualTo(sent);
        long viaOld = lab.received("a-mon", lab.stamp("a-fw1"));
        long viaNew = lab.received("a-mon", lab.stamp("a-fw2"));
        assertThat(viaOld + viaNew).isEqualTo(sent);
        assertThat(viaNew).isPositive();
        // the rule that took packets out of the old firewall drains: the switch removes it once idle
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ovs.flowStats(chain)).extracting(FlowStat::inPort)
                .doesNotContain("v" + lab.stamp("a-fw1") + "-o"));
        assertThat(run(ovs, teardown(chain, Lab.OVS)).success()).isTrue();
    }

    /** Applies a command and returns the adapter's answer (a refusal throws, with its reason). */
    private static DomainAck run(PathProvider adapter, DomainCommand command) {
        return fixture.run(adapter, command);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
