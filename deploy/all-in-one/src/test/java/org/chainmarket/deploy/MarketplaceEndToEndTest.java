package org.chainmarket.deploy;

import org.chainmarket.schemas.kafka.KafkaClients;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.chainmarket.adapters.emulated.EmulatedDomain;
import org.chainmarket.adapters.emulated.FaultMode;
import org.chainmarket.deploy.demo.DemoMarket;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.DeadLetters;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfOffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The marketplace end to end on the real embedded Kafka and PostgreSQL, with the Abilene demo split among three
 * emulated provider domains (west, central, east) that advertise over Kafka.
 */
class MarketplaceEndToEndTest {
    static Marketplace market;
    static Api api;

    @BeforeAll
    static void start() {
        market = Marketplace.start(DemoMarket.abilene(), Map.of("micronaut.server.port", "-1", "chainmarket.delivery-timeout", "2s"));
        api = new Api(market.url());
    }

    @AfterAll
    static void stop() {
        market.close();
    }

    @AfterEach
    void healDomains() {
        market.domains().values().forEach(d -> d.setFaultMode(FaultMode.NONE));
    }

    @Test
    void buysAThreeHopChainAcrossProvidersSeesItActiveThenTearsItDown() {
        Api.Response created = api.post("/api/v1/chains", Api.order("seattle", "new-york", 200, 80, 30, "firewall", "dpi", "nat"));
        assertThat(created.status()).isEqualTo(201);
        String id = created.body().get("chainId").asText();

        JsonNode chain = api.awaitState(id, "ACTIVE");
        assertThat(chain.get("hops")).extracting(h -> h.get("vnfType").asText()).containsExactly("firewall", "dpi", "nat");
        assertThat(chain.get("predictedLatencyMs").asDouble()).isPositive().isLessThanOrEqualTo(80);
        assertThat(chain.get("pricePerHour").asDouble()).isPositive().isLessThanOrEqualTo(30);
        List<String> crossed = new ArrayList<>();
        chain.get("domains").forEach(d -> {
            crossed.add(d.get("providerId").asText());
            assertThat(d.get("status").asText()).isEqualTo("INSTALLED");
            List<?> installed = market.domain(ProviderId.of(d.get("providerId").asText())).entriesOf(ChainId.of(id));
            assertThat(installed).isNotEmpty().hasSize(d.get("flowEntries").size());
        });
        assertThat(crossed).as("seattle is west, new-york is east").contains("west", "east");

        assertThat(Traces.vnfsVisited(market, chain)).as("a packet visits the hops' VNFs in order")
                .containsExactlyElementsOf(chain.get("hops").findValuesAsText("offerId"));
        for (JsonNode hop : chain.get("hops")) {
            assertThat(api.get("/api/v1/offers/" + hop.get("offerId").asText()).body().get("reservedMbps").asDouble()).isEqualTo(200.0);
        }

        Api.Response deleted = api.delete("/api/v1/chains/" + id);
        assertThat(deleted.status()).isEqualTo(202);
        assertThat(deleted.body().get("state").asText()).isEqualTo("TEARING_DOWN");
        JsonNode ended = api.awaitState(id, "TERMINATED");
        assertThat(ended.get("reason")).isNull();
        for (EmulatedDomain d : market.domains().values()) {
            assertThat(d.entriesOf(ChainId.of(id))).as("flow entries of the chain in %s", d.domain().providerId()).isEmpty();
        }
        ended.get("domains").forEach(d -> assertThat(d.get("flowEntries")).isEmpty());
        for (JsonNode hop : chain.get("hops")) {
            JsonNode offer = api.get("/api/v1/offers/" + hop.get("offerId").asText()).body();
            assertThat(offer.get("reservedMbps").asDouble()).isZero();
            assertThat(offer.get("reservedChains").asInt()).isZero();
        }
    }

