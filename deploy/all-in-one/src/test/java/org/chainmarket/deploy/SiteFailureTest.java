package org.chainmarket.deploy;

import org.chainmarket.schemas.kafka.KafkaClients;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.chainmarket.deploy.demo.DemoMarket;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.model.Degradation;
import org.chainmarket.schemas.model.Metric;
import org.chainmarket.schemas.model.SubjectKind;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.selection.topology.Topology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A provider site carrying 200 ACTIVE chains fails (its instances stop sending heartbeats): every chain ends up
 * substituted onto other sites or FAILED with a reason, and no offer anywhere is overbooked.
 */
class SiteFailureTest {
    static final String SITE_SWITCH = "new-york";
    static Marketplace market;
    static Api api;

    @BeforeAll
    static void start() {
        // the failing site's instances are the cheapest, so chains between its own hosts all land there
        DemoMarket cheapSite = DemoMarket.of(Topology.bundled("Abilene"), 3, 3, 4000, 400, 5).withCheapSite(SITE_SWITCH);
        // a generous delivery deadline: 200 substitutions at once on a busy 2-core machine are slow to acknowledge
        market = Marketplace.start(cheapSite, Map.of("micronaut.server.port", "-1", "chainmarket.delivery-timeout", "20s"));
        api = new Api(market.url());
    }

    @AfterAll
    static void stop() {
        market.close();
    }

    @Test
    void everyChainOfAFailedSiteIsSubstitutedOrFailsAndNothingIsOverbooked() throws Exception {
        List<JsonNode> siteOffers = new ArrayList<>();
        api.get("/api/v1/offers").body().forEach(o -> {
            if (o.get("offer").get("siteId").asText().endsWith("-" + SITE_SWITCH)) {
                siteOffers.add(o.get("offer"));
            }
        });
        assertThat(siteOffers).hasSizeGreaterThanOrEqualTo(2);
        String typeA = siteOffers.get(0).get("vnfType").asText();
        String typeB = siteOffers.get(1).get("vnfType").asText();

        // 150 chains with room to move, 50 whose latency bound only the failed site can meet
        List<String> orders = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            orders.add(i < 150 ? Api.order(SITE_SWITCH, SITE_SWITCH, 15, 80, 50, typeA, typeB)
                    : Api.order(SITE_SWITCH, SITE_SWITCH, 5, 2.5, 50, typeA, typeB));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<String> ids = new ArrayList<>();
        try {
            List<Future<Api.Response>> sent = new ArrayList<>();
            for (String o : orders) {
                sent.add(pool.submit(() -> api.post("/api/v1/chains", o)));
            }
            for (Future<Api.Response> f : sent) {
                Api.Response r = f.get();
                assertThat(r.status()).as("order answered %s", r.body()).isEqualTo(201);
                ids.add(r.body().get("chainId").asText());
            }
        } finally {
            pool.shutdown();
        }
        for (String id : ids) {
            JsonNode chain = api.awaitState(id, "ACTIVE");
            assertThat(chain.get("hops").findValuesAsText("switchId")).as("chain %s sits on the site", id).containsOnly(SITE_SWITCH);
        }

        Instant failedAt = Instant.now();
        try (var producer = KafkaClients.producer(market.bootstrapServers(), "site-monitor", market.kafka().monitoring())) {
            for (JsonNode offer : siteOffers) {
                Degradation silent = new Degradation(SubjectKind.INSTANCE, offer.get("offerId").asText(),
                        ProviderId.of(offer.get("providerId").asText()), Metric.HEARTBEAT, 6, 5, 5, 10, failedAt, List.of());
                producer.send(CloudEvents.encode(EventType.DEGRADATION_DETECTED, silent.subjectId(), silent, "/monitoring")).get();
            }
        }

        Map<String, JsonNode> end = new HashMap<>();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            for (String id : ids) {
                if (!end.containsKey(id)) {
                    JsonNode c = api.get("/api/v1/chains/" + id).body();
                    String state = c.get("state").asText();
                    boolean moved = state.equals("ACTIVE") && c.get("hops").findValuesAsText("switchId").stream().noneMatch(SITE_SWITCH::equals);
                    if (moved || state.equals("FAILED")) {
                        end.put(id, c);
                    }
                }
            }
            return end.size() == ids.size();
        });
        long substituted = end.values().stream().filter(c -> c.get("state").asText().equals("ACTIVE")).count();
        long failed = end.values().stream().filter(c -> c.get("state").asText().equals("FAILED")).count();
        assertThat(substituted + failed).isEqualTo(200);
        assertThat(substituted).as("chains with room to move; failures: %s", end.values().stream()
                .filter(c -> c.get("state").asText().equals("FAILED")).map(c -> c.get("reason").asText()).distinct().toList())
                .isGreaterThanOrEqualTo(150);
        end.values().stream().filter(c -> c.get("state").asText().equals("FAILED")).forEach(c ->
                assertThat(c.get("reason").asText()).contains("is down").contains("no substitute fits"));
        for (String id : ids.subList(0, 150)) {
            JsonNode subs = api.get("/api/v1/substitutions?chain=" + id).body();
            assertThat(subs).as("substitutions of %s", id).anySatisfy(s -> assertThat(s.get("status").asText()).isEqualTo("COMPLETED"));
        }
        Map<String, Double> held = new HashMap<>();
        end.values().stream().filter(c -> c.get("state").asText().equals("ACTIVE")).forEach(c ->
                c.get("hops").forEach(h -> held.merge(h.get("offerId").asText(), c.get("order").get("bandwidthMbps").asDouble(), Double::sum)));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (JsonNode o : api.get("/api/v1/offers").body()) {
                String id = o.get("offer").get("offerId").asText();
                assertThat(o.get("reservedMbps").asDouble()).as("offer %s within capacity", id)
                        .isLessThanOrEqualTo(o.get("offer").get("capacityMbps").asDouble());
                assertThat(o.get("reservedMbps").asDouble()).as("offer %s holds exactly its active chains", id)
                        .isCloseTo(held.getOrDefault(id, 0.0), org.assertj.core.data.Offset.offset(1e-6));
            }
        });
    }
}
