package org.chainmarket.broker;

import com.fasterxml.jackson.databind.JsonNode;
import org.chainmarket.schemas.events.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** Plain HTTP against the running broker, bytes as given: any method, body, content type and bearer token. */
public final class Raw {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public Raw(String base) {
        this.base = base.replaceAll("/$", "");
    }

    /** An answer: status, content type and body (parsed as JSON when it is JSON, else null). */
    public record Answer(int status, String contentType, String text, JsonNode json) {
        public boolean isProblem() {
            return contentType.startsWith("application/problem+json") && json != null && json.path("status").asInt() == status
                    && json.hasNonNull("type") && json.hasNonNull("title");
        }

        /** The fields the problem names. */
        public java.util.List<String> fields() {
            return json == null ? java.util.List.of() : json.path("errors").findValuesAsText("field");
        }
    }

    public Answer send(String method, String path, String token, String contentType, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        headers.forEach(b::header);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            String type = r.headers().firstValue("Content-Type").orElse("");
            JsonNode json = null;
            if (type.contains("json") && !r.body().isEmpty()) {
                json = Json.MAPPER.readTree(r.body());
            }
            return new Answer(r.statusCode(), type, r.body(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Answer send(String method, String path, String token, String json) {
        return send(method, path, token, json == null ? null : "application/json",
                json == null ? null : json.getBytes(java.nio.charset.StandardCharsets.UTF_8), Map.of());
    }

    /** A bearer token for {@code username} with the test password. */
    public String token(String username) {
        Answer a = send("POST", "/api/v1/tokens", null, Json.text(Map.of("username", username, "password", Callers.PASSWORD)));
        if (a.status() != 200) {
            throw new IllegalStateException("no token for " + username + ": " + a.text());
        }
        return a.json().get("access_token").asText();
    }
}
