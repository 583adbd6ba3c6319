package org.chainmarket.broker;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestApiTest implements TestPropertyProvider {
    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        return Infra.brokerProperties();
    }

    HttpClientResponseException error(HttpRequest<?> request) {
        return catchThrowableOfType(HttpClientResponseException.class,
                () -> http.toBlocking().exchange(request, Argument.of(Map.class), Argument.of(Map.class)));
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
        HttpClientResponseException e = error(HttpRequest.POST("/api/v1/chains", body).contentType(MediaType.APPLICATION_JSON));
        assertThat(e.code()).isEqualTo(400);
        assertThat(e.getResponse().getContentType().map(Object::toString)).contains("application/problem+json");
        assertThat(fieldErrors(e)).extracting(m -> m.get("field"))
                .containsExactlyInAnyOrder("$.vnfTypes", "$.bandwidthMbps", "$.maxPricePerHour");
    }

    @Test
    void malformedJsonIsA400() {
        HttpClientResponseException e = error(HttpRequest.POST("/api/v1/chains", "{\"buyerId\": ").contentType(MediaType.APPLICATION_JSON));
        assertThat(e.code()).isEqualTo(400);
        assertThat(fieldErrors(e)).singleElement().satisfies(f -> assertThat(f.get("message")).startsWith("malformed JSON"));
    }

    @Test
    void unknownChainIsA404AndABadIdA400() {
        assertThat(error(HttpRequest.GET("/api/v1/chains/no-such-chain")).code()).isEqualTo(HttpStatus.NOT_FOUND.getCode());
        assertThat(error(HttpRequest.DELETE("/api/v1/chains/no-such-chain")).code()).isEqualTo(HttpStatus.NOT_FOUND.getCode());
        assertThat(error(HttpRequest.GET("/api/v1/offers/%20bad")).code()).isEqualTo(HttpStatus.BAD_REQUEST.getCode());
    }

    @Test
    void domainWithDanglingReferencesIsA400() {
        String body = """
                {"providerId": "p-bad", "name": "Bad", "switches": [{"switchId": "x1"}],
                 "sites": [], "links": [{"from": "x1", "to": "x9", "latencyMs": 1, "bandwidthMbps": 100}]}""";
        HttpClientResponseException e = error(HttpRequest.POST("/api/v1/providers", body).contentType(MediaType.APPLICATION_JSON));
        assertThat(e.code()).isEqualTo(400);
        assertThat(fieldErrors(e)).extracting(m -> m.get("field")).containsExactly("$.links[0].to");
    }

    @Test
    void orderForAnUnknownVnfTypeIsRejectedWithTheConstraintAndStored() {
        String body = """
                {"buyerId": "acme", "vnfTypes": ["quantum-firewall"], "ingress": "nowhere", "egress": "nowhere",
                 "bandwidthMbps": 10, "maxLatencyMs": 40, "maxPricePerHour": 5}""";
        HttpClientResponseException e = error(HttpRequest.POST("/api/v1/chains", body).contentType(MediaType.APPLICATION_JSON));
        assertThat(e.code()).isEqualTo(422);
        Map<?, ?> problem = e.getResponse().getBody(Map.class).orElseThrow();
        assertThat(problem.get("constraint")).isEqualTo("UNKNOWN_ENDPOINT");
        HttpResponse<Map> stored = http.toBlocking().exchange(HttpRequest.GET("/api/v1/chains/" + problem.get("chainId")), Map.class);
        assertThat(stored.body()).containsEntry("state", "REJECTED").containsEntry("reason", problem.get("detail"));
    }
}
