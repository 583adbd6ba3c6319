package org.chainmarket.broker;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A provider withdraws its domain while an ACTIVE chain uses its DPI and crosses its domain: the chain is moved to
 * the other provider's DPI make-before-break (a substitution the withdrawal triggered), the provider is gone from the
 * catalogue, its offer ends up holding nothing, and new orders do not land on it; once it registers its domain again,
 * the border link to it and the offer it kept are sold again. A domain advertised again without a link or a site
 * drains the chains on what it dropped, below.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProviderWithdrawalTest implements TestPropertyProvider {
    static final String P = "pw";
    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(Callers.properties());
        p.put("micronaut.http.client.read-timeout", "60s");
        return p;
    }

    @Test
    @SuppressWarnings("unchecked")
    void withdrawingAProviderDrainsItsChainsOntoAnother() throws Exception {
        ThreeDomains.register(http, P);
        try (AckingDomains domains = new AckingDomains(Infra.bootstrapServers(), P)) {
            HttpResponse<Map> ordered = ThreeDomains.order(http, P);
            assertThat(ordered.code()).isEqualTo(201);
            String id = (String) ordered.getBody(Map.class).orElseThrow().get("chainId");
            Map<String, Object> active = await().atMost(Duration.ofSeconds(30)).until(() -> ThreeDomains.get(http, "/api/v1/chains/" + id),
                    c -> "ACTIVE".equals(c.get("state")));
            assertThat(ThreeDomains.dpi(active)).as("the cheaper DPI, in the south").isEqualTo(P + ThreeDomains.SOUTH_DPI);

            assertThat(as(P + "-south", HttpRequest.DELETE("/api/v1/providers/" + P + "-south")).code()).isEqualTo(204);

            Map<String, Object> moved = await().atMost(Duration.ofSeconds(30)).until(() -> ThreeDomains.get(http, "/api/v1/chains/" + id),
                    c -> "ACTIVE".equals(c.get("state")) && !(P + ThreeDomains.SOUTH_DPI).equals(ThreeDomains.dpi(c)));
            assertThat(ThreeDomains.dpi(moved)).isEqualTo(P + ThreeDomains.EAST_DPI);
            assertThat((List<Map<String, Object>>) moved.get("path")).as("no longer through the south")
                    .noneMatch(n -> (P + "-south").equals(n.get("providerId")));
            List<Map<String, Object>> subs = TwoDomains.exchange(http, HttpRequest.GET("/api/v1/substitutions?chain=" + id))
                    .getBody(List.class).orElseThrow();
            assertThat(subs).singleElement().satisfies(s -> assertThat(s.get("status")).isEqualTo("COMPLETED"));

            assertThat(TwoDomains.exchange(http, HttpRequest.GET("/api/v1/providers/" + P + "-south")).code()).as("gone").isEqualTo(404);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(((Number) ThreeDomains.get(http,
                    "/api/v1/offers/" + P + ThreeDomains.SOUTH_DPI).get("reservedChains")).intValue()).as("the south's DPI holds nothing").isZero());
            HttpResponse<Map> next = ThreeDomains.order(http, P);
            assertThat(next.code()).isEqualTo(201);
            assertThat(ThreeDomains.dpi(next.getBody(Map.class).orElseThrow())).as("no new chain on a withdrawn provider")
                    .isEqualTo(P + ThreeDomains.EAST_DPI);

            // the provider comes back, not declaring its border link this time (west does): its domain, the border link
            // and the offer it never withdrew are sold again
            ThreeDomains.registerSouthDomain(http, P, false);
            HttpResponse<Map> back = ThreeDomains.order(http, P);
            assertThat(back.code()).isEqualTo(201);
            assertThat(ThreeDomains.dpi(back.getBody(Map.class).orElseThrow())).as("the cheaper DPI again, over the border link west declares")
                    .isEqualTo(P + ThreeDomains.SOUTH_DPI);
        }
    }

    /**
     * Providers change their domains while an ACTIVE chain crosses the border link between west and south to south's
     * DPI. West stops declaring the link while south still does: the link stays (one side's declaration makes it) and
     * the chain stays. South stops declaring it too: the link is gone, and the chain is moved to east's DPI
     * make-before-break, as for a withdrawal; new orders no longer reach south.
     */
    @Test
    @SuppressWarnings("unchecked")
    void aLinkNoLongerAdvertisedIsDrainedOfItsChains() throws Exception {
        String p = "pw2";
        ThreeDomains.register(http, p);
        try (AckingDomains domains = new AckingDomains(Infra.bootstrapServers(), p)) {
            HttpResponse<Map> ordered = ThreeDomains.order(http, p);
            assertThat(ordered.code()).isEqualTo(201);
            String id = (String) ordered.getBody(Map.class).orElseThrow().get("chainId");
            Map<String, Object> active = await().atMost(Duration.ofSeconds(30)).until(() -> ThreeDomains.get(http, "/api/v1/chains/" + id),
                    c -> "ACTIVE".equals(c.get("state")));
            assertThat(ThreeDomains.dpi(active)).isEqualTo(p + ThreeDomains.SOUTH_DPI);

            ThreeDomains.registerWestDomain(http, p, false);
            HttpResponse<Map> still = ThreeDomains.order(http, p);
            assertThat(ThreeDomains.dpi(still.getBody(Map.class).orElseThrow())).as("the link south declares is still sold")
                    .isEqualTo(p + ThreeDomains.SOUTH_DPI);
            assertThat(TwoDomains.exchange(http, HttpRequest.GET("/api/v1/substitutions?chain=" + id)).getBody(List.class).orElseThrow())
                    .as("nothing moved").isEmpty();

            ThreeDomains.registerSouthDomain(http, p, false);
            Map<String, Object> moved = await().atMost(Duration.ofSeconds(30)).until(() -> ThreeDomains.get(http, "/api/v1/chains/" + id),
                    c -> "ACTIVE".equals(c.get("state")) && (p + ThreeDomains.EAST_DPI).equals(ThreeDomains.dpi(c)));
            assertThat((List<Map<String, Object>>) moved.get("path")).as("no longer through the south")
                    .noneMatch(n -> (p + "-south").equals(n.get("providerId")));
            List<Map<String, Object>> subs = TwoDomains.exchange(http, HttpRequest.GET("/api/v1/substitutions?chain=" + id))
                    .getBody(List.class).orElseThrow();
            assertThat(subs).singleElement().satisfies(s -> {
                assertThat(s.get("status")).isEqualTo("COMPLETED");
                assertThat(((Map<String, Object>) s.get("trigger")).get("subjectId")).isEqualTo(p + "s1|" + p + "w2");
            });
            HttpResponse<Map> next = ThreeDomains.order(http, p);
            assertThat(ThreeDomains.dpi(next.getBody(Map.class).orElseThrow())).as("south's DPI is out of reach").isEqualTo(p + ThreeDomains.EAST_DPI);
        }
    }

    /**
     * South advertises its domain again with its DPI's site replaced by another: the DPI offer stands at a site no
     * longer in the network, and the chain on it is moved to east's DPI make-before-break.
     */
    @Test
    void anOfferAtASiteNoLongerAdvertisedIsDrainedOfItsChains() throws Exception {
        String p = "pw3";
        ThreeDomains.register(http, p);
        try (AckingDomains domains = new AckingDomains(Infra.bootstrapServers(), p)) {
            String id = (String) ThreeDomains.order(http, p).getBody(Map.class).orElseThrow().get("chainId");
            Map<String, Object> active = await().atMost(Duration.ofSeconds(30)).until(() -> ThreeDomains.get(http, "/api/v1/chains/" + id),
                    c -> "ACTIVE".equals(c.get("state")));
            assertThat(ThreeDomains.dpi(active)).isEqualTo(p + ThreeDomains.SOUTH_DPI);

            TwoDomains.post(http, p + "-south", "/api/v1/providers", """
                    {"providerId": "%1$s-south", "name": "South", "switches": [{"switchId": "%1$ss1"}],
                     "sites": [{"siteId": "%1$ss-site-2", "switchId": "%1$ss1", "cpuCores": 8, "memoryGb": 16}], "links": [],
                     "borderLinks": [{"localSwitch": "%1$ss1", "remoteProvider": "%1$s-west", "remoteSwitch": "%1$sw2", "latencyMs": 2, "bandwidthMbps": 10000}]}"""
                    .formatted(p));
            await().atMost(Duration.ofSeconds(30)).until(() -> ThreeDomains.get(http, "/api/v1/chains/" + id),
                    c -> "ACTIVE".equals(c.get("state")) && (p + ThreeDomains.EAST_DPI).equals(ThreeDomains.dpi(c)));
            assertThat(TwoDomains.exchange(http, HttpRequest.GET("/api/v1/substitutions?chain=" + id)).getBody(List.class).orElseThrow())
                    .singleElement().satisfies(s -> assertThat(((Map<?, ?>) s).get("status")).isEqualTo("COMPLETED"));
        }
    }

    private HttpResponse<Map> as(String account, HttpRequest<?> request) {
        try {
            return http.toBlocking().exchange(((io.micronaut.http.MutableHttpRequest<?>) request).bearerAuth(TwoDomains.token(http, account)),
                    Argument.of(Map.class), Argument.of(Map.class));
        } catch (HttpClientResponseException e) {
            @SuppressWarnings("unchecked")
            HttpResponse<Map> r = (HttpResponse<Map>) e.getResponse();
            return r;
        }
    }
}
