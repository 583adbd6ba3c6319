package org.chainmarket.broker;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.assertj.core.api.SoftAssertions;
import org.chainmarket.schemas.events.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every endpoint called by every role, on its own objects and on another party's: the status each gets, and for
 * every refused call, that nothing stored changed (providers, offers, accounts, chains, substitutions as the API
 * shows them). On the real embedded PostgreSQL and Kafka.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationMatrixTest implements TestPropertyProvider {
    static final String ANONYMOUS = "anonymous";
    static final List<String> EVERYONE = List.of(ANONYMOUS, Callers.ADMIN, Callers.OPERATOR, Callers.BUYER, Callers.OTHER_BUYER,
            Callers.PROVIDER, Callers.OTHER_PROVIDER);

    @Inject
    EmbeddedServer server;

    @Override
    public Map<String, String> getProperties() {
        return Callers.properties();
    }

    /** One call and the status every caller gets for it (callers not listed: {@code otherwise}). */
    record Row(String method, String path, String body, Map<String, Integer> status, int otherwise) {
        int expected(String caller) {
            return status.getOrDefault(caller, otherwise);
        }
    }

    static Map<String, Integer> of(Object... callerAndStatus) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < callerAndStatus.length; i += 2) {
            m.put((String) callerAndStatus[i], (Integer) callerAndStatus[i + 1]);
        }
        m.putIfAbsent(ANONYMOUS, 401);
        return m;
    }

    @Test
    void everyEndpointAnswersEachRoleOnItsOwnAndOthersObjectsAndRefusalsChangeNothing() {
        Raw raw = new Raw(server.getURL().toString());
        Map<String, String> chains = Market.seed(raw);
        String acmeChain = chains.get(Callers.BUYER);
        String globexChain = chains.get(Callers.OTHER_BUYER);
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put(ANONYMOUS, null);
        for (String caller : EVERYONE.subList(1, EVERYONE.size())) {
            tokens.put(caller, raw.token(caller));
        }
        String spare = "spare-" + UUID.randomUUID().toString().substring(0, 8);
        String newAccount = Json.text(Map.of("username", spare, "password", "spare-password", "role", "OPERATOR"));
        String noSubstitution = "no-such-substitution";
        String north = Market.northDomain();
        String northOffer = Market.offer(Market.NORTH_OFFER, Callers.PROVIDER, "north-1");

        List<Row> rows = new ArrayList<>(List.of(
                // accounts: admins only
                new Row("POST", "/api/v1/accounts", newAccount, of(Callers.ADMIN, 201), 403),
                new Row("GET", "/api/v1/accounts", null, of(Callers.ADMIN, 200), 403),
                new Row("GET", "/api/v1/accounts/" + spare, null, of(Callers.ADMIN, 200), 403),
                // chains: buyers order and see their own, operators read all
                new Row("POST", "/api/v1/chains", Market.order(), of(Callers.BUYER, 422, Callers.OTHER_BUYER, 422), 403),
                new Row("POST", "/api/v1/chains", Market.order().replace("{", "{\"buyerId\": \"globex\", "),
                        of(Callers.OTHER_BUYER, 422), 403),
                // quotes: buyers only, as themselves (nothing is reserved; an order for unknown switches is a 422)
                new Row("POST", "/api/v1/quotes", Market.order(), of(Callers.BUYER, 422, Callers.OTHER_BUYER, 422), 403),
                new Row("POST", "/api/v1/quotes", Market.order().replace("{", "{\"buyerId\": \"globex\", "),
                        of(Callers.OTHER_BUYER, 422), 403),
                new Row("GET", "/api/v1/chains", null, of(Callers.OPERATOR, 200, Callers.BUYER, 200, Callers.OTHER_BUYER, 200), 403),
                new Row("GET", "/api/v1/chains/" + acmeChain, null, of(Callers.OPERATOR, 200, Callers.BUYER, 200, Callers.OTHER_BUYER, 404), 403),
                // a change is the chain's buyer's (still setting up here, so 409); its SLA record is the buyer's and the operators'
                new Row("PATCH", "/api/v1/chains/" + acmeChain, "{\"bandwidthMbps\": 5}", of(Callers.BUYER, 409, Callers.OTHER_BUYER, 404), 403),
                new Row("GET", "/api/v1/chains/" + acmeChain + "/sla", null, of(Callers.OPERATOR, 200, Callers.BUYER, 200, Callers.OTHER_BUYER, 404), 403),
                new Row("GET", "/api/v1/sla", null, of(Callers.OPERATOR, 200, Callers.BUYER, 200, Callers.OTHER_BUYER, 200), 403),
                // usage: each buyer its chains, each provider its offers, operators everything; not admins
                new Row("GET", "/api/v1/usage", null, of(Callers.OPERATOR, 200, Callers.BUYER, 200, Callers.OTHER_BUYER, 200,
                        Callers.PROVIDER, 200, Callers.OTHER_PROVIDER, 200), 403),
                new Row("DELETE", "/api/v1/chains/" + acmeChain, null, of(Callers.BUYER, 202, Callers.OTHER_BUYER, 404), 403),
                new Row("DELETE", "/api/v1/chains/" + globexChain, null, of(Callers.BUYER, 404, Callers.OTHER_BUYER, 202), 403),
                // the catalogue: every account reads it; only its provider changes it
                new Row("GET", "/api/v1/providers", null, Map.of(ANONYMOUS, 401), 200),
                new Row("GET", "/api/v1/providers/" + Callers.PROVIDER, null, Map.of(ANONYMOUS, 401), 200),
                new Row("GET", "/api/v1/offers", null, Map.of(ANONYMOUS, 401), 200),
                new Row("GET", "/api/v1/offers/" + Market.NORTH_OFFER, null, Map.of(ANONYMOUS, 401), 200),
                new Row("POST", "/api/v1/providers", north, of(Callers.PROVIDER, 201), 403),
                new Row("POST", "/api/v1/providers", Market.domain(Callers.OTHER_PROVIDER, "s1", "n2", "south-1", null, null),
                        of(Callers.OTHER_PROVIDER, 409), 403),
                new Row("POST", "/api/v1/offers", northOffer, of(Callers.PROVIDER, 201), 403),
                new Row("POST", "/api/v1/offers", Market.offer(Market.NORTH_OFFER, Callers.OTHER_PROVIDER, "south-1"),
                        of(Callers.OTHER_PROVIDER, 403), 403),
                new Row("POST", "/api/v1/offers", Market.offer("south-at-north", Callers.OTHER_PROVIDER, "north-1"),
                        of(Callers.OTHER_PROVIDER, 400), 403),
                // substitutions: operators only (none exists here, so an operator's action on one is a 404)
                new Row("GET", "/api/v1/substitutions", null, of(Callers.OPERATOR, 200), 403),
                new Row("GET", "/api/v1/substitutions/" + noSubstitution, null, of(Callers.OPERATOR, 404), 403),
                new Row("GET", "/api/v1/substitutions/" + noSubstitution + "/actions", null, of(Callers.OPERATOR, 404), 403),
                new Row("POST", "/api/v1/substitutions/" + noSubstitution + "/approve", null, of(Callers.OPERATOR, 404), 403),
                new Row("POST", "/api/v1/substitutions/" + noSubstitution + "/rollback", null, of(Callers.OPERATOR, 404), 403),
                new Row("POST", "/api/v1/substitutions/" + noSubstitution + "/acknowledge", null, of(Callers.OPERATOR, 404), 403),
                // withdrawals last: they change what the rows above read
                new Row("DELETE", "/api/v1/offers/" + Market.NORTH_OFFER, null, of(Callers.PROVIDER, 204), 403),
                new Row("DELETE", "/api/v1/providers/" + Callers.PROVIDER, null, of(Callers.PROVIDER, 204), 403),
                new Row("DELETE", "/api/v1/accounts/" + spare, null, of(Callers.ADMIN, 204), 403)));

        SoftAssertions soft = new SoftAssertions();
        int calls = 0;
        for (Row row : rows) {
            // The caller that may do it goes last, so every refusal is checked against the object as it was.
            List<String> order = new ArrayList<>(EVERYONE);
            order.sort(java.util.Comparator.comparing(c -> row.expected(c) < 300 ? 1 : 0));
            for (String caller : order) {
                JsonNode before = Market.snapshot(raw, tokens.get(Callers.ADMIN), tokens.get(Callers.OPERATOR), tokens.get(Callers.BUYER), tokens.get(Callers.OTHER_BUYER));
                Raw.Answer a = raw.send(row.method(), row.path(), tokens.get(caller), row.body());
                calls++;
                String what = caller + ": " + row.method() + " " + row.path() + " -> " + a.status() + " " + a.text();
                soft.assertThat(a.status()).as(what).isEqualTo(row.expected(caller));
                boolean stores = a.status() < 300 || (a.status() == 422 && a.json() != null && a.json().has("chainId"));
                if (!stores) {
                    soft.assertThat(a.isProblem()).as("problem+json: " + what).isTrue();
                    soft.assertThat(Market.snapshot(raw, tokens.get(Callers.ADMIN), tokens.get(Callers.OPERATOR), tokens.get(Callers.BUYER), tokens.get(Callers.OTHER_BUYER)))
                            .as("nothing changed after the refused " + what).isEqualTo(before);
                }
            }
        }
        soft.assertAll();
        assertThat(calls).isEqualTo(rows.size() * EVERYONE.size());

        // A buyer's list shows only its chains; the operator's both buyers'.
        JsonNode acmeList = raw.send("GET", "/api/v1/chains?limit=1000", tokens.get(Callers.BUYER), null).json();
        assertThat(acmeList.findValuesAsText("buyerId")).isNotEmpty().containsOnly(Callers.BUYER);
        assertThat(raw.send("GET", "/api/v1/chains?limit=1000", tokens.get(Callers.OPERATOR), null).json().findValuesAsText("buyerId"))
                .contains(Callers.BUYER, Callers.OTHER_BUYER);
        // The buyer id is the token's: an order without one is the caller's.
        assertThat(raw.send("GET", "/api/v1/chains/" + globexChain, tokens.get(Callers.OPERATOR), null).json().get("buyerId").asText())
                .isEqualTo(Callers.OTHER_BUYER);
    }
}
