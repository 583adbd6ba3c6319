package org.chainmarket.deploy.lab;

import com.fasterxml.jackson.databind.JsonNode;
import org.chainmarket.adapters.lab.Lab;
import org.chainmarket.adapters.lab.LabSpec;
import org.chainmarket.adapters.openflow.OpenFlowDomain;
import org.chainmarket.adapters.srv6.Srv6Domain;
import org.chainmarket.deploy.Marketplace;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.Degradation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.chainmarket.deploy.lab.LabBroker.id;
import static org.chainmarket.deploy.lab.LabBroker.offers;
import static org.chainmarket.deploy.lab.LabBroker.providers;

/**
 * The marketplace with two real provider domains on the namespace lab: {@code lab-ovs} (Open vSwitch, driven by the
 * OpenFlow adapter) and {@code lab-srv6} (Linux SRv6, driven by the SRv6 adapter), each behind its own adapter runner
 * on the embedded Kafka. Chains are bought through the broker's REST API; real echo requests then show, from
 * nftables counters stamped by every VNF, that every packet crossed every VNF of the chain in order. A degradation
 * published as monitoring publishes it makes the broker substitute a VNF under traffic.
 */
class LabMarketplaceTest {
    static Lab lab;
    static OpenFlowDomain ovs;
    static Srv6Domain srv6;
    static Marketplace market;
    static LabBroker broker;

    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(Lab.unavailable().isEmpty(), () -> "skipped: " + Lab.unavailable().orElse(""));
        lab = Lab.start(LabSpec.standard());
        try {
            ovs = new OpenFlowDomain(lab.openFlowConfig());
            srv6 = new Srv6Domain(lab.srv6Config());
            ovs.awaitSwitches(Duration.ofSeconds(15));
            market = Marketplace.start(List.of(new Marketplace.ProviderSetup(ovs, lab.ovsOffers()),
                    new Marketplace.ProviderSetup(srv6, lab.srv6Offers())), Map.of("micronaut.server.port", "-1"));
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
            if (market != null) {
                market.close(); // closes the runners, which close the adapters
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

    @AfterEach
    void endChainsLeftByAFailure() {
        for (ChainId c : ovs.chains()) {
            broker.delete(c.value());
        }
        for (ChainId c : srv6.chains()) {
            broker.delete(c.value());
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> ovs.chains().isEmpty() && srv6.chains().isEmpty());
        lab.resetCounters();
    }

    @Test
    void aTwoProviderChainBoughtThroughTheBrokerCarriesEveryPacketThroughItsVnfsInOrder() {
        JsonNode chain = broker.buy("a1", "b2", "firewall", "dpi");
        List<String> offers = offers(chain);
        assertThat(providers(chain)).containsExactly("lab-ovs", "lab-srv6");

        assertThat(lab.ping(Lab.H_A1, Lab.address(Lab.H_B2), 20, 50)).isEqualTo(20);
        assertEveryPacketCrossed(offers, Lab.H_B2, 20);
        // Open vSwitch's userspace datapath pushes its counters to the OpenFlow rules about twice a second
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ovs.flowStats(ChainId.of(id(chain))))
                .isNotEmpty().allSatisfy(s -> assertThat(s.packets()).isGreaterThanOrEqualTo(20)));
        assertThat(srv6.sidCounters(ChainId.of(id(chain)))).isNotEmpty().allSatisfy(s -> assertThat(s.packets()).isEqualTo(20));

        endAndAssertNothingLeft(id(chain));
    }

    @Test
    void aSingleDomainChainOnOpenVswitchCarriesEveryPacketThroughItsVnfsInOrder() {
        JsonNode chain = broker.buy("a1", "a2", "firewall", "monitor");
        assertThat(providers(chain)).containsExactly("lab-ovs");

        assertThat(lab.ping(Lab.H_A1, Lab.address(Lab.H_A2), 20, 50)).isEqualTo(20);
        assertEveryPacketCrossed(offers(chain), Lab.H_A2, 20);
        lab.sendUdp(Lab.H_A1, Lab.address(Lab.H_A2), 9, 5);
        assertThat(lab.counters(offers(chain).get(0)).get("dropped")).as("the firewall's nftables filter").isEqualTo(5);
        assertThat(lab.counters(Lab.H_A2).get("udp9")).isZero();

        endAndAssertNothingLeft(id(chain));
    }

