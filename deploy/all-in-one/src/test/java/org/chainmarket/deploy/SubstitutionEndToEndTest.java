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
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.model.Degradation;
import org.chainmarket.schemas.model.Metric;
import org.chainmarket.schemas.model.SubjectKind;
import org.chainmarket.schemas.model.ProviderId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Substitution end to end over the real Kafka and PostgreSQL: degradation events (as monitoring publishes them)
 * move the affected chains to a healthy instance make-before-break, leave the others alone, and leave a record
 * operators can approve, roll back and acknowledge.
 */
class SubstitutionEndToEndTest {
    static Marketplace market;
    static Api api;
    static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void start() {
        market = Marketplace.start(DemoMarket.abilene(), Map.of("micronaut.server.port", "-1"));
        api = new Api(market.url());
        producer = KafkaClients.producer(market.bootstrapServers(), "test", market.kafka().admin());
    }

    @AfterAll
    static void stop() {
        producer.close();
        market.close();
    }

    static JsonNode buy(String ingress, String egress, String policy, String... types) {
        @SuppressWarnings("unchecked")
        Map<String, Object> order = new java.util.HashMap<>(Json.read(Api.order(ingress, egress, 50, 120, 40, types), Map.class));
        if (policy != null) {
            order.put("substitutionPolicy", policy);
        }
        Api.Response r = api.post("/api/v1/chains", Json.text(order));
        assertThat(r.status()).as("order %s", r.body()).isEqualTo(201);
        return api.awaitState(r.body().get("chainId").asText(), "ACTIVE");
    }

    static void publish(EventType type, Degradation d) throws Exception {
        producer.send(CloudEvents.encode(type, d.subjectId(), d, "/monitoring")).get();
    }

    static Degradation hot(String offerId, String provider) {
        Instant now = Instant.now();
        return new Degradation(SubjectKind.INSTANCE, offerId, ProviderId.of(provider), Metric.CPU, 0.97, 0.9, 0.75, 10, now,
                List.of(new Degradation.Point(now.minusSeconds(2), 0.88), new Degradation.Point(now.minusSeconds(1), 0.93),
                        new Degradation.Point(now, 0.97)));
    }

