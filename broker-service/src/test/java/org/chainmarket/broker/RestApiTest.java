package org.chainmarket.broker;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestApiTest implements TestPropertyProvider {
    @Inject
    @Client("/")
    HttpClient http;
    String buyer;
    String provider;
    String admin;

    @Override
    public Map<String, String> getProperties() {
        return Callers.properties();
    }

    @BeforeAll
    void logIn() {
        buyer = Callers.token(http, Callers.BUYER);
        provider = Callers.token(http, Callers.PROVIDER);
        admin = Callers.token(http, Callers.ADMIN);
    }

    HttpClientResponseException error(HttpRequest<?> request) {
        return catchThrowableOfType(HttpClientResponseException.class,
                () -> http.toBlocking().exchange(request, Argument.of(Map.class), Argument.of(Map.class)));
    }

    static <T> MutableHttpRequest<T> as(String token, MutableHttpRequest<T> request) {
        return request.bearerAuth(token);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, String>> fieldErrors(HttpClientResponseException e) {
        Map<String, Object> body = e.getResponse().getBody(Map.class).orElseThrow();
        return (List<Map<String, String>>) body.get("errors");
    }

    @Test
    void invalidOrderIsA400ProblemNamingEachField() {
        String body = """
                {"buyerId": "acme", "vnfTypes": [], "ingress": "seattle", "egress": "new-york",
                 "bandwidthMbps": "fast", "maxLatencyMs": 40}""";
        HttpClientResponseException e = error(as(buyer, HttpRequest.POST("/api/v1/chains", body).contentType(MediaType.APPLICATION_JSON)));
        assertThat(e.code()).isEqualTo(400);
        assertThat(e.getResponse().getContentType().map(Object::toString)).contains("application/problem+json");
        assertThat(fieldErrors(e)).extracting(m -> m.get("field"))
                .containsExactlyInAnyOrder("$.vnfTypes", "$.bandwidthMbps", "$.maxPricePerHour");
    }

    @Test
    void malformedJsonIsA400() {
        HttpClientResponseException e = error(as(buyer, HttpRequest.POST("/api/v1/chains", "{\"buyerId\": ").contentType(MediaType.APPLICATION_JSON)));
        assertThat(e.code()).isEqualTo(400);
        assertThat(fieldErrors(e)).singleElement().satisfies(f -> assertThat(f.get("message")).startsWith("malformed JSON"));
    }

    @Test
    void unknownChainIsA404AndABadIdA400() {
        assertThat(error(as(buyer, HttpRequest.GET("/api/v1/chains/no-such-chain"))).code()).isEqualTo(HttpStatus.NOT_FOUND.getCode());
        assertThat(error(as(buyer, HttpRequest.DELETE("/api/v1/chains/no-such-chain"))).code()).isEqualTo(HttpStatus.NOT_FOUND.getCode());
        HttpClientResponseException bad = error(as(buyer, HttpRequest.GET("/api/v1/offers/%20bad")));
        assertThat(bad.code()).isEqualTo(HttpStatus.BAD_REQUEST.getCode());
        assertThat(fieldErrors(bad)).extracting(m -> m.get("field")).containsExactly("id");
    }

    @Test
    void domainWithDanglingReferencesIsA400() {
        String body = """
                {"providerId": "p-north", "name": "Bad", "switches": [{"switchId": "x1"}],
                 "sites": [], "links": [{"from": "x1", "to": "x9", "latencyMs": 1, "bandwidthMbps": 100}]}""";
        HttpClientResponseException e = error(as(provider, HttpRequest.POST("/api/v1/providers", body).contentType(MediaType.APPLICATION_JSON)));
        assertThat(e.code()).isEqualTo(400);
        assertThat(fieldErrors(e)).extracting(m -> m.get("field")).containsExactly("$.links[0].to");
    }

    @Test
    void orderForAnUnknownVnfTypeIsRejectedWithTheConstraintAndStored() {
        String body = """
                {"vnfTypes": ["quantum-firewall"], "ingress": "nowhere", "egress": "nowhere",
                 "bandwidthMbps": 10, "maxLatencyMs": 40, "maxPricePerHour": 5}""";
        HttpClientResponseException e = error(as(buyer, HttpRequest.POST("/api/v1/chains", body).contentType(MediaType.APPLICATION_JSON)));
        assertThat(e.code()).isEqualTo(422);
        Map<?, ?> problem = e.getResponse().getBody(Map.class).orElseThrow();
        assertThat(problem.get("constraint")).isEqualTo("UNKNOWN_ENDPOINT");
        HttpResponse<Map> stored = http.toBlocking().exchange(as(buyer, HttpRequest.GET("/api/v1/chains/" + problem.get("chainId"))), Map.class);
        assertThat(stored.body()).containsEntry("state", "REJECTED").containsEntry("reason", problem.get("detail"))
                .containsEntry("buyerId", Callers.BUYER);
    }

    @Test
    void everyCallButTheTokenNeedsABearerTokenAndAWrongPasswordGetsNone() {
        HttpClientResponseException anonymous = error(HttpRequest.GET("/api/v1/offers"));
        assertThat(anonymous.code()).isEqualTo(401);
        assertThat(anonymous.getResponse().getContentType().map(Object::toString)).contains("application/problem+json");
        assertThat(anonymous.getResponse().header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(error(HttpRequest.GET("/api/v1/offers").bearerAuth(buyer + "x")).code()).isEqualTo(401);
        HttpClientResponseException wrong = error(HttpRequest.POST("/api/v1/tokens", Map.of("username", Callers.BUYER, "password", "guess-guess"))
                .contentType(MediaType.APPLICATION_JSON));
        assertThat(wrong.code()).isEqualTo(401);
        HttpClientResponseException unknown = error(HttpRequest.POST("/api/v1/tokens", Map.of("username", "nobody", "password", Callers.PASSWORD))
                .contentType(MediaType.APPLICATION_JSON));
        assertThat(unknown.getResponse().getBody(Map.class).orElseThrow()).isEqualTo(wrong.getResponse().getBody(Map.class).orElseThrow());
        String plain = http.toBlocking().retrieve(HttpRequest.POST("/api/v1/tokens", Map.of("username", Callers.BUYER, "password", Callers.PASSWORD))
                .contentType(MediaType.APPLICATION_JSON).accept(MediaType.TEXT_PLAIN_TYPE));
        assertThat(http.toBlocking().exchange(HttpRequest.GET("/api/v1/offers").bearerAuth(plain)).code()).isEqualTo(200);
    }

    @Test
    @SuppressWarnings("unchecked")
    void anAdminCreatesAnAccountThatLogsInWithItsRoleAndNoHashIsShown() {
        String name = "buyer-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<Map> created = http.toBlocking().exchange(as(admin, HttpRequest.POST("/api/v1/accounts",
                Map.of("username", name, "password", "long-enough-secret", "role", "BUYER", "party", "initech"))
                .contentType(MediaType.APPLICATION_JSON)), Map.class);
        assertThat(created.code()).isEqualTo(201);
        assertThat(created.body()).containsEntry("role", "BUYER").containsEntry("party", "initech").containsEntry("createdBy", Callers.ADMIN)
                .doesNotContainKeys("password", "passwordHash");
        Map<String, Object> token = http.toBlocking().retrieve(HttpRequest.POST("/api/v1/tokens",
                Map.of("username", name, "password", "long-enough-secret")).contentType(MediaType.APPLICATION_JSON), Map.class);
        assertThat(token).containsEntry("role", "BUYER").containsEntry("party", "initech").containsEntry("token_type", "Bearer");
        HttpClientResponseException again = error(as(admin, HttpRequest.POST("/api/v1/accounts",
                Map.of("username", name, "password", "long-enough-secret", "role", "BUYER", "party", "initech")).contentType(MediaType.APPLICATION_JSON)));
        assertThat(again.code()).isEqualTo(409);
        HttpClientResponseException weak = error(as(admin, HttpRequest.POST("/api/v1/accounts",
                Map.of("username", name + "2", "password", "short", "role", "OPERATOR", "party", "x")).contentType(MediaType.APPLICATION_JSON)));
        assertThat(weak.code()).isEqualTo(400);
        assertThat(fieldErrors(weak)).extracting(m -> m.get("field")).containsExactlyInAnyOrder("$.password", "$.party");
        assertThat(error(as(buyer, HttpRequest.GET("/api/v1/accounts"))).code()).isEqualTo(403);
    }

    @Test
    void aRetriedOrderWithTheSameIdempotencyKeyAnswersTheFirstChain() {
        String body = """
                {"vnfTypes": ["quantum-firewall"], "ingress": "nowhere", "egress": "nowhere",
                 "bandwidthMbps": 10, "maxLatencyMs": 40, "maxPricePerHour": 5}""";
        String key = UUID.randomUUID().toString();
        HttpClientResponseException first = error(as(buyer, HttpRequest.POST("/api/v1/chains", body)
                .contentType(MediaType.APPLICATION_JSON).header("Idempotency-Key", key)));
        HttpClientResponseException retried = error(as(buyer, HttpRequest.POST("/api/v1/chains", body)
                .contentType(MediaType.APPLICATION_JSON).header("Idempotency-Key", key)));
        assertThat(retried.code()).isEqualTo(first.code()).isEqualTo(422);
        Object chainId = first.getResponse().getBody(Map.class).orElseThrow().get("chainId");
        assertThat(retried.getResponse().getBody(Map.class).orElseThrow().get("chainId")).isEqualTo(chainId);
        assertThat(retried.getResponse().header("Idempotent-Replayed")).isEqualTo("true");
        List<?> mine = http.toBlocking().retrieve(as(buyer, HttpRequest.GET("/api/v1/chains?limit=1000")), List.class);
        assertThat(mine.stream().filter(c -> ((Map<?, ?>) c).get("chainId").equals(chainId))).hasSize(1);

        HttpClientResponseException otherBody = error(as(buyer, HttpRequest.POST("/api/v1/chains", body.replace("\"bandwidthMbps\": 10", "\"bandwidthMbps\": 11"))
                .contentType(MediaType.APPLICATION_JSON).header("Idempotency-Key", key)));
        assertThat(otherBody.code()).isEqualTo(422);
        assertThat(fieldErrors(otherBody)).extracting(m -> m.get("field")).containsExactly("Idempotency-Key");

        String globex = Callers.token(http, Callers.OTHER_BUYER);
        HttpClientResponseException sameKeyOtherBuyer = error(as(globex, HttpRequest.POST("/api/v1/chains", body)
                .contentType(MediaType.APPLICATION_JSON).header("Idempotency-Key", key)));
        assertThat(sameKeyOtherBuyer.getResponse().getBody(Map.class).orElseThrow().get("chainId")).as("keys are per buyer").isNotEqualTo(chainId);
    }

    @Test
    void concurrentRetriesWithOneIdempotencyKeyMakeOneChain() throws Exception {
        String body = """
                {"vnfTypes": ["quantum-firewall"], "ingress": "nowhere", "egress": "nowhere",
                 "bandwidthMbps": 12, "maxLatencyMs": 40, "maxPricePerHour": 5}""";
        String key = UUID.randomUUID().toString();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            List<java.util.concurrent.Future<Object>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                answers.add(pool.submit(() -> error(as(buyer, HttpRequest.POST("/api/v1/chains", body)
                        .contentType(MediaType.APPLICATION_JSON).header("Idempotency-Key", key))).getResponse()
                        .getBody(Map.class).orElseThrow().get("chainId")));
            }
            java.util.Set<Object> chainIds = new java.util.HashSet<>();
            for (var a : answers) {
                chainIds.add(a.get());
            }
            assertThat(chainIds).as("every retry answers the one chain").hasSize(1).doesNotContainNull();
        } finally {
            pool.shutdownNow();
        }
    }
}