    @Test
    void aDomainThatRefusesFailsTheChainAndRollsTheOthersBack() {
        market.domain(ProviderId.of("east")).setFaultMode(FaultMode.FAIL);
        String id = api.post("/api/v1/chains", Api.order("seattle", "new-york", 100, 80, 30, "firewall", "dpi")).body().get("chainId").asText();
        JsonNode failed = api.awaitState(id, "FAILED");
        assertThat(failed.get("reason").asText()).contains("east").contains("injected failure");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (EmulatedDomain d : market.domains().values()) {
                assertThat(d.entriesOf(ChainId.of(id))).isEmpty();
            }
        });
        for (JsonNode hop : failed.get("hops")) {
            assertThat(api.get("/api/v1/offers/" + hop.get("offerId").asText()).body().get("reservedChains").asInt()).isZero();
        }
    }

    @Test
    void aSilentDomainFailsTheChainAtTheDeadline() {
        market.domain(ProviderId.of("east")).setFaultMode(FaultMode.SILENT);
        String id = api.post("/api/v1/chains", Api.order("seattle", "new-york", 100, 80, 30, "firewall")).body().get("chainId").asText();
        JsonNode failed = api.awaitState(id, "FAILED");
        assertThat(failed.get("reason").asText()).isEqualTo("Provider east did not acknowledge the set-up within 2.0 s");
        market.domain(ProviderId.of("east")).setFaultMode(FaultMode.NONE);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (EmulatedDomain d : market.domains().values()) {
                assertThat(d.entriesOf(ChainId.of(id))).isEmpty();
            }
        });
    }

    @Test
    void anOrderOverBudgetIsRejectedNamingTheBudget() {
        Api.Response r = api.post("/api/v1/chains", Api.order("seattle", "new-york", 100, 200, 0.5, "firewall", "dpi"));
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.contentType()).isEqualTo("application/problem+json");
        assertThat(r.body().get("constraint").asText()).isEqualTo("BUDGET");
        assertThat(r.body().get("detail").asText()).contains("above the budget of 0.50 EUR/h");
        JsonNode stored = api.get("/api/v1/chains/" + r.body().get("chainId").asText()).body();
        assertThat(stored.get("state").asText()).isEqualTo("REJECTED");
    }

    @Test
    void aBrokenOfferRecordGoesToTheDlqAndTheNextOneIsApplied() throws Exception {
        VnfOffer good = new VnfOffer(OfferId.of("east-extra-fw"), ProviderId.of("east"), "firewall", "east-atlanta",
                1000, 10, 0.3, 1, 0.001, 0.999, true, false, null, null);
        try (var producer = producer()) {
            ProducerRecord<String, byte[]> valid = CloudEvents.encode(EventType.OFFER_ADVERTISED, "east-bad", good, "/test");
            ProducerRecord<String, byte[]> broken = new ProducerRecord<>(Topics.forProvider(Topics.OFFERS, good.providerId()), null, "east-bad",
                    "{\"offerId\": \"east-bad\", \"capacityMbps\": -3}".getBytes(StandardCharsets.UTF_8), valid.headers());
            producer.send(broken).get();
            producer.send(CloudEvents.toProvider(CloudEvents.encode(EventType.OFFER_ADVERTISED, good.offerId().value(), good, "/test"),
                    good.providerId())).get();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/api/v1/offers/east-extra-fw").status() == 200);
        List<ConsumerRecord<String, byte[]>> dead = readAll(market, Topics.dlq(Topics.OFFERS));
        assertThat(dead).anySatisfy(r -> {
            assertThat(r.key()).isEqualTo("east-bad");
            String reason = new String(r.headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8);
            assertThat(reason).contains("$.capacityMbps").contains("$.vnfType");
        });
        assertThat(api.get("/api/v1/offers/east-bad").status()).isEqualTo(404);
    }

    @Test
    void aRedeliveredAdvertisementIsAppliedOnce() throws Exception {
        VnfOffer first = new VnfOffer(OfferId.of("west-dup-nat"), ProviderId.of("west"), "nat", "west-denver",
                500, 5, 0.3, 1, 0.001, 0.999, true, false, null, null);
        VnfOffer changed = new VnfOffer(first.offerId(), first.providerId(), "nat", "west-denver",
                900, 5, 0.3, 1, 0.001, 0.999, true, false, null, null);
        try (var producer = producer()) {
            ProducerRecord<String, byte[]> original = CloudEvents.toProvider(CloudEvents.encode(EventType.OFFER_ADVERTISED,
                    "west-dup-nat", first, "/test"), first.providerId());
            producer.send(original).get();
            await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/api/v1/offers/west-dup-nat").status() == 200);
            String eventId = new String(original.headers().lastHeader(CloudEvents.ID).value(), StandardCharsets.UTF_8);
            producer.send(CloudEvents.toProvider(CloudEvents.encode(eventId, EventType.OFFER_ADVERTISED, "west-dup-nat",
                    org.chainmarket.schemas.events.Json.bytes(changed), "/test"), first.providerId())).get();
            producer.send(CloudEvents.toProvider(CloudEvents.encode(EventType.OFFER_ADVERTISED, "west-dup-marker",
                    new VnfOffer(OfferId.of("west-dup-marker"), first.providerId(), "nat", "west-denver", 100, 1, 0.3, 1, 0.001, 0.999,
                            true, false, null, null), "/test"), first.providerId())).get();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/api/v1/offers/west-dup-marker").status() == 200);
        assertThat(api.get("/api/v1/offers/west-dup-nat").body().get("offer").get("capacityMbps").asDouble())
                .as("the redelivered event (same ce_id) was skipped").isEqualTo(500.0);
    }

    static KafkaProducer<String, byte[]> producer() {
        return KafkaClients.producer(market.bootstrapServers(), "test", market.kafka().admin());
    }

    /** Every record of {@code topic} from the beginning. */
    static List<ConsumerRecord<String, byte[]>> readAll(Marketplace market, String topic) {
        try (var consumer = new KafkaConsumer<>(KafkaClients.consumerConfig(market.bootstrapServers(), "test-" + System.nanoTime(),
                "test", market.kafka().admin()), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
            Set<Long> seen = new HashSet<>();
            long until = System.currentTimeMillis() + 5000;
            while (System.currentTimeMillis() < until) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (seen.add(r.offset())) {
                        out.add(r);
                    }
                });
                if (!out.isEmpty() && consumer.assignment().stream().allMatch(p -> consumer.position(p) >= consumer.endOffsets(List.of(p)).get(p))) {
                    break;
                }
            }
            return out;
        }
    }
}