    @Test
    void aHotInstanceIsSubstitutedInTheChainsThatUseItAndOnlyThere() throws Exception {
        JsonNode a = buy("seattle", "new-york", null, "firewall", "dpi");
        JsonNode b = buy("seattle", "new-york", null, "firewall", "dpi");
        String hotOffer = a.get("hops").get(1).get("offerId").asText();
        String hotProvider = a.get("hops").get(1).get("providerId").asText();
        JsonNode other = null;
        for (String[] pair : List.of(new String[]{"houston", "atlanta"}, new String[]{"denver", "chicago"}, new String[]{"new-york", "washington-dc"})) {
            JsonNode c = buy(pair[0], pair[1], null, "nat");
            if (c.get("hops").findValuesAsText("offerId").stream().noneMatch(hotOffer::equals)) {
                other = c;
                break;
            }
        }
        assertThat(other).as("a chain that does not use %s", hotOffer).isNotNull();
        String untouched = other.get("chainId").asText();

        Degradation trigger = hot(hotOffer, hotProvider);
        publish(EventType.DEGRADATION_DETECTED, trigger);

        for (JsonNode chain : List.of(a, b)) {
            if (!chain.get("hops").findValuesAsText("offerId").contains(hotOffer)) {
                continue;
            }
            String id = chain.get("chainId").asText();
            JsonNode subs = await().atMost(Duration.ofSeconds(20)).until(
                    () -> api.get("/api/v1/substitutions?chain=" + id).body(),
                    s -> s.size() == 1 && s.get(0).get("status").asText().equals("COMPLETED"));
            JsonNode s = subs.get(0);
            assertThat(s.get("policy").asText()).isEqualTo("AUTOMATIC");
            assertThat(s.get("trigger").get("subjectId").asText()).isEqualTo(hotOffer);
            assertThat(s.get("trigger").get("metric").asText()).isEqualTo("cpu");
            assertThat(s.get("trigger").get("recent")).hasSize(3);
            assertThat(s.get("changedHops")).extracting(JsonNode::asInt).containsExactly(1);
            assertThat(s.get("before").get("hops").get(1).get("offerId").asText()).isEqualTo(hotOffer);
            String newOffer = s.get("after").get("hops").get(1).get("offerId").asText();
            assertThat(newOffer).isNotEqualTo(hotOffer);
            assertThat(s.get("after").get("hops").get(0).get("offerId")).as("the healthy hop is kept")
                    .isEqualTo(s.get("before").get("hops").get(0).get("offerId"));
            assertThat(s.get("before").get("latencyMs").asDouble()).isPositive();
            assertThat(s.get("after").get("latencyMs").asDouble()).isPositive().isLessThanOrEqualTo(120);
            assertThat(s.get("after").get("pricePerHour").asDouble()).isPositive().isLessThanOrEqualTo(40);
            assertThat(s.get("triggerToActiveMs").asLong()).isNotNegative();
            assertThat(s.get("completedAt").asText()).isNotBlank();
            assertThat(s.get("outcome").asText()).contains(hotOffer + " -> " + newOffer);

            JsonNode now = api.awaitState(id, "ACTIVE");
            assertThat(now.get("hops").get(1).get("offerId").asText()).isEqualTo(newOffer);
            assertThat(Traces.vnfsVisited(market, now)).as("traffic now crosses the new instance")
                    .containsExactly(now.get("hops").get(0).get("offerId").asText(), newOffer);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(api.get("/api/v1/offers/" + newOffer).body().get("reservedChains").asInt()).isPositive());
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                api.get("/api/v1/offers/" + hotOffer).body().get("reservedChains").asInt()).as("the hot instance holds no chain").isZero());
        JsonNode same = api.get("/api/v1/chains/" + untouched).body();
        assertThat(same.get("state").asText()).isEqualTo("ACTIVE");
        assertThat(same.get("hops").findValuesAsText("offerId")).isEqualTo(other.get("hops").findValuesAsText("offerId"));
        assertThat(api.get("/api/v1/substitutions?chain=" + untouched).body()).isEmpty();

        String subId = api.get("/api/v1/substitutions?chain=" + a.get("chainId").asText()).body().get(0).get("substitutionId").asText();
        JsonNode acked = api.post("/api/v1/substitutions/" + subId + "/acknowledge", "{\"operator\": \"alice\"}").body();
        assertThat(acked.get("acknowledgedBy").asText()).isEqualTo("alice");

        Api.Response early = api.post("/api/v1/substitutions/" + subId + "/rollback", "");
        assertThat(early.status()).as("rolling back onto a still-degraded instance").isEqualTo(409);
        assertThat(early.body().get("detail").asText()).contains("still degraded");

        publish(EventType.DEGRADATION_CLEARED, hot(hotOffer, hotProvider));
        JsonNode rolled = await().atMost(Duration.ofSeconds(20)).until(() -> api.post("/api/v1/substitutions/" + subId + "/rollback", ""),
                r -> r.status() == 200).body();
        assertThat(rolled.get("rollbackOf").asText()).isEqualTo(subId);
        await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/api/v1/chains/" + a.get("chainId").asText()).body(),
                c -> c.get("state").asText().equals("ACTIVE") && c.get("hops").get(1).get("offerId").asText().equals(hotOffer));
    }

    @Test
    void aHotInstanceIsRelievedOfOnlyWhatTakesItUnderItsClearThreshold() throws Exception {
        List<JsonNode> bought = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            bought.add(buy("kansas-city", "indianapolis", null, "wan-optimizer"));
        }
        String offer = bought.get(0).get("hops").get(0).get("offerId").asText();
        String provider = bought.get(0).get("hops").get(0).get("providerId").asText();
        List<String> on = bought.stream().filter(c -> c.get("hops").get(0).get("offerId").asText().equals(offer))
                .map(c -> c.get("chainId").asText()).toList();
        assertThat(on).as("chains sharing %s", offer).hasSizeGreaterThan(2);
        JsonNode o = api.get("/api/v1/offers/" + offer).body();
        double capacity = o.get("offer").get("capacityMbps").asDouble();
        double held = o.get("reservedMbps").asDouble();
        // measured load is exactly the chains' share; it clears half a chain (25 of 50 Mbit/s) below that: one chain must go
        Instant now = Instant.now();
        publish(EventType.DEGRADATION_DETECTED, new Degradation(SubjectKind.INSTANCE, offer, ProviderId.of(provider), Metric.LOAD,
                held / capacity, (held - 10) / capacity, (held - 25) / capacity, 10, now, List.of(new Degradation.Point(now, held / capacity))));

        await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/api/v1/offers/" + offer).body().get("reservedMbps").asDouble(),
                r -> Math.abs(r - (held - 50)) < 1e-6);
        int moved = 0;
        for (String id : on) {
            JsonNode subs = api.get("/api/v1/substitutions?chain=" + id).body();
            JsonNode chain = api.awaitState(id, "ACTIVE");
            if (subs.isEmpty()) {
                assertThat(chain.get("hops").get(0).get("offerId").asText()).as("a chain left on the relieved instance").isEqualTo(offer);
            } else {
                moved++;
                assertThat(subs.get(0).get("status").asText()).isEqualTo("COMPLETED");
                assertThat(chain.get("hops").get(0).get("offerId").asText()).isNotEqualTo(offer);
            }
        }
        assertThat(moved).as("chains moved off the hot instance").isEqualTo(1);
        publish(EventType.DEGRADATION_CLEARED, new Degradation(SubjectKind.INSTANCE, offer, ProviderId.of(provider), Metric.LOAD,
                0.1, (held - 10) / capacity, (held - 25) / capacity, 10, Instant.now(), List.of()));
    }

    @Test
    void anApprovalPolicyProposesAndTheOperatorsApprovalAppliesIt() throws Exception {
        JsonNode chain = buy("los-angeles", "washington-dc", "APPROVAL", "load-balancer");
        String id = chain.get("chainId").asText();
        String offer = chain.get("hops").get(0).get("offerId").asText();
        publish(EventType.DEGRADATION_DETECTED, hot(offer, chain.get("hops").get(0).get("providerId").asText()));

        JsonNode proposed = await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/api/v1/substitutions?chain=" + id).body(),
                s -> s.size() == 1 && s.get(0).get("status").asText().equals("PROPOSED")).get(0);
        assertThat(api.get("/api/v1/chains/" + id).body().get("state").asText()).isEqualTo("DEGRADED");
        assertThat(api.get("/api/v1/chains/" + id).body().get("hops").get(0).get("offerId").asText()).isEqualTo(offer);

        Api.Response approved = api.post("/api/v1/substitutions/" + proposed.get("substitutionId").asText() + "/approve", "");
        assertThat(approved.status()).isEqualTo(200);
        JsonNode done = await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/api/v1/chains/" + id).body(),
                c -> c.get("state").asText().equals("ACTIVE"));
        assertThat(done.get("hops").get(0).get("offerId").asText()).isEqualTo(proposed.get("after").get("hops").get(0).get("offerId").asText())
                .isNotEqualTo(offer);
        assertThat(api.post("/api/v1/substitutions/" + proposed.get("substitutionId").asText() + "/approve", "").status())
                .as("approving twice").isEqualTo(409);
    }
}
