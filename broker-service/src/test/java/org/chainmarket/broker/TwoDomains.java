package org.chainmarket.broker;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * A small market registered over REST, its names prefixed so tests share one database: provider {@code <p>-west}
 * (switches {@code <p>w1}, {@code <p>w2}, firewalls at {@code <p>w2}) and {@code <p>-east} ({@code <p>e1} with the
 * DPIs, {@code <p>e2}), joined by one border link {@code <p>w2|<p>e1} of {@code borderMbps}. No adapter runs: chains
 * stay SETTING_UP until their delivery deadline. Each side is registered by its own provider account and orders
 * are placed by buyer {@code <p>-buyer} (accounts an admin creates here; the broker runs with
 * {@link Callers#properties()}); the west domain is registered again once the east one exists, since a border link
 * must lead to a registered provider. {@link #exchange} sends each request as the account it calls for, of the
 * market registered last.
 */
final class TwoDomains {
    private static final Map<String, String> TOKENS = new java.util.concurrent.ConcurrentHashMap<>();
    private static volatile String prefix;

    private TwoDomains() {
    }

    /** Sends {@link #exchange} requests as the accounts of the market prefixed {@code p} (registered by the caller). */
    static void use(String p) {
        prefix = p;
    }

    static void register(HttpClient http, String p, double borderMbps, int offersPerType, double offerMbps) {
        prefix = p;
        String admin = token(http, Callers.ADMIN);
        account(http, admin, p + "-west", "PROVIDER");
        account(http, admin, p + "-east", "PROVIDER");
        account(http, admin, p + "-buyer", "BUYER");
        post(http, p + "-west", "/api/v1/providers", """
                {"providerId": "%1$s-west", "name": "West", "switches": [{"switchId": "%1$sw1"}, {"switchId": "%1$sw2"}],
                 "sites": [{"siteId": "%1$sw-site", "switchId": "%1$sw2", "cpuCores": 8, "memoryGb": 16}],
                 "links": [{"from": "%1$sw1", "to": "%1$sw2", "latencyMs": 1, "bandwidthMbps": 100000}]}""".formatted(p));
        post(http, p + "-east", "/api/v1/providers", """
                {"providerId": "%1$s-east", "name": "East", "switches": [{"switchId": "%1$se1"}, {"switchId": "%1$se2"}],
                 "sites": [{"siteId": "%1$se-site", "switchId": "%1$se1", "cpuCores": 8, "memoryGb": 16}],
                 "links": [{"from": "%1$se1", "to": "%1$se2", "latencyMs": 1, "bandwidthMbps": 100000}],
                 "borderLinks": [{"localSwitch": "%1$se1", "remoteProvider": "%1$s-west", "remoteSwitch": "%1$sw2",
                                  "latencyMs": 2, "bandwidthMbps": %2$s}]}""".formatted(p, borderMbps));
        post(http, p + "-west", "/api/v1/providers", """
                {"providerId": "%1$s-west", "name": "West", "switches": [{"switchId": "%1$sw1"}, {"switchId": "%1$sw2"}],
                 "sites": [{"siteId": "%1$sw-site", "switchId": "%1$sw2", "cpuCores": 8, "memoryGb": 16}],
                 "links": [{"from": "%1$sw1", "to": "%1$sw2", "latencyMs": 1, "bandwidthMbps": 100000}],
                 "borderLinks": [{"localSwitch": "%1$sw2", "remoteProvider": "%1$s-east", "remoteSwitch": "%1$se1",
                                  "latencyMs": 2, "bandwidthMbps": %2$s}]}""".formatted(p, borderMbps));
        for (int i = 0; i < offersPerType; i++) {
            post(http, p + "-west", "/api/v1/offers", offer(p + "-fw-" + i, p + "-west", p + "-fw", p + "w-site", offerMbps, 1 + i * 0.1));
            post(http, p + "-east", "/api/v1/offers", offer(p + "-dpi-" + i, p + "-east", p + "-dpi", p + "e-site", offerMbps, 1 + i * 0.1));
        }
    }

    static String offer(String id, String provider, String type, String site, double mbps, double price) {
        return offer(id, provider, type, site, mbps, price, 0);
    }

    private static String offer(String id, String provider, String type, String site, double mbps, double price, double perMbps) {
        return """
                {"offerId": "%s", "providerId": "%s", "vnfType": "%s", "siteId": "%s", "capacityMbps": %s, "maxChains": 1000,
                 "processingLatencyMs": 0.1, "pricePerHour": %s, "pricePerMbpsHour": %s, "availability": 0.99,
                 "srAware": true, "nshAware": false}""".formatted(id, provider, type, site, mbps, price, perMbps);
    }

    /**
     * Advertises one more offer of the market registered last, as its provider: a firewall on the west side
     * ({@code dpi} false) or a DPI on the east side, priced per hour and per Mbit/s and hour.
     */
    static void offer(HttpClient http, String id, boolean dpi, double mbps, double pricePerHour, double pricePerMbpsHour) {
        String p = prefix;
        String provider = p + (dpi ? "-east" : "-west");
        post(http, provider, "/api/v1/offers", offer(id, provider, p + (dpi ? "-dpi" : "-fw"), p + (dpi ? "e-site" : "w-site"), mbps,
                pricePerHour, pricePerMbpsHour));
    }

    /** An order for the firewall → DPI chain from west to east. */
    static String order(String p, double mbps) {
        return """
                {"buyerId": "%1$s-buyer", "vnfTypes": ["%1$s-fw", "%1$s-dpi"], "ingress": "%1$sw1", "egress": "%1$se2",
                 "bandwidthMbps": %2$s, "maxLatencyMs": 100, "maxPricePerHour": 100}""".formatted(p, mbps);
    }

    /**
     * Status and body of a request, sent as the account it calls for: substitutions as the operator, an offer's
     * withdrawal as its provider, everything else as the buyer; errors are answers too.
     */
    static HttpResponse<Map> exchange(HttpClient http, MutableHttpRequest<?> request) {
        String path = request.getPath();
        String caller = path.startsWith("/api/v1/substitutions") ? Callers.OPERATOR
                : request.getMethodName().equals("DELETE") && path.startsWith("/api/v1/offers/")
                ? prefix + (path.contains("-dpi-") ? "-east" : "-west") : prefix + "-buyer";
        request.bearerAuth(token(http, caller));
        try {
            return http.toBlocking().exchange(request, Argument.of(Map.class), Argument.of(Map.class));
        } catch (HttpClientResponseException e) {
            @SuppressWarnings("unchecked")
            HttpResponse<Map> r = (HttpResponse<Map>) e.getResponse();
            return r;
        }
    }

    /** The chain as its buyer reads it ({@code GET /api/v1/chains/{id}}). */
    static Map<String, Object> chain(HttpClient http, String id) {
        @SuppressWarnings("unchecked")
        Map<String, Object> c = exchange(http, HttpRequest.GET("/api/v1/chains/" + id)).getBody(Map.class).orElseThrow();
        return c;
    }

    /** The offer serving hop {@code hop} of a chain as the API shows it. */
    @SuppressWarnings("unchecked")
    static String offerOfHop(Map<?, ?> chain, int hop) {
        return (String) ((List<Map<String, Object>>) chain.get("hops")).get(hop).get("offerId");
    }

    static void post(HttpClient http, String caller, String path, String body) {
        http.toBlocking().exchange(HttpRequest.POST(path, body).contentType(MediaType.APPLICATION_JSON).bearerAuth(token(http, caller)));
    }

    /** Creates a {@code role} account acting for a party of its own name (kept when it exists). */
    static void account(HttpClient http, String admin, String name, String role) {
        HttpResponse<Map> r = exchangeAs(http, HttpRequest.POST("/api/v1/accounts", Map.of("username", name, "password", Callers.PASSWORD,
                "role", role, "party", name)).contentType(MediaType.APPLICATION_JSON).bearerAuth(admin));
        if (r.code() != 201 && r.code() != 409) {
            throw new IllegalStateException("account " + name + ": " + r.code() + " " + r.body());
        }
    }

    /** A token of {@code username} (tokens outlive a context: the test properties fix the signing key). */
    static String token(HttpClient http, String username) {
        return TOKENS.computeIfAbsent(username, u -> Callers.token(http, u));
    }

    private static HttpResponse<Map> exchangeAs(HttpClient http, HttpRequest<?> request) {
        try {
            return http.toBlocking().exchange(request, Argument.of(Map.class), Argument.of(Map.class));
        } catch (HttpClientResponseException e) {
            @SuppressWarnings("unchecked")
            HttpResponse<Map> r = (HttpResponse<Map>) e.getResponse();
            return r;
        }
    }

    static Connection database() throws SQLException {
        Map<String, String> p = Infra.brokerProperties();
        return DriverManager.getConnection(p.get("datasources.default.url"), p.get("datasources.default.username"),
                p.get("datasources.default.password"));
    }
}
