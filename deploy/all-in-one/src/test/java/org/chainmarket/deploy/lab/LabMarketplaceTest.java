package org.chainmarket.deploy.lab;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.chainmarket.adapters.lab.Lab;
import org.chainmarket.adapters.lab.LabSpec;
import org.chainmarket.adapters.openflow.OpenFlowDomain;
import org.chainmarket.adapters.srv6.Srv6Domain;
import org.chainmarket.deploy.Marketplace;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.DomainSegment;
import org.chainmarket.schemas.model.OfferId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The marketplace with two real provider domains on the namespace lab: {@code lab-ovs} (Open vSwitch, driven by the
 * OpenFlow adapter) and {@code lab-srv6} (Linux SRv6, driven by the SRv6 adapter), each behind its own adapter runner
 * on the embedded Kafka. Chains are bought through the broker's REST API; real echo requests then show, from
 * nftables counters stamped by every VNF, that every packet crossed every VNF of the chain in order.
 */
class LabMarketplaceTest {
    static Lab lab;
    static OpenFlowDomain ovs;
    static Srv6Domain srv6;
    static Marketplace market;
    static final HttpClient http = HttpClient.newHttpClient();

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
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    @AfterAll
    static void stop() {
        try {
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
            delete(c.value());
        }
        for (ChainId c : srv6.chains()) {
            delete(c.value());
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> ovs.chains().isEmpty() && srv6.chains().isEmpty());
        lab.resetCounters();
    }

    @Test
    void aTwoProviderChainBoughtThroughTheBrokerCarriesEveryPacketThroughItsVnfsInOrder() {
        JsonNode chain = buy("a1", "b2", "firewall", "dpi");
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
        JsonNode chain = buy("a1", "a2", "firewall", "monitor");
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
        JsonNode chain = buy("b1", "b2", "dpi", "nat");
        assertThat(providers(chain)).containsExactly("lab-srv6");

        assertThat(lab.ping(Lab.H_B1, Lab.address(Lab.H_B2), 20, 50)).isEqualTo(20);
        assertEveryPacketCrossed(offers(chain), Lab.H_B2, 20);

        endAndAssertNothingLeft(id(chain));
    }

    /**
     * The broker has no substitution yet, so the test plays its part: it sends the OVS domain a new SETUP for the same
     * chain with the other firewall, on the commands topic as the broker would (the SPI's "replace").
     */
    @Test
    void substitutingTheFirewallOfAnActiveChainUnderTwentyPacketsPerSecondLosesNoPacket() throws Exception {
        JsonNode chain = buy("a1", "b2", "firewall", "dpi");
        String id = id(chain);
        List<String> before = offers(chain);
        String oldFirewall = before.get(0);
        String newFirewall = oldFirewall.equals("a-fw1") ? "a-fw2" : "a-fw1";
        List<String> after = List.of(newFirewall, before.get(1));

        JsonNode ovsDomain = null;
        for (JsonNode d : chain.get("domains")) {
            if (d.get("providerId").asText().equals("lab-ovs")) {
                ovsDomain = d;
            }
        }
        assertThat(ovsDomain).isNotNull();
        List<DomainSegment> segments = new ArrayList<>();
        for (JsonNode s : ovsDomain.get("segments")) {
            DomainSegment seg = Json.MAPPER.treeToValue(s, DomainSegment.class);
            List<DomainSegment.Waypoint> w = seg.waypoints().stream()
                    .map(p -> p.offerId().value().equals(oldFirewall)
                            ? new DomainSegment.Waypoint(p.hopIndex(), OfferId.of(newFirewall), newFirewall.equals("a-fw1") ? "a1" : "a2")
                            : p).toList();
            segments.add(new DomainSegment(seg.providerId(), seg.sequence(), seg.entry(), w, seg.exit()));
        }
        DomainCommand replace = new DomainCommand(UUID.randomUUID().toString(), ChainId.of(id), Lab.OVS,
                DomainCommand.Operation.SETUP, 10, segments, null);

        Lab.Pinger pinger = lab.pingInBackground(Lab.H_A1, Lab.address(Lab.H_B2), 80, 20);
        Thread.sleep(1500);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, market.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.send(CloudEvents.encode(EventType.PATH_SETUP_REQUESTED, id, replace, "/test/substitution")).get();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> ovs.answer(replace.commandId()).isPresent());
        assertThat(ovs.answer(replace.commandId()).orElseThrow().success()).isTrue();
        int sent = pinger.await(Duration.ofSeconds(20));

        assertThat(sent).isEqualTo(80);
        assertThat(lab.receivedTotal(Lab.H_B2)).as("echo requests that reached the destination").isEqualTo(sent);
        String dpi = before.get(1);
        long viaOld = lab.received(dpi, lab.stamp(oldFirewall));
        long viaNew = lab.received(dpi, lab.stamp(newFirewall));
        assertThat(viaOld + viaNew).as("every packet crossed one firewall, then the DPI").isEqualTo(sent);
        assertThat(viaNew).as("traffic moved to the new firewall").isPositive();

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
        assertThat(delete(id).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> get("/api/v1/chains/" + id).path("state").asText().equals("TERMINATED"));
        assertThat(ovs.flowStats(ChainId.of(id))).as("OpenFlow rules with the chain's cookie").isEmpty();
        assertThat(lab.dumpFlows("a1")).isEmpty();
        assertThat(lab.dumpFlows("a2")).isEmpty();
        for (String ns : srv6.namespaces()) {
            assertThat(srv6.kernelState(ns)).as("SRv6 routes, SIDs and rules in %s", ns).isEmpty();
        }
    }

    private JsonNode buy(String ingress, String egress, String... types) {
        String order = Json.text(Map.of("buyerId", "lab", "vnfTypes", List.of(types), "ingress", ingress, "egress", egress,
                "bandwidthMbps", 10, "maxLatencyMs", 50, "maxPricePerHour", 20));
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/api/v1/chains")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(order)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        String id = read(r.body()).get("chainId").asText();
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            last[0] = get("/api/v1/chains/" + id);
            String state = last[0].path("state").asText();
            assertThat(state).as("chain %s: %s", id, last[0].path("reason").asText()).isIn("SETTING_UP", "ACTIVE");
            return state.equals("ACTIVE");
        });
        return last[0];
    }

    private static String id(JsonNode chain) {
        return chain.get("chainId").asText();
    }

    private static List<String> offers(JsonNode chain) {
        return chain.get("hops").findValuesAsText("offerId");
    }

    private static List<String> providers(JsonNode chain) {
        List<String> out = new ArrayList<>();
        chain.get("domains").forEach(d -> out.add(d.get("providerId").asText()));
        return out;
    }

    private JsonNode get(String path) {
        return read(send(HttpRequest.newBuilder(uri(path)).GET()).body());
    }

    private HttpResponse<String> delete(String id) {
        return send(HttpRequest.newBuilder(uri("/api/v1/chains/" + id)).DELETE());
    }

    private static URI uri(String path) {
        return URI.create(market.url().toString() + path);
    }

    private static JsonNode read(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
