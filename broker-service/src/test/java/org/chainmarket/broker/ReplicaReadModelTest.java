package org.chainmarket.broker;

import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two broker replicas on one Kafka and one PostgreSQL: each sells what the market advertises, whichever replica (or
 * adapter) it was advertised to. This test's broker is one replica; a second runs beside it. Providers register,
 * withdraw and re-price through this one; the other's quotes (its own read model's selection, nothing reserved) must
 * follow.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicaReadModelTest implements TestPropertyProvider {
    static final String P = "rm";
    @Inject
    @Client("/")
    HttpClient http;
    private EmbeddedServer other;
    private HttpClient otherHttp;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new java.util.HashMap<>(Callers.properties());
        // two brokers in one JVM: on a busy machine a registration may take longer than the client's default 10 s
        p.put("micronaut.http.client.read-timeout", "60s");
        return p;
    }

    @BeforeAll
    void startOtherReplica() {
        other = ApplicationContext.run(EmbeddedServer.class, new java.util.HashMap<String, Object>(Callers.properties()));
        otherHttp = HttpClient.create(other.getURL());
    }

    @AfterAll
    void stopOtherReplica() {
        otherHttp.close();
        other.close();
    }

    @Test
    void theOtherReplicaSellsWhatIsRegisteredHereAndStopsSellingWhatIsWithdrawnOrRepriced() {
        TwoDomains.register(http, P, 10_000, 2, 1000);
        String order = TwoDomains.order(P, 50);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(bestOnOther(order)).as("the other replica quotes the offers registered here").containsExactly(P + "-fw-0", P + "-dpi-0"));

        assertThat(TwoDomains.exchange(http, HttpRequest.DELETE("/api/v1/offers/" + P + "-fw-0")).code()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(bestOnOther(order)).as("a withdrawn offer is no longer quoted there").containsExactly(P + "-fw-1", P + "-dpi-0"));

        TwoDomains.offer(http, P + "-dpi-0", true, 1000, 50, 0);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(bestOnOther(order)).as("a re-priced offer is quoted there at its new price").containsExactly(P + "-fw-1", P + "-dpi-1"));
    }

    /** The offers of the other replica's recommended quote for {@code order}. */
    @SuppressWarnings("unchecked")
    private List<Object> bestOnOther(String order) {
        HttpResponse<Map> quote = TwoDomains.exchange(otherHttp, HttpRequest.POST("/api/v1/quotes", order).contentType(MediaType.APPLICATION_JSON));
        assertThat(quote.code()).as("quote on the other replica: %s", quote.body()).isEqualTo(201);
        List<Map<String, Object>> points = (List<Map<String, Object>>) quote.body().get("points");
        Map<String, Object> best = points.get((Integer) quote.body().get("recommended"));
        return QuoteTest.hops(best).stream().map(h -> h.get("offerId")).toList();
    }
}
