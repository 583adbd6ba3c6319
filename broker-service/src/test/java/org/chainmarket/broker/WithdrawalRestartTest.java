package org.chainmarket.broker;

import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.server.EmbeddedServer;
import org.chainmarket.schemas.model.DomainCommand;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A withdrawal's drain survives the broker's restart. A chain is being set up on an offer (its west domain is slow
 * to answer) when the provider withdraws the offer: the drain cannot move it yet. The broker stops, a new one starts
 * on the same Kafka and PostgreSQL, and only then does the domain answer: the chain turns ACTIVE on the withdrawn
 * offer, and the new broker, which found at start that the withdrawn offer still holds a chain, moves it to the other
 * firewall make-before-break; the withdrawn offer ends up holding nothing.
 */
class WithdrawalRestartTest {
    static final String P = "wr";

    /** A broker on the shared embedded Kafka and PostgreSQL; domains have a minute to answer, so the slow one is not late. */
    private static EmbeddedServer broker() {
        Map<String, Object> p = new HashMap<>(Callers.properties());
        p.put("chainmarket.delivery-timeout", "60s");
        return ApplicationContext.run(EmbeddedServer.class, p);
    }

    /** A client of {@code broker} patient enough for a loaded machine (an order may wait for the broker to hear its domains). */
    private static HttpClient client(EmbeddedServer broker) {
        DefaultHttpClientConfiguration patient = new DefaultHttpClientConfiguration();
        patient.setReadTimeout(Duration.ofSeconds(120));
        return HttpClient.create(broker.getURL(), patient);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aDrainInterruptedByARestartIsCarriedOnByTheNextBroker() throws Exception {
        AtomicBoolean heldOnce = new AtomicBoolean();
        // the west domain holds its answer to the chain's first set-up; every other command is answered at once
        try (AckingDomains domains = new AckingDomains(Infra.bootstrapServers(), P, c ->
                c.operation() == DomainCommand.Operation.SETUP && c.providerId().value().equals(P + "-west") && heldOnce.compareAndSet(false, true)
                        ? AckingDomains.Reply.HOLD : AckingDomains.Reply.ACK)) {
            String id;
            String firewall = P + "-fw-0";
            EmbeddedServer first = broker();
            try (HttpClient http = client(first)) {
                TwoDomains.register(http, P, 10_000, 2, 1000);
                HttpResponse<Map> ordered = TwoDomains.exchange(http, HttpRequest.POST("/api/v1/chains", TwoDomains.order(P, 100))
                        .contentType(MediaType.APPLICATION_JSON));
                assertThat(ordered.code()).as("answer %s", ordered.body()).isEqualTo(201);
                id = (String) ordered.body().get("chainId");
                assertThat(TwoDomains.offerOfHop(ordered.body(), 0)).as("the cheaper firewall").isEqualTo(firewall);
                await().atMost(Duration.ofSeconds(30)).until(() -> domains.held() == 1);

                assertThat(TwoDomains.exchange(http, HttpRequest.DELETE("/api/v1/offers/" + firewall)).code()).isEqualTo(204);
                // the drain cannot move a chain still being set up
                Thread.sleep(1500);
                Map<String, Object> waiting = TwoDomains.chain(http, id);
                assertThat(waiting.get("state")).isEqualTo("SETTING_UP");
                assertThat(TwoDomains.offerOfHop(waiting, 0)).isEqualTo(firewall);
            } finally {
                stop(first);
            }

            EmbeddedServer second = broker();
            try (HttpClient http = client(second)) {
                domains.release();
                Map<String, Object> moved = await().atMost(Duration.ofSeconds(60)).until(() -> TwoDomains.chain(http, id),
                        c -> "ACTIVE".equals(c.get("state")) && !firewall.equals(TwoDomains.offerOfHop(c, 0)));
                assertThat(TwoDomains.offerOfHop(moved, 0)).isEqualTo(P + "-fw-1");
                List<Map<String, Object>> subs = TwoDomains.exchange(http, HttpRequest.GET("/api/v1/substitutions?chain=" + id))
                        .getBody(List.class).orElseThrow();
                assertThat(subs).singleElement().satisfies(s -> {
                    assertThat(s.get("status")).isEqualTo("COMPLETED");
                    assertThat(((Map<String, Object>) s.get("trigger")).get("subjectId")).isEqualTo(firewall);
                });
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(((Number) TwoDomains.exchange(http,
                        HttpRequest.GET("/api/v1/offers/" + firewall)).getBody(Map.class).orElseThrow().get("reservedChains")).intValue())
                        .as("the withdrawn offer holds nothing").isZero());
            } finally {
                stop(second);
            }
        }
    }

    /** Stops the broker's server and its application context (its Kafka clients first leave their groups). */
    private static void stop(EmbeddedServer broker) {
        broker.stop();
        if (broker.getApplicationContext().isRunning()) {
            broker.getApplicationContext().stop();
        }
    }
}
