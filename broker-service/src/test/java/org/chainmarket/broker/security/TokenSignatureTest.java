package org.chainmarket.broker.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.chainmarket.broker.Callers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tokens are signed (HMAC-SHA256 with the configured key), and only such tokens are believed: an unsigned token
 * ({@code alg: none}) or one signed with another key, claiming to be an admin, is answered 401.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenSignatureTest implements TestPropertyProvider {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        return Callers.properties();
    }

    @Test
    void issuedTokensAreSignedWithHs256AndAccepted() throws Exception {
        String token = Callers.token(http, Callers.ADMIN);
        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[0]));

        assertThat(header.path("alg").asText()).isEqualTo("HS256");
        assertThat(token.split("\\.")).as("header, claims and a signature").hasSize(3).allMatch(part -> !part.isEmpty());
        assertThat(status(token)).isEqualTo(200);
    }

    @Test
    void anUnsignedTokenIsRefused() {
        String forged = URL.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "." + adminClaims() + ".";

        assertThat(status(forged)).isEqualTo(401);
    }

    @Test
    void aTokenSignedWithAnotherKeyIsRefused() throws Exception {
        String unsigned = URL.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "." + adminClaims();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("some-other-key-that-is-32-bytes-long!".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String forged = unsigned + "." + URL.encodeToString(mac.doFinal(unsigned.getBytes(StandardCharsets.US_ASCII)));

        assertThat(status(forged)).isEqualTo(401);
    }

    private static String adminClaims() {
        long now = Instant.now().getEpochSecond();
        return URL.encodeToString(("{\"sub\":\"" + Callers.ADMIN + "\",\"roles\":[\"ADMIN\"],\"iat\":" + now + ",\"nbf\":" + now
                + ",\"exp\":" + (now + 3600) + "}").getBytes(StandardCharsets.UTF_8));
    }

    /** The status of listing accounts (an admin's call) with {@code token}. */
    private int status(String token) {
        try {
            return http.toBlocking().exchange(HttpRequest.GET("/api/v1/accounts").bearerAuth(token)).code();
        } catch (HttpClientResponseException e) {
            return e.code();
        }
    }
}
