package org.chainmarket.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.chainmarket.adapters.emulated.EmulatedDomain;
import org.chainmarket.deploy.demo.DemoMarket;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole loop with nothing injected but the emulated network's own condition: domains report telemetry,
 * monitoring-ingest turns it into context and degradation events, the broker substitutes. A hot instance moves the
 * chains on it; a load flapping at the threshold gives one degradation and one substitution, not a storm.
 */
class MonitoringLoopTest {
    static Marketplace market;
    static Api api;

    @BeforeAll
    static void start() {
        market = Marketplace.start(DemoMarket.abilene(), Map.of("micronaut.server.port", "-1", Marketplace.TELEMETRY_INTERVAL, "200ms"));
        api = new Api(market.url());
    }

    @AfterAll
    static void stop() {
        market.close();
    }

    @Test
    void aHotInstanceReportedByItsDomainIsSubstitutedOnceEvenWhenItsLoadFlaps() throws Exception {
        Api.Response r = api.post("/api/v1/chains", Api.order("chicago", "atlanta", 100, 100, 40, "firewall", "nat"));
        assertThat(r.status()).isEqualTo(201);
        String id = r.body().get("chainId").asText();
        JsonNode chain = api.awaitState(id, "ACTIVE");
        JsonNode hop = chain.get("hops").get(0);
        OfferId hot = OfferId.of(hop.get("offerId").asText());
        EmulatedDomain domain = market.domain(ProviderId.of(hop.get("providerId").asText()));

        // the instance's load flaps around the 0.85 threshold: 0.95 and 0.80 alternately, ten times
        for (int i = 0; i < 10; i++) {
            domain.makeHot(hot, 0.95);
            Thread.sleep(1500);
            domain.makeHot(hot, 0.80);
            Thread.sleep(400);
        }
        JsonNode subs = await().atMost(Duration.ofSeconds(40)).until(() -> api.get("/api/v1/substitutions?chain=" + id).body(),
                s -> s.size() >= 1 && s.get(0).get("status").asText().equals("COMPLETED"));
        Thread.sleep(3000);
        subs = api.get("/api/v1/substitutions?chain=" + id).body();
        assertThat(subs).as("one substitution for the flapping instance").hasSize(1);
        JsonNode s = subs.get(0);
        assertThat(s.get("trigger").get("subjectId").asText()).isEqualTo(hot.value());
        assertThat(s.get("trigger").get("metric").asText()).as("load, or the processing delay that grows with it")
                .isIn("load", "processingDelayMs");
        assertThat(s.get("trigger").get("recent")).isNotEmpty();
        assertThat(s.get("after").get("hops").get(0).get("offerId").asText()).isNotEqualTo(hot.value());
        assertThat(api.awaitState(id, "ACTIVE").get("hops").get(0).get("offerId").asText()).isNotEqualTo(hot.value());

        List<ConsumerRecord<String, byte[]>> detected = MarketplaceEndToEndTest.readAll(market, Topics.DEGRADATIONS)
                .stream().filter(rec -> rec.key().equals(hot.value()))
                .filter(rec -> new String(rec.headers().lastHeader(CloudEvents.TYPE).value(), StandardCharsets.UTF_8).equals("DegradationDetected"))
                .toList();
        Map<org.chainmarket.schemas.model.Metric, Long> perMetric = detected.stream().collect(java.util.stream.Collectors.groupingBy(
                rec -> org.chainmarket.schemas.events.Json.read(new String(rec.value(), StandardCharsets.UTF_8),
                        org.chainmarket.schemas.model.Degradation.class).metric(), java.util.stream.Collectors.counting()));
        assertThat(perMetric).as("degradations of %s per metric", hot).isNotEmpty().allSatisfy((metric, n) -> assertThat(n).isEqualTo(1));
        domain.cool(hot);
    }

    @Test
    void aLoadedInstanceIsNotChosenForNewChains() {
        String type = "wan-optimizer";
        List<JsonNode> candidates = api.get("/api/v1/offers").body().findParents("vnfType").stream()
                .filter(o -> o.get("vnfType").asText().equals(type)).toList();
        JsonNode first = api.awaitState(api.post("/api/v1/chains", Api.order("kansas-city", "kansas-city", 10, 200, 100, type))
                .body().get("chainId").asText(), "ACTIVE");
        OfferId preferred = OfferId.of(first.get("hops").get(0).get("offerId").asText());
        ProviderId provider = ProviderId.of(first.get("hops").get(0).get("providerId").asText());
        assertThat(candidates).hasSizeGreaterThan(1);
        market.domain(provider).makeHot(preferred, 0.99);
        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
            Api.Response again = api.post("/api/v1/chains", Api.order("kansas-city", "kansas-city", 10, 200, 100, type));
            assertThat(again.status()).isEqualTo(201);
            assertThat(again.body().get("hops").get(0).get("offerId").asText()).isNotEqualTo(preferred.value());
        });
        market.domain(provider).cool(preferred);
    }
}
