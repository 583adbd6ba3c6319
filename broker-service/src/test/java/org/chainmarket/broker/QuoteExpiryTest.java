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
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Quotes that live 1 s, over the real embedded Kafka and PostgreSQL: an expired one is refused saying what changed
 * since; an order naming a quote honours its Idempotency-Key like a plain order.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuoteExpiryTest implements TestPropertyProvider {
    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(Callers.properties());
        p.put("chainmarket.quote.ttl", "1s");
        return p;
    }

    private HttpResponse<Map> post(String path, String body, String key) {
        var r = HttpRequest.POST(path, body).contentType(MediaType.APPLICATION_JSON);
        return TwoDomains.exchange(http, key == null ? r : r.header("Idempotency-Key", key));
    }

    @Test
    void anExpiredQuoteIsRefusedWithWhatChangedSince() {
        TwoDomains.register(http, "qx1", 10_000, 1, 100);
        String order = TwoDomains.order("qx1", 60);
        Map<?, ?> q = post("/api/v1/quotes", order, null).body();
        Instant expires = Instant.parse((String) q.get("expiresAt"));
        // the quoted firewall fills up meanwhile
        assertThat(post("/api/v1/chains", order, null).code()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(expires.plusMillis(50)));

        HttpResponse<Map> refused = post("/api/v1/chains?quote=" + q.get("quoteId") + "&point=0", order, null);
        assertThat(refused.code()).isEqualTo(422);
        assertThat((String) refused.body().get("type")).endsWith("quote-expired");
        assertThat((String) refused.body().get("detail")).contains("expired at").contains("since then").contains("qx1-fw-0");
    }

    @Test
    void aQuotedOrderRetriedWithItsKeyAnswersTheFirstChain() {
        TwoDomains.register(http, "qx2", 10_000, 1, 1000);
        String order = TwoDomains.order("qx2", 60);
        Map<?, ?> q = post("/api/v1/quotes", order, null).body();
        String key = UUID.randomUUID().toString();
        String quoted = "/api/v1/chains?quote=" + q.get("quoteId") + "&point=0";

        HttpResponse<Map> first = post(quoted, order, key);
        assertThat(first.code()).isEqualTo(201);
        HttpResponse<Map> again = post(quoted, order, key);
        assertThat(again.code()).isEqualTo(201);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.body().get("chainId")).isEqualTo(first.body().get("chainId"));
        Map<?, ?> offer = TwoDomains.exchange(http, HttpRequest.GET("/api/v1/offers/qx2-fw-0")).body();
        assertThat(((Number) offer.get("reservedMbps")).doubleValue()).as("reserved once").isEqualTo(60);
    }
}
