package org.chainmarket.deploy.lab;

import org.chainmarket.schemas.kafka.KafkaClients;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.chainmarket.broker.registry.MarketReadModel;
import org.chainmarket.deploy.DemoRequests;
import org.chainmarket.deploy.Marketplace;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.model.Degradation;
import org.chainmarket.schemas.model.Metric;
import org.chainmarket.schemas.model.SubjectKind;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * The marketplace on the lab as a buyer, an operator and monitoring reach it: the broker's REST API, and the
 * degradations topic, on which it publishes {@code DegradationDetected} / {@code DegradationCleared} as
 * monitoring-ingest does.
 */
final class LabBroker implements AutoCloseable {
    private final Marketplace market;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final KafkaProducer<String, byte[]> producer;

    LabBroker(Marketplace market) {
        this.market = market;
        this.producer = KafkaClients.producer(market.bootstrapServers(), "lab", market.kafka().admin());
    }

    /** Orders a chain through the REST API and waits until it is ACTIVE (failing if it fails); returns the chain. */
    JsonNode buy(String ingress, String egress, String... types) {
        String order = Json.text(Map.of("buyerId", DemoRequests.BUYER, "vnfTypes", List.of(types), "ingress", ingress, "egress", egress,
                "bandwidthMbps", 10, "maxLatencyMs", 50, "maxPricePerHour", 20));
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/api/v1/chains")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(order)));
        if (r.statusCode() != 201) {
            throw new AssertionError("ordering " + List.of(types) + " from " + ingress + " to " + egress + " answered "
                    + r.statusCode() + ": " + r.body());
        }
        String id = read(r.body()).get("chainId").asText();
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            last[0] = get("/api/v1/chains/" + id);
            String state = last[0].path("state").asText();
            if (!state.equals("SETTING_UP") && !state.equals("ACTIVE")) {
                throw new AssertionError("chain " + id + " is " + state + ": " + last[0].path("reason").asText());
            }
            return state.equals("ACTIVE");
        });
        return last[0];
    }

    JsonNode get(String path) {
        return read(send(HttpRequest.newBuilder(uri(path)).GET()).body());
    }

    HttpResponse<String> delete(String chainId) {
        return send(HttpRequest.newBuilder(uri("/api/v1/chains/" + chainId)).DELETE());
    }

    /** The chain's substitutions, newest first ({@code GET /api/v1/substitutions?chain=}). */
    JsonNode substitutions(String chainId) {
        return get("/api/v1/substitutions?chain=" + chainId);
    }

    /**
     * A VNF instance running hot, as monitoring-ingest reports it: CPU 0.97 over the 0.9 threshold (clears under
     * 0.75), its last three points, detected now.
     */
    static Degradation hot(String offerId, ProviderId provider) {
        Instant now = Instant.now();
        return new Degradation(SubjectKind.INSTANCE, offerId, provider, Metric.CPU, 0.97, 0.9, 0.75, 10, now,
                List.of(new Degradation.Point(now.minusSeconds(2), 0.88), new Degradation.Point(now.minusSeconds(1), 0.93),
                        new Degradation.Point(now, 0.97)));
    }

    /** Publishes a degradation event on {@code chainmarket.degradations.v1} and waits for Kafka's acknowledgement. */
    void publish(EventType type, Degradation d) {
        try {
            producer.send(CloudEvents.encode(type, d.subjectId(), d, "/monitoring")).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing " + type, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot publish " + type + " for " + d.subjectId() + ": " + e, e);
        }
    }

    /**
     * Reports the instance healthy again ({@code DegradationCleared}) and waits until the broker's read model
     * offers it to selection again, so the next order or substitution may use it.
     */
    void clear(Degradation d) {
        publish(EventType.DEGRADATION_CLEARED, d);
        MarketReadModel model = market.brokerContext().getBean(MarketReadModel.class);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
                .until(() -> !model.isOfferDegraded(OfferId.of(d.subjectId())));
    }

    static String id(JsonNode chain) {
        return chain.get("chainId").asText();
    }

    /** The chain's (or a substitution's before/after chain's) offers, hop by hop. */
    static List<String> offers(JsonNode chain) {
        return chain.get("hops").findValuesAsText("offerId");
    }

    static List<String> providers(JsonNode chain) {
        List<String> out = new ArrayList<>();
        chain.get("domains").forEach(d -> out.add(d.get("providerId").asText()));
        return out;
    }

    private URI uri(String path) {
        return URI.create(market.url().toString() + path);
    }

    private static JsonNode read(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + body, e);
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            HttpRequest built = request.timeout(Duration.ofSeconds(30)).build();
            String caller = built.uri().getPath().startsWith("/api/v1/substitutions") ? DemoRequests.OPERATOR : DemoRequests.BUYER;
            return http.send(HttpRequest.newBuilder(built, (name, value) -> true)
                            .header("Authorization", "Bearer " + DemoRequests.token(built.uri(), caller)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
