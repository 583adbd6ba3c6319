package org.chainmarket.broker;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.UsageSegment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A buyer changes running chains over the real embedded Kafka and PostgreSQL (domains that acknowledge every command),
 * and the usage of scripted histories, timed by a manual clock, is invoiced to the cent as computed by hand from their
 * segments: order, change in place, a change that switches hops, end; and order, a provider's new prices (one applied,
 * one over the buyer's budget and not applied, a cut), an SLA violation credited, end.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChainChangeAndUsageTest implements TestPropertyProvider {
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    @Inject
    @Client("/")
    HttpClient http;
    @Inject
    ManualClock clock;
    private AckingDomains domains;
    private LinkDelays monitoring;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(Callers.properties());
        p.put("test.usage-clock", "manual");
        p.put("chainmarket.sla.interval", "200ms");
        return p;
    }

    @BeforeAll
    void domains() {
        domains = new AckingDomains(Infra.bootstrapServers(), "ch");
        monitoring = new LinkDelays();
    }

    @AfterAll
    void stop() throws InterruptedException {
        monitoring.close();
        domains.close();
    }

    private HttpResponse<Map> send(io.micronaut.http.MutableHttpRequest<?> r) {
        return TwoDomains.exchange(http, r);
    }

    private HttpResponse<Map> patch(String chainId, String body, String key) {
        var r = HttpRequest.PATCH("/api/v1/chains/" + chainId, body).contentType(MediaType.APPLICATION_JSON);
        return send(key == null ? r : r.header("Idempotency-Key", key));
    }

    private String activeChain(String prefix, double mbps) {
        HttpResponse<Map> ordered = send(HttpRequest.POST("/api/v1/chains", TwoDomains.order(prefix, mbps)).contentType(MediaType.APPLICATION_JSON));
        assertThat(ordered.code()).isEqualTo(201);
        String id = (String) ordered.body().get("chainId");
        awaitState(id, "ACTIVE");
        return id;
    }

    private Map<?, ?> awaitState(String chainId, String state) {
        await().atMost(Duration.ofSeconds(20)).until(() -> state.equals(chain(chainId).get("state")));
        return chain(chainId);
    }

    private Map<?, ?> chain(String id) {
        return send(HttpRequest.GET("/api/v1/chains/" + id)).body();
    }

    private double reserved(String offerId) {
        return ((Number) send(HttpRequest.GET("/api/v1/offers/" + offerId)).body().get("reservedMbps")).doubleValue();
    }

    @SuppressWarnings("unchecked")
    private static List<String> offersOf(Map<?, ?> chain) {
        return ((List<Map<String, Object>>) chain.get("hops")).stream().map(h -> (String) h.get("offerId")).toList();
    }

    private static double bandwidth(Map<?, ?> chain) {
        return ((Number) ((Map<?, ?>) chain.get("order")).get("bandwidthMbps")).doubleValue();
    }

    /** What the chain holds in the ledger: offer → Mbit/s per hop row, and its links. */
    private static Map<String, Double> ledger(String chainId) throws Exception {
        Map<String, Double> held = new HashMap<>();
        try (Connection c = TwoDomains.database()) {
            try (var s = c.prepareStatement("SELECT offer_id, mbps FROM chain_reservation WHERE chain_id = ?")) {
                s.setString(1, chainId);
                ResultSet rs = s.executeQuery();
                while (rs.next()) {
                    held.put("offer " + rs.getString(1), rs.getDouble(2));
                }
            }
            try (var s = c.prepareStatement("SELECT link_key, mbps FROM chain_link WHERE chain_id = ?")) {
                s.setString(1, chainId);
                ResultSet rs = s.executeQuery();
                while (rs.next()) {
                    held.put("link " + rs.getString(1), rs.getDouble(2));
                }
            }
        }
        return held;
    }

    @Test
    void aWiderBandwidthThatFitsStaysOnItsHopsAndARetriedChangeIsAppliedOnce() throws Exception {
        TwoDomains.register(http, "ch-1", 10_000, 1, 100);
        String id = activeChain("ch-1", 40);
        String key = UUID.randomUUID().toString();

        HttpResponse<Map> changed = patch(id, "{\"bandwidthMbps\": 70}", key);
        assertThat(changed.code()).isEqualTo(200);
        assertThat(changed.body().get("state")).isEqualTo("ACTIVE");
        assertThat(offersOf(changed.body())).containsExactly("ch-1-fw-0", "ch-1-dpi-0");
        assertThat(bandwidth(changed.body())).isEqualTo(70);
        assertThat(reserved("ch-1-fw-0")).isEqualTo(70);
        assertThat(reserved("ch-1-dpi-0")).isEqualTo(70);
        assertThat(ledger(id)).allSatisfy((k, v) -> assertThat(v).as(k).isEqualTo(70.0));

        HttpResponse<Map> again = patch(id, "{\"bandwidthMbps\": 70}", key);
        assertThat(again.code()).isEqualTo(200);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(reserved("ch-1-fw-0")).as("applied once").isEqualTo(70);
        HttpResponse<Map> reused = patch(id, "{\"bandwidthMbps\": 60}", key);
        assertThat(reused.code()).isEqualTo(422);
        assertThat((String) reused.body().get("type")).endsWith("idempotency-key-reused");

        HttpResponse<Map> tighter = patch(id, "{\"maxPricePerHour\": 50, \"maxLatencyMs\": 90}", null);
        assertThat(tighter.code()).isEqualTo(200);
        assertThat(((Number) ((Map<?, ?>) tighter.body().get("order")).get("maxPricePerHour")).doubleValue()).isEqualTo(50);

        // another buyer's chain is as absent as an unknown one
        HttpResponse<Map> other = TwoDomainsAs.patch(http, Callers.OTHER_BUYER, id, "{\"bandwidthMbps\": 10}");
        assertThat(other.code()).isEqualTo(404);
        assertThat(bandwidth(chain(id))).isEqualTo(70);
    }

    @Test
    void aChangeNothingMeetsIsRefusedWithTheConstraintAndTheChainRunsAsItWas() throws Exception {
        TwoDomains.register(http, "ch-2", 10_000, 1, 100);
        String id = activeChain("ch-2", 40);
        Map<String, Double> before = ledger(id);

        HttpResponse<Map> refused = patch(id, "{\"bandwidthMbps\": 500}", null);
        assertThat(refused.code()).isEqualTo(422);
        assertThat(refused.getContentType().map(Object::toString)).contains("application/problem+json");
        assertThat(refused.body().get("constraint")).isEqualTo("OFFER_CAPACITY");
        assertThat(refused.body().get("chainId")).isEqualTo(id);
        assertThat((String) refused.body().get("detail")).contains("runs on as it was");

        HttpResponse<Map> tooCheap = patch(id, "{\"maxPricePerHour\": 0.5}", null);
        assertThat(tooCheap.code()).isEqualTo(422);
        assertThat((String) tooCheap.body().get("constraint")).contains("BUDGET");

        Map<?, ?> now = chain(id);
        assertThat(now.get("state")).isEqualTo("ACTIVE");
        assertThat(bandwidth(now)).isEqualTo(40);
        assertThat(offersOf(now)).containsExactly("ch-2-fw-0", "ch-2-dpi-0");
        assertThat(ledger(id)).as("reservations unchanged").isEqualTo(before);
        assertThat(reserved("ch-2-fw-0")).isEqualTo(40);
    }

    @Test
    void aScriptedHistoryIsInvoicedAsComputedByHandFromItsSegments() throws Exception {
        TwoDomains.register(http, "ch-3", 10_000, 1, 100);
        // firewall ch3-fw-0 and DPI ch3-dpi-0: 100 Mbit/s, 1 EUR/h (no per-Mbit/s price); bigger, dearer ones beside them
        TwoDomains.offer(http, "ch-3-fw-big", false, 1000, 2, 0.02);
        TwoDomains.offer(http, "ch-3-dpi-big", true, 1000, 3, 0.02);

        clock.set(T0);
        String id = activeChain("ch-3", 50);
        assertThat(offersOf(chain(id))).containsExactly("ch-3-fw-0", "ch-3-dpi-0");

        clock.set(T0.plus(Duration.ofHours(1)));
        assertThat(patch(id, "{\"bandwidthMbps\": 80}", null).code()).as("fits in place").isEqualTo(200);

        clock.set(T0.plus(Duration.ofHours(3)));
        HttpResponse<Map> switching = patch(id, "{\"bandwidthMbps\": 150}", null);
        assertThat(switching.code()).as("the small offers cannot carry it").isEqualTo(202);
        assertThat(switching.body().get("state")).isEqualTo("SUBSTITUTING");
        String substitution = (String) switching.body().get("substitutionId");
        Map<?, ?> switched = awaitState(id, "ACTIVE");
        assertThat(offersOf(switched)).containsExactly("ch-3-fw-big", "ch-3-dpi-big");
        assertThat(bandwidth(switched)).isEqualTo(150);
        assertThat(reserved("ch-3-fw-0")).isZero();
        assertThat(reserved("ch-3-fw-big")).isEqualTo(150);
        Map<?, ?> recorded = send(HttpRequest.GET("/api/v1/substitutions/" + substitution)).body();
        assertThat(((Map<?, ?>) recorded.get("trigger")).get("kind")).isEqualTo("BUYER");
        assertThat(recorded.get("status")).isEqualTo("COMPLETED");

        clock.set(T0.plus(Duration.ofMinutes(270)));
        assertThat(send(HttpRequest.DELETE("/api/v1/chains/" + id)).code()).isEqualTo(202);
        awaitState(id, "TERMINATED");

        // by hand, per segment: hours x (price per hour + Mbit/s x price per Mbit/s and hour)
        //   [0 h, 1 h)   ch3-fw-0 and ch3-dpi-0 at 50:   1 h x 1 EUR/h            = 1.00 each
        //   [1 h, 3 h)   ch3-fw-0 and ch3-dpi-0 at 80:   2 h x 1 EUR/h            = 2.00 each
        //   [3 h, 4.5 h) ch3-fw-big at 150: 1.5 h x (2 + 150 x 0.02) = 1.5 x 5    = 7.50
        //                ch3-dpi-big at 150: 1.5 h x (3 + 150 x 0.02) = 1.5 x 6   = 9.00
        String period = "?from=" + T0 + "&to=" + T0.plus(Duration.ofHours(24));
        Map<?, ?> invoice = send(HttpRequest.GET("/api/v1/usage" + period)).body();
        assertThat(new BigDecimal(invoice.get("total").toString())).isEqualByComparingTo("22.50");
        assertThat(amounts((List<?>) invoice.get("lines"), "offerId")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "ch-3-fw-0", eur("3.00"), "ch-3-dpi-0", eur("3.00"),
                "ch-3-fw-big", eur("7.50"), "ch-3-dpi-big", eur("9.00")));
        assertThat(amounts((List<?>) invoice.get("providers"), "id")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "ch-3-west", eur("10.50"), "ch-3-east", eur("12.00")));
        // half the period: the segments are clipped to it
        Map<?, ?> firstTwoHours = send(HttpRequest.GET("/api/v1/usage?from=" + T0 + "&to=" + T0.plus(Duration.ofHours(2)))).body();
        assertThat(new BigDecimal(firstTwoHours.get("total").toString())).isEqualByComparingTo("4.00");

        // the west provider sees its revenue per offer, nothing of the east's
        Map<?, ?> west = TwoDomainsAs.get(http, "ch-3-west", "/api/v1/usage" + period);
        assertThat(west.get("scope")).isEqualTo("PROVIDER");
        assertThat(amounts((List<?>) west.get("offers"), "id")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "ch-3-fw-0", eur("3.00"), "ch-3-fw-big", eur("7.50")));
        assertThat(new BigDecimal(west.get("total").toString())).isEqualByComparingTo("10.50");

        // the segments: opened and closed by what happened, each closed one published with its amount
        List<UsageSegment> closed = closedSegments(id, 6);
        assertThat(closed).extracting(s -> s.offerId().value() + " " + s.openedBy() + "->" + s.closedBy()).containsExactlyInAnyOrder(
                "ch-3-fw-0 ACTIVATED->CHANGED", "ch-3-dpi-0 ACTIVATED->CHANGED", "ch-3-fw-0 CHANGED->SUBSTITUTED",
                "ch-3-dpi-0 CHANGED->SUBSTITUTED", "ch-3-fw-big SUBSTITUTED->ENDED", "ch-3-dpi-big SUBSTITUTED->ENDED");
        assertThat(closed.stream().map(UsageSegment::amount).reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualByComparingTo("22.50");
    }

    @Test
    void newPricesApplyFromTheirMomentWithinTheBudgetAndAnSlaViolationIsCreditedToTheCent() throws Exception {
        TwoDomains.register(http, "ch-4", 10_000, 1, 100);
        // ch-4-fw-0 (west) and ch-4-dpi-0 (east): 1 EUR/h each, no per-Mbit/s price; the order's budget is 100 EUR/h
        clock.set(T0);
        String id = activeChain("ch-4", 50);
        assertThat(offersOf(chain(id))).containsExactly("ch-4-fw-0", "ch-4-dpi-0");

        // 1 h: west raises the firewall to 2 EUR/h + 0.02 EUR per Mbit/s and hour: 3 EUR/h at 50 Mbit/s, within the budget
        clock.set(T0.plus(Duration.ofHours(1)));
        TwoDomains.offer(http, "ch-4-fw-0", false, 100, 2, 0.02);

        // 2 h: the border link slows to 150 ms, over the chain's 100 ms bound
        clock.set(T0.plus(Duration.ofHours(2)));
        monitoring.set("ch-4w2", "ch-4e1", "ch-4-east", 150);
        await().atMost(Duration.ofSeconds(20)).until(() -> Boolean.TRUE.equals(sla(id).get("inViolation")));

        // 2.5 h: east asks 150 EUR/h for the DPI: over the buyer's 100 EUR/h, so the running chain keeps its 1 EUR/h
        clock.set(T0.plus(Duration.ofMinutes(150)));
        TwoDomains.offer(http, "ch-4-dpi-0", true, 100, 150, 0);

        // 3 h: the link recovers, the violation closes
        clock.set(T0.plus(Duration.ofHours(3)));
        monitoring.set("ch-4w2", "ch-4e1", "ch-4-east", 2);
        await().atMost(Duration.ofSeconds(20)).until(() -> Boolean.FALSE.equals(sla(id).get("inViolation")));
        assertThat(((Number) sla(id).get("violatedSeconds")).doubleValue()).isEqualTo(3600);

        // 3.5 h: east cuts the DPI to 0.5 EUR/h: cuts always apply
        clock.set(T0.plus(Duration.ofMinutes(210)));
        TwoDomains.offer(http, "ch-4-dpi-0", true, 100, 0.5, 0);

        clock.set(T0.plus(Duration.ofHours(4)));
        assertThat(send(HttpRequest.DELETE("/api/v1/chains/" + id)).code()).isEqualTo(202);
        awaitState(id, "TERMINATED");

        // by hand, per segment: hours x (price per hour + Mbit/s x price per Mbit/s and hour)
        //   ch-4-fw-0   [0, 1 h)    1 h x 1 EUR/h                     = 1.00
        //               [1 h, 4 h)  3 h x (2 + 50 x 0.02) = 3 h x 3   = 9.00   usage 10.00
        //   ch-4-dpi-0  [0, 3.5 h)  3.5 h x 1 EUR/h (150 not applied) = 3.50
        //               [3.5 h, 4 h) 0.5 h x 0.5 EUR/h                = 0.25   usage  3.75
        // SLA credit, the price of the violated time [2 h, 3 h) on each hop: firewall 1 h x 3 = 3.00, DPI 1 h x 1 = 1.00
        // owed: firewall 7.00 (west), DPI 2.75 (east), total 9.75
        String period = "?from=" + T0 + "&to=" + T0.plus(Duration.ofHours(24));
        Map<?, ?> invoice = send(HttpRequest.GET("/api/v1/usage" + period)).body();
        assertThat(new BigDecimal(invoice.get("usage").toString())).isEqualByComparingTo("13.75");
        assertThat(new BigDecimal(invoice.get("credit").toString())).isEqualByComparingTo("4.00");
        assertThat(new BigDecimal(invoice.get("total").toString())).isEqualByComparingTo("9.75");
        assertThat(amounts((List<?>) invoice.get("lines"), "offerId")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "ch-4-fw-0", eur("7.00"), "ch-4-dpi-0", eur("2.75")));
        assertThat(amounts((List<?>) invoice.get("lines"), "offerId", "credit")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "ch-4-fw-0", eur("3.00"), "ch-4-dpi-0", eur("1.00")));
        assertThat((List<?>) invoice.get("credits")).singleElement().satisfies(c -> {
            Map<?, ?> credit = (Map<?, ?>) c;
            assertThat(Instant.parse((String) credit.get("startedAt"))).isEqualTo(T0.plus(Duration.ofHours(2)));
            assertThat(Instant.parse((String) credit.get("endedAt"))).isEqualTo(T0.plus(Duration.ofHours(3)));
            assertThat(new BigDecimal(credit.get("amount").toString())).isEqualByComparingTo("4.00");
        });
        // the credit is charged to each hop's provider
        Map<?, ?> west = TwoDomainsAs.get(http, "ch-4-west", "/api/v1/usage" + period);
        assertThat(amounts((List<?>) west.get("offers"), "id")).containsExactlyInAnyOrderEntriesOf(Map.of("ch-4-fw-0", eur("7.00")));
        assertThat(new BigDecimal(west.get("credit").toString())).isEqualByComparingTo("3.00");
        Map<?, ?> east = TwoDomainsAs.get(http, "ch-4-east", "/api/v1/usage" + period);
        assertThat(new BigDecimal(east.get("total").toString())).isEqualByComparingTo("2.75");

        // the chain's history as published: segments closed by what happened, their amounts the usage before credits
        List<UsageSegment> closed = closedSegments(id, 4);
        assertThat(closed).extracting(s -> s.offerId().value() + " " + s.openedBy() + "->" + s.closedBy() + " " + s.pricePerHour().stripTrailingZeros().toPlainString())
                .containsExactlyInAnyOrder("ch-4-fw-0 ACTIVATED->REPRICED 1", "ch-4-fw-0 REPRICED->ENDED 2",
                        "ch-4-dpi-0 ACTIVATED->REPRICED 1", "ch-4-dpi-0 REPRICED->ENDED 0.5");
        assertThat(closed.stream().map(UsageSegment::amount).reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualByComparingTo("13.75");
    }

    private Map<?, ?> sla(String chainId) {
        return send(HttpRequest.GET("/api/v1/chains/" + chainId + "/sla")).body();
    }

    private static Map<String, BigDecimal> amounts(List<?> rows, String key) {
        return amounts(rows, key, "amount");
    }

    private static Map<String, BigDecimal> amounts(List<?> rows, String key, String field) {
        Map<String, BigDecimal> out = new HashMap<>();
        rows.forEach(r -> out.merge((String) ((Map<?, ?>) r).get(key), new BigDecimal(((Map<?, ?>) r).get(field).toString()), BigDecimal::add));
        out.replaceAll((k, v) -> v.stripTrailingZeros());
        return out;
    }

    /** An amount in EUR, compared by value (whatever its scale). */
    private static BigDecimal eur(String amount) {
        return new BigDecimal(amount).stripTrailingZeros();
    }

    /** The closed segments of {@code chainId} published on the usage topic, once {@code expected} have arrived. */
    private static List<UsageSegment> closedSegments(String chainId, int expected) {
        List<UsageSegment> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(org.chainmarket.schemas.kafka.KafkaClients.consumerConfig(
                Infra.bootstrapServers(), "usage-test-" + UUID.randomUUID(), "usage-test", Infra.admin()),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.USAGE));
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    CloudEvents.Event e = CloudEvents.decode(r);
                    if (chainId.equals(r.key()) && e.type() == EventType.USAGE_SEGMENT_CLOSED) {
                        out.add(e.payload(UsageSegment.class));
                    }
                }
                return out.size() >= expected;
            });
        }
        return out;
    }
}
