package org.chainmarket.deploy.faults;

import com.fasterxml.jackson.databind.JsonNode;
import org.chainmarket.deploy.Marketplace;
import org.chainmarket.schemas.events.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The demo buyers ({@code acme}, {@code globex}) calling the marketplace's REST API as their scripts would: a token
 * from {@code POST /api/v1/tokens} with the demo password, got again when refused; a request that gets no answer
 * within {@link #TIMEOUT} (or no connection) is given up and reported as unanswered. Given several API addresses
 * (replicas of the broker), a buyer sends each request to the first and, when no connection can be made to it, to the
 * next, as a load balancer would; tokens are good at every replica (they share the signing key).
 */
final class Buyers {
    static final java.util.List<String> NAMES = java.util.List.of("acme", "globex");
    /** How long a buyer waits for an answer before giving up. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<URI> apis;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    /** No connection could be made: the request never reached the marketplace. */
    static final int NOT_DELIVERED = 0;
    /** The request was sent (or may have been) but no answer came in time. */
    static final int UNANSWERED = -1;

    /**
     * An answer: its status ({@link #UNANSWERED} or {@link #NOT_DELIVERED} when none came), body (null if none) and
     * {@code Retry-After} header.
     */
    record Answer(int status, JsonNode body, Optional<String> retryAfter, String failure) {
        boolean answered() {
            return status > 0;
        }

        /**
         * A 503 saying the request changed nothing (the database or the domains could not be reached before it was
         * committed); not a 503 {@code outcome-unknown}, whose commit the connection broke under.
         */
        boolean refused() {
            return status == 503 && !(body != null && body.path("type").asText().endsWith("/outcome-unknown"));
        }

        /** The chain an order's answer names (201 and 422 carry one), or null. */
        String chainId() {
            return body != null && body.hasNonNull("chainId") ? body.get("chainId").asText() : null;
        }
    }

    Buyers(URI api, URI... others) {
        List<URI> all = new java.util.ArrayList<>(List.of(api));
        all.addAll(List.of(others));
        this.apis = List.copyOf(all);
    }

    /** Orders {@code order} as {@code buyer} under {@code idempotencyKey}. */
    Answer order(String buyer, String idempotencyKey, String order) {
        return send(buyer, api -> HttpRequest.newBuilder(api.resolve("/api/v1/chains")).header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey).POST(HttpRequest.BodyPublishers.ofString(order)));
    }

    /** Ends {@code chainId} as {@code buyer}. */
    Answer end(String buyer, String chainId) {
        return send(buyer, api -> HttpRequest.newBuilder(api.resolve("/api/v1/chains/" + chainId)).DELETE());
    }

    /** Reads {@code chainId} as {@code buyer}. */
    Answer chain(String buyer, String chainId) {
        return send(buyer, api -> HttpRequest.newBuilder(api.resolve("/api/v1/chains/" + chainId)).GET());
    }

    /** Reads {@code path} (under the API's root) as {@code buyer}. */
    Answer get(String buyer, String path) {
        return send(buyer, api -> HttpRequest.newBuilder(api.resolve(path)).GET());
    }

    private Answer send(String buyer, java.util.function.Function<URI, HttpRequest.Builder> request) {
        Answer a = null;
        for (URI api : apis) {
            a = send(api, buyer, () -> request.apply(api));
            if (a.status() != NOT_DELIVERED) {
                return a;
            }
        }
        return a;
    }

    private Answer send(URI api, String buyer, java.util.function.Supplier<HttpRequest.Builder> request) {
        try {
            String token = token(api, buyer);
            Answer a = exchange(request.get().header("Authorization", "Bearer " + token));
            if (a.status() == 401) {
                tokens.remove(buyer, token);
                a = exchange(request.get().header("Authorization", "Bearer " + token(api, buyer)));
            }
            return a;
        } catch (java.net.ConnectException | java.net.http.HttpConnectTimeoutException e) {
            return new Answer(NOT_DELIVERED, null, Optional.empty(), e.toString());
        } catch (IOException e) {
            return new Answer(UNANSWERED, null, Optional.empty(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(UNANSWERED, null, Optional.empty(), e.toString());
        }
    }

    private Answer exchange(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body;
        try {
            body = r.body().isBlank() ? Json.MAPPER.nullNode() : Json.MAPPER.readTree(r.body());
        } catch (IOException notJson) {
            body = Json.MAPPER.getNodeFactory().textNode(r.body());
        }
        return new Answer(r.statusCode(), body, r.headers().firstValue("Retry-After"), null);
    }

    private String token(URI api, String buyer) throws IOException, InterruptedException {
        String known = tokens.get(buyer);
        if (known != null) {
            return known;
        }
        String credentials = Json.text(Map.of("username", buyer, "password", Marketplace.DEFAULT_DEMO_PASSWORD));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(api.resolve("/api/v1/tokens")).timeout(TIMEOUT)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(credentials)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("no token for " + buyer + ": " + r.statusCode() + " " + r.body());
        }
        String token = Json.MAPPER.readTree(r.body()).get("access_token").asText();
        tokens.put(buyer, token);
        return token;
    }
}
