package org.chainmarket.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.chainmarket.schemas.events.Json;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * The broker's REST API as a buyer's or an operator's script uses it: JSON in, status and JSON out, with a bearer
 * token of the demo accounts ({@link #BUYER} for chains and the catalogue, {@link #OPERATOR} for substitutions),
 * each got once from {@code POST /api/v1/tokens} ({@link DemoRequests}).
 */
public final class Api {
    public static final String BUYER = DemoRequests.BUYER;
    public static final String OPERATOR = DemoRequests.OPERATOR;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public Api(URL url) {
        this.base = url.toString().replaceAll("/$", "");
    }

    public String base() {
        return base;
    }

    public record Response(int status, String contentType, JsonNode body) {
    }

    public Response post(String path, String json) {
        return send(DemoRequests.to(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response get(String path) {
        return send(DemoRequests.to(URI.create(base + path)).GET());
    }

    public Response delete(String path) {
        return send(DemoRequests.to(URI.create(base + path)).DELETE());
    }

    /** Waits until the chain reaches {@code state} and returns it. */
    public JsonNode awaitState(String chainId, String state) {
        JsonNode[] last = new JsonNode[1];
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
                last[0] = get("/api/v1/chains/" + chainId).body();
                return state.equals(last[0].path("state").asText());
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("chain " + chainId + " did not become " + state + " in 30 s; it is " + last[0], e);
        }
        return last[0];
    }

    static String order(String ingress, String egress, double mbps, double maxLatencyMs, double maxPrice, String... types) {
        return Json.text(Map.of("buyerId", BUYER, "vnfTypes", java.util.List.of(types), "ingress", ingress,
                "egress", egress, "bandwidthMbps", mbps, "maxLatencyMs", maxLatencyMs, "maxPricePerHour", maxPrice));
    }

    /** A bearer token of the demo account {@code username}. */
    public String token(String username) {
        return DemoRequests.token(URI.create(base), username);
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = r.body().isEmpty() ? Json.MAPPER.nullNode() : Json.MAPPER.readTree(r.body());
            return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
