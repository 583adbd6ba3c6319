package org.chainmarket.broker;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.chainmarket.deploy.embedded.TopicTail;
import org.chainmarket.schemas.events.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The transactional outbox publishes every event committed, even when many transactions commit at once and out of
 * the order in which they took their outbox sequence numbers.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboxRelayTest implements TestPropertyProvider {
    static final int EVENTS = 600;
    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new java.util.HashMap<>(Callers.properties());
        // 600 registrations at once: on a busy machine one may wait for its commit longer than the client's default 10 s
        p.put("micronaut.http.client.read-timeout", "60s");
        p.put("chainmarket.security.accounts.relay.password", Callers.PASSWORD);
        p.put("chainmarket.security.accounts.relay.role", "PROVIDER");
        p.put("chainmarket.security.accounts.relay.party", "relay");
        return p;
    }

    @Test
    void everyConcurrentlyCommittedRegistrationReachesItsTopicExactlyOnce() throws Exception {
        String domain = """
                {"providerId": "relay", "name": "Relay", "switches": [{"switchId": "relay-a"}],
                 "sites": [{"siteId": "relay-site", "switchId": "relay-a", "cpuCores": 8, "memoryGb": 16}], "links": []}""";
        String token = Callers.token(http, "relay");
        http.toBlocking().exchange(HttpRequest.POST("/api/v1/providers", domain).contentType(MediaType.APPLICATION_JSON).bearerAuth(token));
        // a provider's offers registered over REST go to its own offers topic
        try (TopicTail offers = new TopicTail(Infra.bootstrapServers(), Infra.admin(),
                Topics.forProvider(Topics.OFFERS, org.chainmarket.schemas.model.ProviderId.of("relay")))) {
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                String body = """
                        {"offerId": "relay-%d", "providerId": "relay", "vnfType": "nat", "siteId": "relay-site",
                         "capacityMbps": 100, "maxChains": 5, "processingLatencyMs": 0.2, "pricePerHour": 1,
                         "pricePerMbpsHour": 0, "availability": 0.99, "srAware": true, "nshAware": false}""".formatted(i);
                sent.add(pool.submit(() -> http.toBlocking().exchange(
                        HttpRequest.POST("/api/v1/offers", body).contentType(MediaType.APPLICATION_JSON).bearerAuth(token))));
            }
            for (Future<?> f : sent) {
                f.get();
            }
            pool.shutdown();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(offers.records().stream()
                    .map(ConsumerRecord::key).filter(k -> k.startsWith("relay-")).distinct().count()).isEqualTo(EVENTS));
            Thread.sleep(500);
            assertThat(offers.records().stream().filter(r -> r.key().startsWith("relay-")).count())
                    .as("each event once").isEqualTo(EVENTS);
        }
    }
}