    @Test
    void aSingleDomainChainOnSrv6CarriesEveryPacketThroughItsVnfsInOrder() {
        JsonNode chain = broker.buy("b1", "b2", "dpi", "nat");
        assertThat(providers(chain)).containsExactly("lab-srv6");

        assertThat(lab.ping(Lab.H_B1, Lab.address(Lab.H_B2), 20, 50)).isEqualTo(20);
        assertEveryPacketCrossed(offers(chain), Lab.H_B2, 20);

        endAndAssertNothingLeft(id(chain));
    }

    /**
     * Substitution as a buyer and an operator see it: the chain is bought through the REST API, monitoring's
     * {@code DegradationDetected} for its firewall arrives on Kafka while 20 echo requests per second flow, and the
     * broker re-selects (keeping the healthy DPI), sends the OVS domain a replacing SET-UP with the other firewall
     * (make-before-break) and records the substitution.
     */
    @Test
    void aDegradedFirewallIsSubstitutedByTheBrokerUnderTwentyPacketsPerSecondWithoutLosingAPacket() throws InterruptedException {
        JsonNode chain = broker.buy("a1", "b2", "firewall", "dpi");
        String id = id(chain);
        List<String> before = offers(chain);
        String oldFirewall = before.get(0);
        String dpi = before.get(1);
        String newFirewall = lab.ovsOffers().stream().filter(o -> o.vnfType().equals("firewall"))
                .map(o -> o.offerId().value()).filter(o -> !o.equals(oldFirewall)).findFirst().orElseThrow();
        List<String> after = List.of(newFirewall, dpi);
        Pattern oldPorts = Pattern.compile("\\bv" + lab.stamp(oldFirewall) + "-[io]\\b");
        assertThat(lab.dumpFlows("a1").stream().anyMatch(f -> oldPorts.matcher(f).find())
                || lab.dumpFlows("a2").stream().anyMatch(f -> oldPorts.matcher(f).find()))
                .as("OVS steers to %s", oldFirewall).isTrue();

        Degradation hot = LabBroker.hot(oldFirewall, Lab.OVS);
        Lab.Pinger pinger = lab.pingInBackground(Lab.H_A1, Lab.address(Lab.H_B2), 100, 20);
        try {
            Thread.sleep(1000);
            broker.publish(EventType.DEGRADATION_DETECTED, hot);
            JsonNode s = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                    .until(() -> broker.substitutions(id),
                            l -> l.size() == 1 && l.get(0).get("status").asText().equals("COMPLETED")).get(0);
            JsonNode now = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> broker.get("/api/v1/chains/" + id), c -> c.get("state").asText().equals("ACTIVE"));
            long oldAtSwitch = lab.receivedTotal(oldFirewall);
            long newAtSwitch = lab.receivedTotal(newFirewall);
            assertThat(offers(now)).as("the chain is ACTIVE on the new firewall, the DPI kept").isEqualTo(after);
            assertThat(now.hasNonNull("substitutionId")).as("no substitution pending").isFalse();

            assertThat(s.get("policy").asText()).isEqualTo("AUTOMATIC");
            assertThat(s.get("trigger").get("kind").asText()).isEqualTo("INSTANCE");
            assertThat(s.get("trigger").get("subjectId").asText()).isEqualTo(oldFirewall);
            assertThat(s.get("trigger").get("providerId").asText()).isEqualTo("lab-ovs");
            assertThat(s.get("trigger").get("metric").asText()).isEqualTo("cpu");
            assertThat(s.get("trigger").get("value").asDouble()).isEqualTo(0.97);
            assertThat(s.get("trigger").get("recent")).hasSize(3);
            assertThat(offers(s.get("before"))).isEqualTo(before);
            assertThat(offers(s.get("after"))).isEqualTo(after);
            assertThat(s.get("changedHops")).extracting(JsonNode::asInt).containsExactly(0);
            assertThat(s.get("outcome").asText()).contains(oldFirewall + " -> " + newFirewall);
            assertThat(s.get("completedAt").asText()).isNotBlank();
            assertThat(s.get("triggerToActiveMs").isIntegralNumber()).as("triggerToActiveMs is recorded").isTrue();
            assertThat(s.get("triggerToActiveMs").asLong()).isNotNegative();

            int sent = pinger.await(Duration.ofSeconds(20));
            assertThat(sent).isEqualTo(100);
            assertThat(lab.settledReceivedTotal(Lab.H_B2)).as("echo requests that reached the destination").isEqualTo(sent);
            long viaOld = lab.received(dpi, lab.stamp(oldFirewall));
            long viaNew = lab.received(dpi, lab.stamp(newFirewall));
            assertThat(viaOld + viaNew).as("every packet crossed one firewall, then the DPI").isEqualTo(sent);
            assertThat(lab.receivedTotal(oldFirewall)).as("what the old firewall saw all reached the DPI").isEqualTo(viaOld);
            assertThat(lab.receivedTotal(newFirewall)).as("what the new firewall saw all reached the DPI").isEqualTo(viaNew);
            assertThat(viaOld).as("traffic crossed the old firewall before the degradation").isPositive();
            assertThat(lab.receivedTotal(oldFirewall)).as("the old firewall saw nothing after the substitution completed")
                    .isEqualTo(oldAtSwitch);
            assertThat(lab.receivedTotal(newFirewall) - newAtSwitch).as("traffic after the substitution, all on the new firewall")
                    .isPositive();
            // the rule that took packets out of the old firewall drains: the switch removes it once idle
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    lab.dumpFlows("a1").stream().noneMatch(f -> oldPorts.matcher(f).find())
                    && lab.dumpFlows("a2").stream().noneMatch(f -> oldPorts.matcher(f).find()))
                    .as("no OpenFlow rule steers to %s any more", oldFirewall).isTrue());
        } finally {
            try {
                pinger.await(Duration.ofSeconds(20));
            } finally {
                broker.clear(hot); // the next test may use the old firewall again
            }
        }

        lab.resetCounters();
        assertThat(lab.ping(Lab.H_A1, Lab.address(Lab.H_B2), 10, 50)).isEqualTo(10);
        assertEveryPacketCrossed(after, Lab.H_B2, 10);
        assertThat(lab.receivedTotal(oldFirewall)).as("the old firewall sees nothing any more").isZero();

        endAndAssertNothingLeft(id);
    }

    private void assertEveryPacketCrossed(List<String> offers, String destination, long count) {
        for (Lab.Arrival a : lab.expectedArrivals(offers, destination)) {
            assertThat(lab.received(a.node(), a.fromStamp()))
                    .as("echo requests reaching %s last stamped by %s (chain %s)", a.node(), a.fromStamp(), offers)
                    .isEqualTo(count);
        }
    }

    private void endAndAssertNothingLeft(String id) {
        assertThat(broker.delete(id).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> broker.get("/api/v1/chains/" + id).path("state").asText().equals("TERMINATED"));
        assertThat(ovs.flowStats(ChainId.of(id))).as("OpenFlow rules with the chain's cookie").isEmpty();
        assertThat(lab.dumpFlows("a1")).isEmpty();
        assertThat(lab.dumpFlows("a2")).isEmpty();
        for (String ns : srv6.namespaces()) {
            assertThat(srv6.kernelState(ns)).as("SRv6 routes, SIDs and rules in %s", ns).isEmpty();
        }
    }
}
