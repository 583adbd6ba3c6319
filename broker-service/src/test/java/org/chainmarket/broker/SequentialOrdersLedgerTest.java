package org.chainmarket.broker;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.chainmarket.broker.registry.MarketReadModel;
import org.chainmarket.broker.registry.Registry;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.model.Degradation;
import org.chainmarket.schemas.model.Metric;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.SubjectKind;
import org.chainmarket.selection.network.NetLink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A long run of orders placed one after another, each ended as soon as it is active (as a buyer trying the market
 * does), with every other way a chain gives capacity back mixed in: a domain refusing the set-up, an order ended
 * while it is still being set up, a domain that never confirms the tear-down (the deadline ends the chain), a chain
 * rerouted because its border link loses packets, and one moved because its offer was withdrawn. Afterwards no link
 * and no offer holds anything, the read model selection runs on agrees with the ledger (and a view told wrong is
 * found and corrected by the ledger check), and an order that needs a whole border link is served.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SequentialOrdersLedgerTest implements TestPropertyProvider {
    static final String P = "sq";
    static final double BORDER_MBPS = 1000;
    /** Bandwidths that tell the test's domains what to do with a chain (100: everything goes well). */
    static final double REFUSED = 101;
    static final double SETUP_UNANSWERED = 102;
    static final double TEARDOWN_UNANSWERED = 103;
    static final Set<String> ENDED = Set.of("TERMINATED", "FAILED");
    @Inject
    @Client("/")
    HttpClient http;
    @Inject
    Registry registry;
    @Inject
    MarketReadModel market;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(Callers.properties());
        p.put("micronaut.http.client.read-timeout", "60s");
        p.put("chainmarket.delivery-timeout", "4s");
        // the test runs the ledger check itself
        p.put("chainmarket.ledger-check-interval", "1h");
        // its east domain refuses and leaves commands unanswered on purpose, between answers: a few of those in a row
        // (unanswered commands expire together) would open east's circuit and leave its DPIs out of a substitution;
        // the circuit breaker is ProviderHealthTest's
        p.put("chainmarket.providers.failure-threshold", "1000");
        return p;
    }

    @Test
    void orderingAndEndingOneChainAfterAnotherLeavesNothingHeld() throws Exception {
        register();
        List<String> chains = new ArrayList<>();
        try (AckingDomains domains = new AckingDomains(Infra.bootstrapServers(), P, c -> {
            boolean east = c.providerId().value().equals(P + "-east");
            boolean setup = c.operation() == org.chainmarket.schemas.model.DomainCommand.Operation.SETUP;
            if (east && setup && c.bandwidthMbps() == REFUSED) {
                return AckingDomains.Reply.REFUSE;
            }
            if (east && (setup ? c.bandwidthMbps() == SETUP_UNANSWERED : c.bandwidthMbps() == TEARDOWN_UNANSWERED)) {
                return AckingDomains.Reply.SILENT;
            }
            return AckingDomains.Reply.ACK;
        }); KafkaProducer<String, byte[]> monitoring = org.chainmarket.schemas.kafka.KafkaClients.producer(
                Infra.bootstrapServers(), "monitoring", Infra.kafka().monitoring())) {
            for (int i = 0; i < 120; i++) {
                switch (i % 12) {
                    case 3 -> chains.add(refused());
                    case 5 -> chains.add(endedWhileSettingUp());
                    case 7 -> chains.add(reroutedOffALossyLink(monitoring));
                    case 9 -> chains.add(movedOffAWithdrawnOffer());
                    case 11 -> chains.add(orderedAndEnded(i < 60 ? TEARDOWN_UNANSWERED : 100));
                    default -> chains.add(orderedAndEnded(100));
                }
            }
            for (String id : chains) {
                await().atMost(Duration.ofSeconds(60)).until(() -> state(TwoDomains.chain(http, id)), ENDED::contains);
            }

            try (Connection db = TwoDomains.database()) {
                try (ResultSet rs = db.createStatement().executeQuery("SELECT link_key, reserved_mbps FROM link WHERE link_key LIKE '" + P + "%'")) {
                    int links = 0;
                    while (rs.next()) {
                        links++;
                        assertThat(rs.getDouble(2)).as("link %s holds nothing once every chain ended", rs.getString(1)).isZero();
                    }
                    assertThat(links).as("links of the market").isEqualTo(6);
                }
                try (ResultSet rs = db.createStatement().executeQuery("SELECT id, reserved_mbps, reserved_chains FROM offer WHERE id LIKE '" + P + "-%'")) {
                    while (rs.next()) {
                        assertThat(rs.getDouble(2)).as("offer %s", rs.getString(1)).isZero();
                        assertThat(rs.getInt(3)).as("offer %s", rs.getString(1)).isZero();
                    }
                }
                try (ResultSet rs = db.createStatement().executeQuery("SELECT count(*) FROM chain_link WHERE link_key LIKE '" + P + "%'")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("rows of ended chains on the links").isZero();
                }
            }
            assertThat(registry.linkDrift()).as("the read model agrees with the ledger").isEmpty();
            assertThat(registry.alignWithLedger(Instant.now())).as("links and offers the check finds drifted").isZero();

            // a view told wrong (as a commit whose notice to it was lost would leave it) refuses orders on empty links
            // until the ledger check finds and corrects it
            List<String> borders = List.of(NetLink.key(P + "w2", P + "e1"), NetLink.key(P + "w3", P + "e2"));
            borders.forEach(b -> market.setLinkReservation(b, BORDER_MBPS, market.linkHeld(b).version()));
            HttpResponse<Map> refused = order(100);
            assertThat(refused.code()).isEqualTo(422);
            assertThat(refused.getBody(Map.class).orElseThrow().get("constraint")).isEqualTo("LINK_BANDWIDTH");
            assertThat(registry.alignWithLedger(Instant.now())).as("links the check finds drifted").isEqualTo(2);
            assertThat(registry.linkDrift()).isEmpty();

            // a chain as wide as a whole border link fits only if nothing is held on the links it crosses
            HttpResponse<Map> last = order(BORDER_MBPS);
            assertThat(last.code()).as("answer %s", last.getBody(Map.class).orElse(null)).isEqualTo(201);
            String id = (String) last.getBody(Map.class).orElseThrow().get("chainId");
            await().atMost(Duration.ofSeconds(30)).until(() -> state(TwoDomains.chain(http, id)), "ACTIVE"::equals);
            assertThat(TwoDomains.exchange(http, HttpRequest.DELETE("/api/v1/chains/" + id)).code()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> state(TwoDomains.chain(http, id)), "TERMINATED"::equals);
            assertThat(registry.linkDrift()).isEmpty();
        }
    }

    /** Orders, waits until ACTIVE and ends the chain at once (not waiting for the tear-down). */
    private String orderedAndEnded(double mbps) {
        String id = created(order(mbps));
        await().atMost(Duration.ofSeconds(30)).until(() -> state(TwoDomains.chain(http, id)), "ACTIVE"::equals);
        assertThat(TwoDomains.exchange(http, HttpRequest.DELETE("/api/v1/chains/" + id)).code()).isEqualTo(202);
        return id;
    }

    private String refused() {
        String id = created(order(REFUSED));
        await().atMost(Duration.ofSeconds(30)).until(() -> state(TwoDomains.chain(http, id)), "FAILED"::equals);
        return id;
    }

    private String endedWhileSettingUp() {
        String id = created(order(SETUP_UNANSWERED));
        assertThat(TwoDomains.exchange(http, HttpRequest.DELETE("/api/v1/chains/" + id)).code()).isEqualTo(202);
        return id;
    }

    /** The border link the chain crosses starts losing packets: the chain moves to the other one; the link recovers. */
    private String reroutedOffALossyLink(KafkaProducer<String, byte[]> monitoring) throws Exception {
        String id = created(order(100));
        Map<String, Object> active = await().atMost(Duration.ofSeconds(30)).until(() -> TwoDomains.chain(http, id), c -> "ACTIVE".equals(state(c)));
        String border = border(active);
        monitoring.send(CloudEvents.encode(EventType.DEGRADATION_DETECTED, border, loss(border, 0.2), "/test/monitoring")).get();
        await().atMost(Duration.ofSeconds(30)).until(() -> TwoDomains.chain(http, id), c -> "ACTIVE".equals(state(c)) && !border.equals(border(c)));
        monitoring.send(CloudEvents.encode(EventType.DEGRADATION_CLEARED, border, loss(border, 0), "/test/monitoring")).get();
        assertThat(TwoDomains.exchange(http, HttpRequest.DELETE("/api/v1/chains/" + id)).code()).isEqualTo(202);
        return id;
    }

    /** The chain's firewall offer is withdrawn: the chain moves to the other one; the offer is advertised again. */
    private String movedOffAWithdrawnOffer() {
        String id = created(order(100));
        Map<String, Object> active = await().atMost(Duration.ofSeconds(30)).until(() -> TwoDomains.chain(http, id), c -> "ACTIVE".equals(state(c)));
        String firewall = firewall(active);
        assertThat(TwoDomains.exchange(http, HttpRequest.DELETE("/api/v1/offers/" + firewall)).code()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(30)).until(() -> TwoDomains.chain(http, id), c -> "ACTIVE".equals(state(c)) && !firewall.equals(firewall(c)));
        TwoDomains.post(http, P + "-west", "/api/v1/offers", TwoDomains.offer(firewall, P + "-west", P + "-fw", P + "w-site", 100000,
                firewall.endsWith("0") ? 1 : 1.1));
        assertThat(TwoDomains.exchange(http, HttpRequest.DELETE("/api/v1/chains/" + id)).code()).isEqualTo(202);
        return id;
    }

    private static Degradation loss(String link, double value) {
        return new Degradation(SubjectKind.LINK, link, ProviderId.of(P + "-west"), Metric.LOSS, value, 0.01, 0.005, 10, Instant.now(), List.of());
    }

    private HttpResponse<Map> order(double mbps) {
        return TwoDomains.exchange(http, HttpRequest.POST("/api/v1/chains", """
                {"buyerId": "%1$s-buyer", "vnfTypes": ["%1$s-fw", "%1$s-dpi"], "ingress": "%1$sw1", "egress": "%1$se3",
                 "bandwidthMbps": %2$s, "maxLatencyMs": 100, "maxPricePerHour": 100}""".formatted(P, mbps)).contentType(MediaType.APPLICATION_JSON));
    }

    private static String created(HttpResponse<Map> r) {
        assertThat(r.code()).as("answer %s", r.getBody(Map.class).orElse(null)).isEqualTo(201);
        return (String) r.getBody(Map.class).orElseThrow().get("chainId");
    }

    private static String state(Map<String, Object> chain) {
        return (String) chain.get("state");
    }

    private static String firewall(Map<String, Object> chain) {
        return TwoDomains.offerOfHop(chain, 0);
    }

    /** The border link (between the west and east switches) the chain's path crosses. */
    @SuppressWarnings("unchecked")
    private static String border(Map<String, Object> chain) {
        List<Map<String, Object>> path = (List<Map<String, Object>>) chain.get("path");
        for (int i = 1; i < path.size(); i++) {
            String a = (String) path.get(i - 1).get("switchId");
            String b = (String) path.get(i).get("switchId");
            if (a.startsWith(P + "w") && b.startsWith(P + "e")) {
                return NetLink.key(a, b);
            }
        }
        throw new IllegalStateException("no border link on " + path);
    }

    /**
     * West: switches w1 (the firewalls' site), w2, w3; east: e1, e2, e3 (the DPIs' site). Two border links, w2–e1
     * (faster) and w3–e2, so a chain from w1 to e3 has two paths.
     */
    private void register() {
        String admin = TwoDomains.token(http, Callers.ADMIN);
        TwoDomains.account(http, admin, P + "-west", "PROVIDER");
        TwoDomains.account(http, admin, P + "-east", "PROVIDER");
        TwoDomains.account(http, admin, P + "-buyer", "BUYER");
        TwoDomains.use(P);
        String west = """
                {"providerId": "%1$s-west", "name": "West", "switches": [{"switchId": "%1$sw1"}, {"switchId": "%1$sw2"}, {"switchId": "%1$sw3"}],
                 "sites": [{"siteId": "%1$sw-site", "switchId": "%1$sw1", "cpuCores": 8, "memoryGb": 16}],
                 "links": [{"from": "%1$sw1", "to": "%1$sw2", "latencyMs": 1, "bandwidthMbps": 10000},
                           {"from": "%1$sw1", "to": "%1$sw3", "latencyMs": 2, "bandwidthMbps": 10000}]%2$s}""";
        String westBorders = """
                , "borderLinks": [{"localSwitch": "%1$sw2", "remoteProvider": "%1$s-east", "remoteSwitch": "%1$se1", "latencyMs": 2, "bandwidthMbps": %2$s},
                                  {"localSwitch": "%1$sw3", "remoteProvider": "%1$s-east", "remoteSwitch": "%1$se2", "latencyMs": 3, "bandwidthMbps": %2$s}]"""
                .formatted(P, BORDER_MBPS);
        TwoDomains.post(http, P + "-west", "/api/v1/providers", west.formatted(P, ""));
        TwoDomains.post(http, P + "-east", "/api/v1/providers", """
                {"providerId": "%1$s-east", "name": "East", "switches": [{"switchId": "%1$se1"}, {"switchId": "%1$se2"}, {"switchId": "%1$se3"}],
                 "sites": [{"siteId": "%1$se-site", "switchId": "%1$se3", "cpuCores": 8, "memoryGb": 16}],
                 "links": [{"from": "%1$se1", "to": "%1$se3", "latencyMs": 1, "bandwidthMbps": 10000},
                           {"from": "%1$se2", "to": "%1$se3", "latencyMs": 1, "bandwidthMbps": 10000}],
                 "borderLinks": [{"localSwitch": "%1$se1", "remoteProvider": "%1$s-west", "remoteSwitch": "%1$sw2", "latencyMs": 2, "bandwidthMbps": %2$s},
                                 {"localSwitch": "%1$se2", "remoteProvider": "%1$s-west", "remoteSwitch": "%1$sw3", "latencyMs": 3, "bandwidthMbps": %2$s}]}"""
                .formatted(P, BORDER_MBPS));
        TwoDomains.post(http, P + "-west", "/api/v1/providers", west.formatted(P, westBorders));
        for (int i = 0; i < 2; i++) {
            TwoDomains.post(http, P + "-west", "/api/v1/offers", TwoDomains.offer(P + "-fw-" + i, P + "-west", P + "-fw", P + "w-site", 100000, 1 + i * 0.1));
            TwoDomains.post(http, P + "-east", "/api/v1/offers", TwoDomains.offer(P + "-dpi-" + i, P + "-east", P + "-dpi", P + "e-site", 100000, 1 + i * 0.1));
        }
    }
}
