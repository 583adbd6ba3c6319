package org.chainmarket.deploy.lab;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.chainmarket.adapters.lab.Drive;
import org.chainmarket.adapters.lab.Lab;
import org.chainmarket.adapters.lab.LabSpec;
import org.chainmarket.adapters.openflow.OpenFlowDomain;
import org.chainmarket.adapters.runner.AdapterRunner;
import org.chainmarket.adapters.srv6.Srv6Domain;
import org.chainmarket.deploy.Marketplace;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck.FlowEntry;
import org.chainmarket.schemas.model.DomainStateReport;
import org.chainmarket.schemas.model.ProviderId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.chainmarket.deploy.lab.LabBroker.id;
import static org.chainmarket.deploy.lab.LabBroker.offers;

/**
 * Reconciliation with real data planes: the OpenFlow and SRv6 adapters read what Open vSwitch and the kernel hold back
 * and report it in full (on {@code chainmarket.domain-states.v1}, as at start and every 30 s; here the test asks the
 * runners to report at once), and the broker re-installs what ACTIVE chains miss and removes what no chain owns; an
 * adapter restarted with its rules in place reports them and nothing is re-installed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the restart goes last: its new runner reports every 500 ms
class LabReconcileTest {
    static Lab lab;
    static OpenFlowDomain ovs;
    static Srv6Domain srv6;
    static Marketplace market;
    static LabBroker broker;
    /** The OVS adapter's runner once a test restarted it (the marketplace closes only the one it started). */
    static AdapterRunner restarted;

    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(Lab.unavailable().isEmpty(), () -> "skipped: " + Lab.unavailable().orElse(""));
        lab = Lab.start(LabSpec.standard());
        try {
            ovs = new OpenFlowDomain(lab.openFlowConfig());
            srv6 = new Srv6Domain(lab.srv6Config());
            ovs.awaitSwitches(Duration.ofSeconds(15));
            market = Marketplace.start(List.of(new Marketplace.ProviderSetup(ovs, lab.ovsOffers()),
                    new Marketplace.ProviderSetup(srv6, lab.srv6Offers())),
                    // set-ups are not what this test is about: give them time on a loaded machine
                    Map.of("micronaut.server.port", "-1", "chainmarket.delivery-timeout", "30s"));
            broker = new LabBroker(market);
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    @AfterAll
    static void stop() {
        try {
            if (broker != null) {
                broker.close();
            }
            if (restarted != null) {
                restarted.close();
            }
            if (market != null) {
                market.close();
            } else {
                if (ovs != null) {
                    ovs.close();
                }
                if (srv6 != null) {
                    srv6.close();
                }
            }
        } finally {
            if (lab != null) {
                lab.close();
            }
        }
    }

    @Test
    @Order(1)
    void dataPlanesEmptiedByHandGetTheirActiveChainsBackFromTheBrokerAndTrafficFlowsAgain() {
        JsonNode onOvs = broker.buy("a1", "a2", "firewall", "monitor");
        JsonNode onSrv6 = broker.buy("b1", "b2", "dpi", "nat");
        ChainId ofChain = ChainId.of(id(onOvs));
        ChainId srChain = ChainId.of(id(onSrv6));
        assertTrafficCrosses(onOvs, onSrv6, 20);
        Set<FlowEntry> ofEntries = held(ovs.held().orElseThrow().chains().get(ofChain));
        Set<FlowEntry> srEntries = held(srv6.held().orElseThrow().chains().get(srChain));
        assertThat(ofEntries).isEqualTo(entriesInView(onOvs, Lab.OVS));
        assertThat(srEntries).isEqualTo(entriesInView(onSrv6, Lab.SRV6));

        lab.ofctl("a1", "del-flows");
        lab.ofctl("a2", "del-flows");
        for (String ns : srv6.namespaces()) {
            lab.flushSrv6(ns);
        }
        lab.resetCounters();
        assertThat(lab.ping(Lab.H_A1, Lab.address(Lab.H_A2), 5, 50)).isEqualTo(5);
        assertThat(lab.ping(Lab.H_B1, Lab.address(Lab.H_B2), 5, 50)).isEqualTo(5);
        assertThat(lab.receivedTotal(Lab.H_A2) + lab.receivedTotal(Lab.H_B2)).as("nothing forwarded once emptied").isZero();

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            report(Lab.OVS);
            report(Lab.SRV6);
            return ofEntries.equals(held(ovs.held().orElseThrow().chains().get(ofChain)))
                    && srEntries.equals(held(srv6.held().orElseThrow().chains().get(srChain)));
        });
        assertThat(ovs.held().orElseThrow().chains()).as("exactly the ACTIVE chain, nothing else").containsOnlyKeys(ofChain);
        assertThat(srv6.held().orElseThrow().chains()).containsOnlyKeys(srChain);
        lab.resetCounters();
        assertTrafficCrosses(onOvs, onSrv6, 20);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            report(Lab.OVS);
            report(Lab.SRV6);
            for (String chain : List.of(ofChain.value(), srChain.value())) {
                JsonNode view = broker.get("/api/v1/chains/" + chain);
                assertThat(view.path("state").asText()).isEqualTo("ACTIVE");
                view.get("domains").forEach(d -> assertThat(d.path("flowState").asText()).as("what %s last said", d.path("providerId"))
                        .isEqualTo("HELD"));
            }
        });
        end(ofChain);
        end(srChain);
    }

    @Test
    @Order(2)
    void rulesAndRoutesNoChainOwnsAreRemovedByTheBroker() {
        ChainId ofGhost = ChainId.of("ghost-on-open-vswitch");
        ChainId srGhost = ChainId.of("ghost-on-srv6");
        // as if left by a chain of an earlier database: set up straight through the adapters, unknown to the broker
        ovs.apply(Drive.setup(ofGhost, Lab.OVS, Drive.segment(Lab.OVS, "a1", null, "a2", null, "a-fw1@a1")));
        srv6.apply(Drive.setup(srGhost, Lab.SRV6, Drive.segment(Lab.SRV6, "b1", null, "b2", null, "b-nat@b2")));
        long nobody = OpenFlowDomain.cookieOf(ChainId.of("nobody"));
        lab.ofctl("a2", "add-flow", "cookie=0x" + Long.toHexString(nobody) + ",table=0,priority=100,in_port=a2-b1,actions=output:a2-host");
        await().atMost(Duration.ofSeconds(10)).until(() -> ovs.chains().contains(ofGhost) && srv6.chains().contains(srGhost));
        assertThat(ovs.held().orElseThrow().chains()).hasSize(2).containsKey(ofGhost);
        assertThat(srv6.held().orElseThrow().chains()).containsOnlyKeys(srGhost);

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            report(Lab.OVS);
            report(Lab.SRV6);
            return ovs.held().orElseThrow().chains().isEmpty() && srv6.held().orElseThrow().chains().isEmpty();
        });
        assertThat(lab.dumpFlows("a1")).isEmpty();
        assertThat(lab.dumpFlows("a2")).isEmpty();
        for (String ns : srv6.namespaces()) {
            assertThat(srv6.kernelState(ns)).as("SRv6 routes, SIDs and rules in %s", ns).isEmpty();
        }
    }

    @Test
    @Order(3)
    void anOpenFlowAdapterRestartedWithItsRulesInPlaceReportsThemAndTheBrokerReinstallsNothing() {
        JsonNode onOvs = broker.buy("a1", "a2", "firewall", "monitor");
        ChainId chain = ChainId.of(id(onOvs));
        Set<FlowEntry> entries = entriesInView(onOvs, Lab.OVS);
        Counter reinstalled = market.brokerContext().getBean(MeterRegistry.class).counter("chainmarket_reconcile_reinstalled");
        double reinstalledBefore = reinstalled.count();

        runner(Lab.OVS).close(); // the adapter process stops: its rules stay on the switches (fail_mode=secure)
        Instant restart = Instant.now();
        ovs = new OpenFlowDomain(lab.openFlowConfig());
        restarted = new AdapterRunner(market.bootstrapServers(), ovs, lab.ovsOffers(), Map.of(), null, Duration.ofMillis(500));
        restarted.start();

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            JsonNode ovsDomain = domainInView(broker.get("/api/v1/chains/" + chain), Lab.OVS);
            assertThat(ovsDomain.path("reportedBy").asText()).isEqualTo("STATE_REPORT");
            assertThat(Instant.parse(ovsDomain.path("reportedAt").asText())).isAfter(restart);
            assertThat(ovsDomain.path("flowState").asText()).isEqualTo("HELD");
        });
        assertThat(held(ovs.held().orElseThrow().chains().get(chain))).as("the restarted adapter's report").isEqualTo(entries);
        assertThat(reinstalled.count()).as("nothing had to be re-installed").isEqualTo(reinstalledBefore);
        lab.resetCounters();
        assertThat(lab.ping(Lab.H_A1, Lab.address(Lab.H_A2), 20, 50)).isEqualTo(20);
        for (Lab.Arrival a : lab.expectedArrivals(offers(onOvs), Lab.H_A2)) {
            assertThat(lab.received(a.node(), a.fromStamp())).as("echo requests at %s last stamped by %s", a.node(), a.fromStamp())
                    .isEqualTo(20);
        }
        end(chain);
        await().atMost(Duration.ofSeconds(20)).until(() -> lab.dumpFlows("a1").isEmpty() && lab.dumpFlows("a2").isEmpty());
    }

    private static AdapterRunner runner(ProviderId provider) {
        return provider.equals(Lab.OVS) && restarted != null ? restarted : market.runner(provider);
    }

    private static void report(ProviderId provider) {
        runner(provider).publishState(DomainStateReport.Trigger.PERIODIC);
    }

    private static JsonNode domainInView(JsonNode chain, ProviderId provider) {
        for (JsonNode d : chain.get("domains")) {
            if (d.path("providerId").asText().equals(provider.value())) {
                return d;
            }
        }
        throw new AssertionError("chain " + id(chain) + " does not cross " + provider);
    }

    private static Set<FlowEntry> held(List<FlowEntry> entries) {
        return entries == null ? Set.of() : new HashSet<>(entries);
    }

    private static Set<FlowEntry> entriesInView(JsonNode chain, ProviderId provider) {
        Set<FlowEntry> out = new HashSet<>();
        chain.get("domains").forEach(d -> {
            if (d.path("providerId").asText().equals(provider.value())) {
                d.get("flowEntries").forEach(e -> out.add(org.chainmarket.schemas.events.Json.MAPPER.convertValue(e, FlowEntry.class)));
            }
        });
        return out;
    }

    private void assertTrafficCrosses(JsonNode onOvs, JsonNode onSrv6, int count) {
        assertThat(lab.ping(Lab.H_A1, Lab.address(Lab.H_A2), count, 50)).isEqualTo(count);
        assertThat(lab.ping(Lab.H_B1, Lab.address(Lab.H_B2), count, 50)).isEqualTo(count);
        for (Lab.Arrival a : lab.expectedArrivals(offers(onOvs), Lab.H_A2)) {
            assertThat(lab.received(a.node(), a.fromStamp())).as("echo requests at %s last stamped by %s", a.node(), a.fromStamp())
                    .isEqualTo(count);
        }
        for (Lab.Arrival a : lab.expectedArrivals(offers(onSrv6), Lab.H_B2)) {
            assertThat(lab.received(a.node(), a.fromStamp())).as("echo requests at %s last stamped by %s", a.node(), a.fromStamp())
                    .isEqualTo(count);
        }
    }

    private void end(ChainId chain) {
        assertThat(broker.delete(chain.value()).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> broker.get("/api/v1/chains/" + chain).path("state").asText().equals("TERMINATED"));
    }
}
