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
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.model.InstanceStatus;
import org.chainmarket.schemas.model.LinkContext;
import org.chainmarket.schemas.model.ProviderId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SLA records over the real embedded Kafka and PostgreSQL: monitoring's link context pushes a chain's measured
 * latency over its bound, a violation is recorded, and it is closed with its duration when the latency recovers.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChainSlaTest implements TestPropertyProvider {
    @Inject
    @Client("/")
    HttpClient http;
    private AckingDomains domains;
    private KafkaProducer<String, byte[]> monitoring;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(Callers.properties());
        p.put("chainmarket.sla.interval", "200ms");
        return p;
    }

    @BeforeAll
    void start() {
        domains = new AckingDomains(Infra.bootstrapServers(), "sl");
        monitoring = org.chainmarket.schemas.kafka.KafkaClients.producer(Infra.bootstrapServers(), "monitoring", Infra.kafka().monitoring());
    }

    @AfterAll
    void stop() throws InterruptedException {
        monitoring.close();
        domains.close();
    }

    private void linkDelay(String a, String b, double ms) throws Exception {
        String key = LinkContext.key(a, b);
        LinkContext c = new LinkContext(key, a, b, ProviderId.of("sl-1-east"), InstanceStatus.UP, ms, ms, 0.1, 0.1, 0, Instant.now(), 10, List.of());
        monitoring.send(CloudEvents.encode(EventType.LINK_CONTEXT_UPDATED, key, c, "/test/monitoring")).get();
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

        // another buyer cannot read it
        assertThat(TwoDomainsAs.get(http, Callers.OTHER_BUYER, "/api/v1/chains/" + id + "/sla").get("status")).isEqualTo(404);
    }
}
