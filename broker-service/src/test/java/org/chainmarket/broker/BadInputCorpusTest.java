package org.chainmarket.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.assertj.core.api.SoftAssertions;
import org.chainmarket.schemas.events.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A corpus of bad requests across every endpoint: broken framing, wrong types, out-of-range and non-finite numbers,
 * control and odd Unicode characters, oversized bodies and ids, unknown and malformed ids, wrong methods and content
 * types. Each must be answered without a server error, every error as application/problem+json naming the field
 * where there is one, and a refused request must leave everything stored as it was. The cases the marketplace once
 * accepted are checked for their exact answer.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputCorpusTest implements TestPropertyProvider {
    static final String LONG = "x".repeat(10_000);
    /** Values put in place of one field at a time: raw JSON text. */
    static final List<String> VALUES = List.of("null", "true", "\"text\"", "{}", "[]", "1e309", "-1e309", "1e-320", "-1", "0",
            "\"\"", "\"acme\\n\"", "\"a\\u0000b\"", "\"\\ud800\"", "\"" + LONG + "\"", "\"\uD83D\uDD25\"", "99999999999999999999999",
            "\"\u202Eevil\"", "[null]", "\"2026-13-45T99:00:00Z\"");

    @Inject
    EmbeddedServer server;

    @Override
    public Map<String, String> getProperties() {
        return Callers.properties();
    }

    /** One request of the corpus and what it must be answered with (0: any non-5xx), and the field it must name. */
    record Case(String name, String method, String path, String token, String contentType, byte[] body, int status, String field,
                Map<String, String> headers) {
        Case(String name, String method, String path, String token, String contentType, byte[] body, int status, String field) {
            this(name, method, path, token, contentType, body, status, field, Map.of());
        }
    }

    final List<Case> cases = new ArrayList<>();

    void add(String name, String method, String path, String token, String json, int status, String field) {
        cases.add(new Case(name, method, path, token, json == null ? null : "application/json",
                json == null ? null : json.getBytes(StandardCharsets.UTF_8), status, field));
    }

    /** {@code base} with {@code field} replaced by each raw value, and removed. */
    void mutations(String what, String path, String token, String base) {
        ObjectNode o = (ObjectNode) Json.MAPPER.valueToTree(read(base));
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            for (String v : VALUES) {
                ObjectNode copy = o.deepCopy();
                copy.put(field, "@@RAW@@");
                add(what + " " + field + "=" + abbreviate(v), "POST", path, token, Json.text(copy).replace("\"@@RAW@@\"", v), 0, "$." + field);
            }
            ObjectNode without = o.deepCopy();
            without.remove(field);
            add(what + " without " + field, "POST", path, token, Json.text(without), 0, "$." + field);
        }
    }

    static JsonNode read(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static String abbreviate(String s) {
        return s.length() > 24 ? s.substring(0, 24) + "…" : s;
    }

    /** Bodies that are not a JSON object, or not JSON at all, and bodies sent as something else than JSON. */
    void framing(String what, String path, String token) {
        List<String> broken = List.of("", "null", "[]", "\"x\"", "42", "{", "{}}", "{\"a\": 1,}", "{\"a\": NaN}", "{\"a\": Infinity}",
                "{/* c */}", "{'a': 1}", "\uFEFF{}", "[".repeat(5000) + "]".repeat(5000), "{\"a\": 1, \"a\": 2}", "\u0000");
        for (String b : broken) {
            add(what + " body " + abbreviate(b), "POST", path, token, b, 400, null);
        }
        for (String type : List.of("text/plain", "application/xml", "application/x-www-form-urlencoded")) {
            cases.add(new Case(what + " as " + type, "POST", path, token, type, "{}".getBytes(StandardCharsets.UTF_8), 415, null));
        }
        // Without a content type the body is read as JSON (and this one is incomplete).
        cases.add(new Case(what + " without content type", "POST", path, token, null, "{}".getBytes(StandardCharsets.UTF_8), 400, null));
        cases.add(new Case(what + " 2 MB", "POST", path, token, "application/json",
                ("{\"name\": \"" + "y".repeat(2_000_000) + "\"}").getBytes(StandardCharsets.UTF_8), 413, null));
    }

    @Test
    void noBadRequestIsAServerErrorEveryErrorIsAProblemNamingItsFieldAndRefusalsChangeNothing() {
        Raw raw = new Raw(server.getURL().toString());
        Map<String, String> chains = Market.seed(raw);
        String admin = raw.token(Callers.ADMIN);
        String operator = raw.token(Callers.OPERATOR);
        String buyer = raw.token(Callers.BUYER);
        String otherBuyer = raw.token(Callers.OTHER_BUYER);
        String provider = raw.token(Callers.PROVIDER);
        String offer = Market.offer(Market.NORTH_OFFER, Callers.PROVIDER, "north-1");

        // The inputs once accepted: each a 400 naming its field.
        add("offer capacity 1e309", "POST", "/api/v1/offers", provider, offer.replace("\"capacityMbps\":1000", "\"capacityMbps\":1e309"), 400, "$.capacityMbps");
        add("order latency 1e309", "POST", "/api/v1/chains", buyer, Market.order().replace("\"maxLatencyMs\": 40", "\"maxLatencyMs\": 1e309"), 400, "$.maxLatencyMs");
        add("order price 1e309", "POST", "/api/v1/chains", buyer, Market.order().replace("\"maxPricePerHour\": 5", "\"maxPricePerHour\": 1e309"), 400, "$.maxPricePerHour");
        add("order bandwidth 1e-320", "POST", "/api/v1/chains", buyer, Market.order().replace("\"bandwidthMbps\": 10", "\"bandwidthMbps\": 1e-320"), 400, "$.bandwidthMbps");
        add("order buyerId with a newline", "POST", "/api/v1/chains", buyer, Market.order().replace("{", "{\"buyerId\": \"acme\\n\", "), 400, "$.buyerId");
        add("offer at an unknown site", "POST", "/api/v1/offers", provider, offer.replace("north-1", "nowhere-1"), 400, "$.siteId");
        add("offer at another provider's site", "POST", "/api/v1/offers", provider, offer.replace("north-1", "south-1"), 400, "$.siteId");
        add("border link to an unknown provider", "POST", "/api/v1/providers", provider,
                Market.domain(Callers.PROVIDER, "n1", "n2", "north-1", "p-nobody", "z1"), 400, "$.borderLinks[0].remoteProvider");
        add("border link to another provider's unknown switch", "POST", "/api/v1/providers", provider,
                Market.domain(Callers.PROVIDER, "n1", "n2", "north-1", Callers.OTHER_PROVIDER, "z1"), 400, "$.borderLinks[0].remoteSwitch");
        add("limit=-1", "GET", "/api/v1/chains?limit=-1", buyer, null, 400, "limit");
        add("validFrom yesterday", "POST", "/api/v1/offers", provider, offer.replace("{", "{\"validFrom\": \"yesterday\", "), 400, "$.validFrom");

        mutations("order", "/api/v1/chains", buyer, Market.order().replace("{", "{\"buyerId\": \"acme\", \"includeProviders\": [\"p-north\"], "
                + "\"excludeProviders\": [], \"substitutionPolicy\": \"APPROVAL\", "));
        mutations("offer", "/api/v1/offers", provider, offer.replace("{", "{\"validFrom\": \"2026-01-01T00:00:00Z\", "
                + "\"validUntil\": \"2036-01-01T00:00:00Z\", \"thresholds\": {\"maxLoad\": 0.8}, "));
        mutations("domain", "/api/v1/providers", provider, Market.northDomain());
        mutations("account", "/api/v1/accounts", admin, "{\"username\": \"new-one\", \"password\": \"new-password\", \"role\": \"BUYER\", \"party\": \"p1\"}");
        mutations("credentials", "/api/v1/tokens", null, "{\"username\": \"acme\", \"password\": \"" + Callers.PASSWORD + "\"}");
        mutations("acknowledgement", "/api/v1/substitutions/no-such/acknowledge", operator, "{\"operator\": \"olivia\"}");
        mutations("quote", "/api/v1/quotes", buyer, Market.order());
        framing("quote", "/api/v1/quotes", buyer);
        framing("order", "/api/v1/chains", buyer);
        framing("offer", "/api/v1/offers", provider);
        framing("domain", "/api/v1/providers", provider);
        framing("account", "/api/v1/accounts", admin);
        framing("credentials", "/api/v1/tokens", null);

        Map<String, String> items = new LinkedHashMap<>();
        items.put("/api/v1/chains/", operator);
        items.put("/api/v1/offers/", buyer);
        items.put("/api/v1/providers/", buyer);
        items.put("/api/v1/substitutions/", operator);
        items.put("/api/v1/accounts/", admin);
        List<String> badIds = List.of("%20bad", "a%0A", "x".repeat(300), "%00", "..%2F..", "%C3%A9t%C3%A9", "a%2Fb", "-leading", "%F0%9F%94%A5");
        items.forEach((path, token) -> {
            add(path + " unknown id", "GET", path + "no-such-id", token, null, 404, null);
            for (String id : badIds) {
                add(path + " id " + abbreviate(id), "GET", path + id, token, null, 0, path.contains("accounts") ? "username" : "id");
            }
            for (String method : List.of("PUT", "PATCH")) {
                // a chain is changed with PATCH, by its buyer only (these are the operator's calls)
                add(path + " " + method, method, path + "no-such-id", token, "{}",
                        method.equals("PATCH") && path.contains("chains") ? 403 : 405, null);
                add(path + " collection " + method, method, path.substring(0, path.length() - 1), token, "{}", 405, null);
            }
        });
        for (String path : List.of("/api/v1/chains/", "/api/v1/offers/", "/api/v1/providers/", "/api/v1/accounts/")) {
            String token = path.contains("chains") ? buyer : path.contains("accounts") ? admin : provider;
            // A provider may withdraw only its own id: any other is refused before it is looked up.
            add("DELETE " + path + " unknown id", "DELETE", path + "no-such-id", token, null, path.contains("providers") ? 403 : 404, null);
            for (String id : badIds) {
                add("DELETE " + path + " id " + abbreviate(id), "DELETE", path + id, token, null, 0, path.contains("accounts") ? "username" : "id");
            }
        }
        for (String limit : List.of("-1", "0", "1001", "abc", "1e3", "99999999999", "1.5", "%00")) {
            add("chains limit=" + limit, "GET", "/api/v1/chains?limit=" + limit, operator, null, 400, "limit");
            add("substitutions limit=" + limit, "GET", "/api/v1/substitutions?limit=" + limit, operator, null, 400, "limit");
            add("sla limit=" + limit, "GET", "/api/v1/sla?limit=" + limit, operator, null, 400, "limit");
        }
        add("chains state=FOO", "GET", "/api/v1/chains?state=FOO", buyer, null, 400, "state");
        add("substitutions trigger=FOO", "GET", "/api/v1/substitutions?trigger=FOO", operator, null, 400, "trigger");
        add("substitutions status=FOO", "GET", "/api/v1/substitutions?status=FOO", operator, null, 400, "status");
        add("substitutions chain=a%0A", "GET", "/api/v1/substitutions?chain=a%0A", operator, null, 400, "chain");
        add("substitutions provider=%20", "GET", "/api/v1/substitutions?provider=%20x", operator, null, 400, "provider");
        add("no such route", "GET", "/api/v1/nothing-here", buyer, null, 404, null);
        add("approve with GET", "GET", "/api/v1/substitutions/x/approve", operator, null, 405, null);
        for (String key : List.of("", "a b", "a\tb", "x".repeat(300))) {
            cases.add(new Case("Idempotency-Key " + abbreviate(key), "POST", "/api/v1/chains", buyer, "application/json",
                    Market.order().getBytes(StandardCharsets.UTF_8), 400, "Idempotency-Key", Map.of("Idempotency-Key", key)));
        }
        for (String[] change : List.of(new String[]{"{\"bandwidthMbps\": -1}", "$.bandwidthMbps"}, new String[]{"{\"bandwidthMbps\": \"fast\"}", "$.bandwidthMbps"},
                new String[]{"{\"maxLatencyMs\": 1e309}", "$.maxLatencyMs"}, new String[]{"{\"maxPricePerHour\": 0}", "$.maxPricePerHour"},
                new String[]{"{\"vnfTypes\": [\"nat\"]}", "$.vnfTypes"}, new String[]{"[1]", "$"})) {
            add("change " + abbreviate(change[0]), "PATCH", "/api/v1/chains/no-such-id", buyer, change[0], 400, change[1]);
        }
        for (String key : List.of("a b", "x".repeat(300))) {
            cases.add(new Case("change Idempotency-Key " + abbreviate(key), "PATCH", "/api/v1/chains/no-such-id", buyer, "application/json",
                    "{\"bandwidthMbps\": 5}".getBytes(StandardCharsets.UTF_8), 400, "Idempotency-Key", Map.of("Idempotency-Key", key)));
        }
        add("change of an unknown chain", "PATCH", "/api/v1/chains/no-such-id", buyer, "{\"bandwidthMbps\": 5}", 404, null);
        add("sla of an unknown chain", "GET", "/api/v1/chains/no-such-id/sla", buyer, null, 404, null);
        add("sla id a%0A", "GET", "/api/v1/chains/a%0A/sla", buyer, null, 400, "id");
        for (String[] period : List.of(new String[]{"from=yesterday", "from"}, new String[]{"to=2026-13-01T00:00:00Z", "to"},
                new String[]{"from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "from"}, new String[]{"from=%00", "from"})) {
            add("usage " + period[0], "GET", "/api/v1/usage?" + period[0], buyer, null, 400, period[1]);
        }
        add("bearer token that is not a JWT", "GET", "/api/v1/offers", "not-a-token", null, 401, null);
        add("order for another buyer", "POST", "/api/v1/chains", buyer, Market.order().replace("{", "{\"buyerId\": \"globex\", "), 403, "$.buyerId");

        assertThat(cases).hasSizeGreaterThanOrEqualTo(300);
        System.out.printf("bad-input corpus: %d requests%n", cases.size());
        SoftAssertions soft = new SoftAssertions();
        JsonNode stored = Market.snapshot(raw, admin, operator, buyer, otherBuyer);
        for (Case c : cases) {
            Raw.Answer a;
            try {
                a = raw.send(c.method(), c.path(), c.token(), c.contentType(), c.body(), c.headers());
            } catch (RuntimeException e) {
                soft.fail(c.name() + ": no answer (" + e + ")");
                continue;
            }
            String what = c.name() + " -> " + a.status() + " " + abbreviate(a.text().replace('\n', ' ')) + " " + a.text().substring(0, Math.min(300, a.text().length()));
            soft.assertThat(a.status()).as("not a server error: " + what).isLessThan(500);
            if (c.status() != 0) {
                soft.assertThat(a.status()).as(what).isEqualTo(c.status());
            }
            boolean accepted = a.status() < 300 || (a.status() == 422 && a.json() != null && a.json().has("chainId"));
            JsonNode now = Market.snapshot(raw, admin, operator, buyer, otherBuyer);
            if (!accepted) {
                soft.assertThat(a.isProblem()).as("problem+json: " + what).isTrue();
                if (c.field() != null && (a.status() == 400 || a.status() == 403) && !c.name().endsWith(" 2 MB")) {
                    soft.assertThat(a.fields()).as("names " + c.field() + ": " + what).anyMatch(f -> f.startsWith(c.field()));
                }
                soft.assertThat(now).as("nothing stored changed after " + what).isEqualTo(stored);
            }
            stored = now;
        }
        soft.assertAll();
        assertThat(raw.send("GET", "/api/v1/chains/" + chains.get(Callers.BUYER), buyer, null).json().get("state").asText()).isEqualTo("REJECTED");
    }
}
