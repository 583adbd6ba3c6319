package org.chainmarket.broker;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.chainmarket.schemas.model.LinkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SLA records over the real embedded Kafka and PostgreSQL: monitoring's link context pushes a chain's measured
 * latency over its bound, a violation is recorded, and it is closed with its duration when the latency recovers. A
 * chain that stays over its bound is substituted off its slowest part onto a chain within the bound, or, when none
 * exists, runs on as it is with the reason recorded once.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChainSlaTest implements TestPropertyProvider {
    @Inject
    @Client("/")
    HttpClient http;
    private AckingDomains domains;
    private LinkDelays monitoring;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(Callers.properties());
        p.put("chainmarket.sla.interval", "200ms");
        p.put("chainmarket.sla.substitute-after", "1s");
        return p;
    }

    @BeforeAll
    void start() {
        domains = new AckingDomains(Infra.bootstrapServers(), "sl");
        monitoring = new LinkDelays();
    }

    @AfterAll
    void stop() throws InterruptedException {
        monitoring.close();
        domains.close();
    }

    private void linkDelay(String a, String b, double ms) throws Exception {
        monitoring.set(a, b, "sl-1-east", ms);
    }

    private Map<?, ?> sla(String chainId) {
        return TwoDomains.exchange(http, HttpRequest.GET("/api/v1/chains/" + chainId + "/sla")).body();
    }

    @Test
    void aViolationIsRecordedWhileTheMeasuredLatencyIsOverTheBoundAndClosedWhenItRecovers() throws Exception {
        TwoDomains.register(http, "sl-1", 10_000, 1, 1000);
        HttpResponse<Map> ordered = TwoDomains.exchange(http, HttpRequest.POST("/api/v1/chains", TwoDomains.order("sl-1", 10))
                .contentType(MediaType.APPLICATION_JSON));
        String id = (String) ordered.body().get("chainId");
        await().atMost(Duration.ofSeconds(20)).until(() -> "ACTIVE".equals(TwoDomains.exchange(http, HttpRequest.GET("/api/v1/chains/" + id)).body().get("state")));

        Map<?, ?> calm = sla(id);
        assertThat(((Number) calm.get("boundMs")).doubleValue()).isEqualTo(100);
        assertThat(calm.get("inViolation")).isEqualTo(false);
        assertThat((List<?>) calm.get("violations")).isEmpty();

        // the border link between the two domains slows to 150 ms: the chain's 100 ms bound is broken
        linkDelay("sl-1w2", "sl-1e1", 150);
        await().atMost(Duration.ofSeconds(20)).until(() -> Boolean.TRUE.equals(sla(id).get("inViolation")));
        Map<?, ?> over = sla(id);
        assertThat(((Number) over.get("measuredLatencyMs")).doubleValue()).isGreaterThan(150);
        assertThat(over.get("worstPart")).isEqualTo("link " + LinkContext.key("sl-1w2", "sl-1e1"));

        linkDelay("sl-1w2", "sl-1e1", 3);
        await().atMost(Duration.ofSeconds(20)).until(() -> Boolean.FALSE.equals(sla(id).get("inViolation")));
        Map<?, ?> recovered = sla(id);
        assertThat((List<?>) recovered.get("violations")).singleElement().satisfies(v -> {
            Map<?, ?> period = (Map<?, ?>) v;
            assertThat(period.get("endedAt")).isNotNull();
            assertThat(((Number) period.get("worstLatencyMs")).doubleValue()).isGreaterThan(150);
            assertThat(((Number) period.get("durationSeconds")).doubleValue()).isPositive();
        });
        assertThat(((Number) recovered.get("measuredLatencyMs")).doubleValue()).isLessThan(100);

        // the buyer's list of chains with violations shows it in brief
        List<Map> brief = http.toBlocking().retrieve(HttpRequest.GET("/api/v1/sla").bearerAuth(TwoDomains.token(http, "sl-1-buyer")),
                Argument.listOf(Map.class));
        assertThat(brief).singleElement().satisfies(b -> {
            assertThat(b.get("chainId")).isEqualTo(id);
            assertThat(b.get("inViolation")).isEqualTo(false);
            assertThat(b.get("violations")).isEqualTo(1);
            assertThat(((Number) b.get("violatedSeconds")).doubleValue()).isPositive();
            assertThat(((Number) b.get("worstLatencyMs")).doubleValue()).isGreaterThan(150);
        });

        // another buyer cannot read it
        assertThat(TwoDomainsAs.get(http, Callers.OTHER_BUYER, "/api/v1/chains/" + id + "/sla").get("status")).isEqualTo(404);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aChainOverItsBoundIsMovedOffItsSlowestPartOntoAChainWithinTheBound() throws Exception {
        TwoDomains.register(http, "sl-2", 10_000, 2, 1000);
        String id = activeChain("sl-2");
        assertThat(TwoDomains.offerOfHop(TwoDomains.chain(http, id), 0)).as("the cheaper firewall").isEqualTo("sl-2-fw-0");

        // the firewall now takes 150 ms per packet: the chain's 100 ms bound is broken, and stays broken
        monitoring.processing("sl-2-fw-0", "sl-2-west", 150);
        Map<String, Object> moved = await().atMost(Duration.ofSeconds(30)).until(() -> TwoDomains.chain(http, id),
                c -> "ACTIVE".equals(c.get("state")) && "sl-2-fw-1".equals(TwoDomains.offerOfHop(c, 0)));
        assertThat(TwoDomains.offerOfHop(moved, 1)).as("the DPI, not slow, is kept").isEqualTo("sl-2-dpi-0");

        List<Map<String, Object>> subs = TwoDomains.exchange(http, HttpRequest.GET("/api/v1/substitutions?chain=" + id + "&trigger=SLA"))
                .getBody(List.class).orElseThrow();
        assertThat(subs).singleElement().satisfies(sub -> {
            assertThat(sub.get("status")).isEqualTo("COMPLETED");
            Map<String, Object> trigger = (Map<String, Object>) sub.get("trigger");
            assertThat(trigger.get("kind")).isEqualTo("SLA");
            assertThat(trigger.get("subjectId")).isEqualTo("instance sl-2-fw-0");
            assertThat(((Number) trigger.get("value")).doubleValue()).as("the measured latency").isGreaterThan(150);
            assertThat(((Number) trigger.get("threshold")).doubleValue()).as("the bound").isEqualTo(100);
            assertThat(sub.get("changedHops")).isEqualTo(List.of(0));
        });

        // on the new firewall the chain is within its bound again: the period closes, and says what was done
        await().atMost(Duration.ofSeconds(20)).until(() -> Boolean.FALSE.equals(sla(id).get("inViolation")));
        Map<?, ?> record = sla(id);
        assertThat(((Number) record.get("measuredLatencyMs")).doubleValue()).isLessThan(100);
        assertThat((List<?>) record.get("violations")).singleElement().satisfies(v -> {
            Map<?, ?> period = (Map<?, ?>) v;
            assertThat(period.get("endedAt")).isNotNull();
            assertThat(period.get("substitutionId")).isEqualTo(subs.get(0).get("substitutionId"));
            assertThat((String) period.get("action")).startsWith("Moving off instance sl-2-fw-0").contains("sl-2-fw-0 -> sl-2-fw-1");
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void aChainNothingBringsWithinItsBoundRunsOnWithTheReasonRecordedOnce() throws Exception {
        TwoDomains.register(http, "sl-3", 10_000, 1, 1000);
        String id = activeChain("sl-3");

        // every path crosses the one border link, which slows to 150 ms
        linkDelay("sl-3w2", "sl-3e1", 150);
        String border = "link " + LinkContext.key("sl-3w2", "sl-3e1");
        List<Map<String, Object>> subs = await().atMost(Duration.ofSeconds(30)).until(() -> TwoDomains.exchange(http,
                HttpRequest.GET("/api/v1/substitutions?chain=" + id)).getBody(List.class).orElseThrow(), l -> !l.isEmpty());
        assertThat(subs).singleElement().satisfies(sub -> {
            assertThat(sub.get("status")).isEqualTo("NO_ALTERNATIVE");
            assertThat(((Map<String, Object>) sub.get("trigger")).get("kind")).isEqualTo("SLA");
            assertThat(((Map<String, Object>) sub.get("trigger")).get("subjectId")).isEqualTo(border);
            assertThat((String) sub.get("outcome")).startsWith("no chain that avoids " + border + " fits the order");
        });
        Map<?, ?> record = sla(id);
        assertThat(record.get("inViolation")).isEqualTo(true);
        assertThat((List<?>) record.get("violations")).singleElement().satisfies(v -> {
            Map<?, ?> period = (Map<?, ?>) v;
            assertThat(period.get("substitutionId")).isEqualTo(subs.get(0).get("substitutionId"));
            assertThat((String) period.get("action")).startsWith("Not moved").contains("avoids " + border);
        });

        // many sweeps later the chain still runs as it was, and nothing more was tried in this period
        Thread.sleep(3000);
        Map<String, Object> now = TwoDomains.chain(http, id);
        assertThat(now.get("state")).isEqualTo("ACTIVE");
        assertThat(TwoDomains.offerOfHop(now, 0)).isEqualTo("sl-3-fw-0");
        assertThat(TwoDomains.exchange(http, HttpRequest.GET("/api/v1/substitutions?chain=" + id)).getBody(List.class).orElseThrow())
                .hasSize(1);

        linkDelay("sl-3w2", "sl-3e1", 2);
        await().atMost(Duration.ofSeconds(20)).until(() -> Boolean.FALSE.equals(sla(id).get("inViolation")));
    }

    private String activeChain(String p) {
        HttpResponse<Map> ordered = TwoDomains.exchange(http, HttpRequest.POST("/api/v1/chains", TwoDomains.order(p, 10))
                .contentType(MediaType.APPLICATION_JSON));
        assertThat(ordered.code()).as("answer %s", ordered.body()).isEqualTo(201);
        String id = (String) ordered.body().get("chainId");
        await().atMost(Duration.ofSeconds(20)).until(() -> "ACTIVE".equals(TwoDomains.chain(http, id).get("state")));
        return id;
    }
}
