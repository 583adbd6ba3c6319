package org.chainmarket.broker;

import io.micronaut.http.HttpResponse;
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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A provider registered over REST whose domain never answers (no adapter runs for it) offers the cheapest DPI. The
 * first orders go to it and fail when their delivery deadline passes; after two in a row its circuit opens and orders
 * are served by the other DPI straight away, its health saying why in the API; once the back-off is over the next
 * order probes it, and failing again opens the circuit for twice as long.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProviderHealthTest implements TestPropertyProvider {
    static final String P = "ph";
    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(Callers.properties());
        p.put("micronaut.http.client.read-timeout", "60s");
        p.put("chainmarket.delivery-timeout", "1s");
        p.put("chainmarket.providers.failure-threshold", "2");
        p.put("chainmarket.providers.open-for", "3s");
        return p;
    }

    @Test
    @SuppressWarnings("unchecked")
    void aProviderThatNeverAnswersIsLeftOutThenProbed() throws Exception {
        ThreeDomains.register(http, P);
        String south = "/api/v1/providers/" + P + "-south";
        try (AckingDomains domains = new AckingDomains(Infra.bootstrapServers(), P,
                c -> c.providerId().value().equals(P + "-south") ? AckingDomains.Reply.SILENT : AckingDomains.Reply.ACK)) {
            for (int i = 0; i < 2; i++) {
                String id = ordered(P + ThreeDomains.SOUTH_DPI);
                await().atMost(Duration.ofSeconds(30)).until(() -> ThreeDomains.get(http, "/api/v1/chains/" + id).get("state"), "FAILED"::equals);
            }
            Map<String, Object> open = await().atMost(Duration.ofSeconds(10)).until(() -> health(south), h -> "OPEN".equals(h.get("state")));
            assertThat(open.get("failures")).isEqualTo(2);
            assertThat((String) open.get("reason")).contains("did not answer");
            assertThat(open.get("retryAt")).as("when it is tried again").isNotNull();
            assertThat(((List<Map<String, Object>>) (List<?>) TwoDomains.exchange(http, io.micronaut.http.HttpRequest.GET("/api/v1/providers"))
                    .getBody(List.class).orElseThrow()).stream().filter(d -> (P + "-south").equals(d.get("providerId"))).findFirst().orElseThrow()
                    .get("health")).as("the listing shows it too").isEqualTo(open);

            // while the circuit is open, orders go to the other DPI and become active
            String served = ordered(P + ThreeDomains.EAST_DPI);
            await().atMost(Duration.ofSeconds(30)).until(() -> ThreeDomains.get(http, "/api/v1/chains/" + served).get("state"), "ACTIVE"::equals);

            // after the back-off one order probes it; while that probe is out, the next goes elsewhere
            await().atMost(Duration.ofSeconds(30)).until(() -> health(south).get("state"), "HALF_OPEN"::equals);
            String probe = ordered(P + ThreeDomains.SOUTH_DPI);
            String meanwhile = ordered(P + ThreeDomains.EAST_DPI);
            await().atMost(Duration.ofSeconds(30)).until(() -> ThreeDomains.get(http, "/api/v1/chains/" + probe).get("state"), "FAILED"::equals);
            Map<String, Object> reopened = await().atMost(Duration.ofSeconds(10)).until(() -> health(south), h -> "OPEN".equals(h.get("state")));
            assertThat(reopened.get("failures")).isEqualTo(3);
            assertThat(Duration.between(Instant.parse((String) reopened.get("since")), Instant.parse((String) reopened.get("retryAt"))))
                    .as("twice the first back-off").isEqualTo(Duration.ofSeconds(6));
            assertThat(ThreeDomains.get(http, "/api/v1/chains/" + meanwhile).get("state")).isNotEqualTo("FAILED");
        }
    }

    /** Orders and checks which DPI it got; answers the chain id. */
    private String ordered(String expectedDpi) {
        HttpResponse<Map> r = ThreeDomains.order(http, P);
        assertThat(r.code()).as("answer %s", r.getBody(Map.class).orElse(null)).isEqualTo(201);
        Map<?, ?> chain = r.getBody(Map.class).orElseThrow();
        assertThat(ThreeDomains.dpi(chain)).isEqualTo(expectedDpi);
        return (String) chain.get("chainId");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> health(String provider) {
        return (Map<String, Object>) ThreeDomains.get(http, provider).get("health");
    }
}
