package org.chainmarket.broker.metrics;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.chainmarket.broker.Callers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/** After an order, /prometheus exposes the market's meters; /health names Kafka and PostgreSQL. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsEndpointTest implements TestPropertyProvider {
    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(Callers.properties());
        p.put("chainmarket.metrics.sample-interval", "200ms");
        return p;
    }

    String scrape() {
        return http.toBlocking().retrieve(HttpRequest.GET("/prometheus"));
    }

    static double value(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst().orElse(0);
    }

    @Test
    void anOrderShowsInTheMetrics() {
        double before = value(scrape(), "chainmarket_orders_total{outcome=\"rejected\"}");
        String order = """
                {"buyerId": "acme", "vnfTypes": ["teleporter"], "ingress": "s1", "egress": "s2",
                 "bandwidthMbps": 10, "maxLatencyMs": 40, "maxPricePerHour": 5}""";
        HttpClientResponseException e = catchThrowableOfType(HttpClientResponseException.class, () -> http.toBlocking()
                .exchange(HttpRequest.POST("/api/v1/chains", order).contentType(MediaType.APPLICATION_JSON)
                        .bearerAuth(Callers.token(http, Callers.BUYER)), Argument.of(Map.class), Argument.of(Map.class)));
        assertThat(e.code()).isEqualTo(422);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String s = scrape();
            assertThat(value(s, "chainmarket_orders_total{outcome=\"rejected\"}")).isEqualTo(before + 1);
            assertThat(s).contains("chainmarket_orders_total{outcome=\"accepted\"}", "chainmarket_orders_total{outcome=\"activated\"}",
                    "chainmarket_chain_activation_seconds_bucket{le=", "chainmarket_selection_seconds_count{kind=\"single\",strategy=",
                    "chainmarket_outbox_backlog ", "chainmarket_dlq_records{topic=\"chainmarket.chains.events.v1.dlq\"}",
                    "kafka_consumer_records_lag_max_records{");
            assertThat(s.lines().filter(l -> l.startsWith("chainmarket_selection_seconds_count{kind=\"single\""))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum()).isPositive();
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void healthNamesKafkaAndPostgres() {
        Map<String, Object> health = http.toBlocking().retrieve(HttpRequest.GET("/health"), Map.class);
        assertThat(health).containsEntry("status", "UP");
        Map<String, Object> details = (Map<String, Object>) health.get("details");
        assertThat(details).containsKeys("kafka", "jdbc");
        assertThat((Map<String, Object>) details.get("jdbc")).containsEntry("status", "UP");
        assertThat((Map<String, Object>) details.get("kafka")).containsEntry("status", "UP");
    }
}
