package org.chainmarket.deploy;

import org.chainmarket.schemas.events.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests to a running demo marketplace's REST API with a bearer token of its demo accounts: the buyer
 * {@value #BUYER} for chains and the catalogue, the operator {@value #OPERATOR} for substitutions and placement. Tokens are got
 * once per broker and account from {@code POST /api/v1/tokens} with the default demo password.
 */
public final class DemoRequests {
    public static final String BUYER = "acme";
    public static final String OPERATOR = "alice";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Map<String, String> TOKENS = new ConcurrentHashMap<>();

    private DemoRequests() {
    }

    /** A request to {@code uri} as the demo account its path calls for. */
    public static HttpRequest.Builder to(URI uri) {
        String account = uri.getPath().startsWith("/api/v1/substitutions") || uri.getPath().startsWith("/api/v1/placement") ? OPERATOR : BUYER;
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token(uri, account));
    }

    /** Forgets the tokens got so far (a restarted marketplace signs with a new key unless it is configured). */
    public static void forgetTokens() {
        TOKENS.clear();
    }

    /** A bearer token of demo account {@code username} at the broker that serves {@code uri}. */
    public static String token(URI uri, String username) {
        String base = uri.getScheme() + "://" + uri.getAuthority();
        return TOKENS.computeIfAbsent(base + " " + username, k -> {
            String credentials = Json.text(Map.of("username", username, "password", Marketplace.DEFAULT_DEMO_PASSWORD));
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/tokens"))
                        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(credentials)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("no token for demo account " + username + ": " + r.statusCode() + " " + r.body());
                }
                return Json.MAPPER.readTree(r.body()).get("access_token").asText();
            } catch (IOException e) {
                throw new IllegalStateException("no token for demo account " + username, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }
}
