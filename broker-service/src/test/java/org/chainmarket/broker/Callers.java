package org.chainmarket.broker;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;

import java.util.HashMap;
import java.util.Map;

/**
 * The accounts the REST tests call as, created at start through {@code chainmarket.security.accounts}: an admin, an
 * operator, two buyers and two providers (one per test domain), all with {@link #PASSWORD}.
 */
public final class Callers {
    public static final String PASSWORD = "test-password";
    public static final String ADMIN = "root";
    public static final String OPERATOR = "olivia";
    public static final String BUYER = "acme";
    public static final String OTHER_BUYER = "globex";
    public static final String PROVIDER = "p-north";
    public static final String OTHER_PROVIDER = "p-south";

    private Callers() {
    }

    /** The broker's properties with the test accounts (cheap hashes: BCrypt cost 4). */
    public static Map<String, String> properties() {
        Map<String, String> p = new HashMap<>(Infra.brokerProperties());
        p.put("chainmarket.security.bcrypt-strength", "4");
        // one signing key for every test context, so a token stays valid across test classes
        p.put("chainmarket.security.token-secret", "rest-tests-signing-key-of-32-bytes-or-more");
        account(p, ADMIN, "ADMIN", null);
        account(p, OPERATOR, "OPERATOR", null);
        account(p, BUYER, "BUYER", BUYER);
        account(p, OTHER_BUYER, "BUYER", OTHER_BUYER);
        account(p, PROVIDER, "PROVIDER", PROVIDER);
        account(p, OTHER_PROVIDER, "PROVIDER", OTHER_PROVIDER);
        return p;
    }

    private static void account(Map<String, String> p, String name, String role, String party) {
        p.put("chainmarket.security.accounts." + name + ".password", PASSWORD);
        p.put("chainmarket.security.accounts." + name + ".role", role);
        if (party != null) {
            p.put("chainmarket.security.accounts." + name + ".party", party);
        }
    }

    /** A bearer token for {@code username}, from {@code POST /api/v1/tokens}. */
    @SuppressWarnings("unchecked")
    public static String token(HttpClient http, String username) {
        Map<String, Object> answer = http.toBlocking().retrieve(HttpRequest.POST("/api/v1/tokens",
                Map.of("username", username, "password", PASSWORD)).contentType(MediaType.APPLICATION_JSON), Map.class);
        return (String) answer.get("access_token");
    }
}
