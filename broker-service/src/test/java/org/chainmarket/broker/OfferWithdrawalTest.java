package org.chainmarket.broker;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A provider withdraws the offer an ACTIVE chain uses: the chain is moved to another offer make-before-break (a
 * substitution triggered by the withdrawal), the withdrawn offer ends up holding nothing, and new orders do not land
 * on it.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OfferWithdrawalTest implements TestPropertyProvider {
    static final String P = "wd";
    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new java.util.HashMap<>(Callers.properties());
        p.put("micronaut.http.client.read-timeout", "120s");
        return p;
    }

    @Test
    @SuppressWarnings("unchecked")
    void withdrawingAnOfferDrainsItsChainsOntoAnother() throws Exception {
        TwoDomains.register(http, P, 10000, 2, 1000);
        try (AckingDomains domains = new AckingDomains(Infra.bootstrapServers(), P)) {
            HttpResponse<Map> ordered = TwoDomains.exchange(http, HttpRequest.POST("/api/v1/chains", TwoDomains.order(P, 100))
                    .contentType(MediaType.APPLICATION_JSON));
            assertThat(ordered.code()).isEqualTo(201);
            String id = (String) ordered.getBody(Map.class).orElseThrow().get("chainId");
            Map<String, Object> active = await().atMost(Duration.ofSeconds(30)).until(() -> TwoDomains.chain(http, id), c -> "ACTIVE".equals(c.get("state")));
            String firewall = TwoDomains.offerOfHop(active, 0);
            assertThat(firewall).as("the cheaper firewall").isEqualTo(P + "-fw-0");

            assertThat(TwoDomains.exchange(http, HttpRequest.DELETE("/api/v1/offers/" + firewall)).code()).isEqualTo(204);

            Map<String, Object> moved = await().atMost(Duration.ofSeconds(30)).until(() -> TwoDomains.chain(http, id),
                    c -> "ACTIVE".equals(c.get("state")) && !firewall.equals(TwoDomains.offerOfHop(c, 0)));
            assertThat(TwoDomains.offerOfHop(moved, 0)).isEqualTo(P + "-fw-1");
            List<Map<String, Object>> subs = TwoDomains.exchange(http, HttpRequest.GET("/api/v1/substitutions?chain=" + id))
                    .getBody(List.class).orElseThrow();
            assertThat(subs).singleElement().satisfies(s -> {
                assertThat(s.get("status")).isEqualTo("COMPLETED");
                Map<String, Object> trigger = (Map<String, Object>) s.get("trigger");
                assertThat(trigger.get("subjectId")).isEqualTo(firewall);
                assertThat(trigger.get("metric")).as("a withdrawal is a trigger with no metric").isNull();
                assertThat(trigger.get("fatal")).as("a withdrawn offer keeps no chain").isEqualTo(true);
            });
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(((Number) TwoDomains.exchange(http,
                    HttpRequest.GET("/api/v1/offers/" + firewall)).getBody(Map.class).orElseThrow().get("reservedChains")).intValue())
                    .as("the withdrawn offer holds nothing").isZero());

            HttpResponse<Map> next = TwoDomains.exchange(http, HttpRequest.POST("/api/v1/chains", TwoDomains.order(P, 100))
                    .contentType(MediaType.APPLICATION_JSON));
            assertThat(next.code()).isEqualTo(201);
            assertThat(TwoDomains.offerOfHop(next.getBody(Map.class).orElseThrow(), 0)).as("no new chain on a withdrawn offer").isNotEqualTo(firewall);
        }
    }
}
