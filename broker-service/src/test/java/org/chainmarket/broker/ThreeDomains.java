package org.chainmarket.broker;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;

import java.util.List;
import java.util.Map;

/**
 * A market of three providers registered over REST, names prefixed: {@code <p>-west} (switches {@code <p>w1},
 * {@code <p>w2}, the firewall {@code <p>-fw-0} at {@code <p>w2}), {@code <p>-east} ({@code <p>e1} with DPI
 * {@code <p>-dpi-0}, {@code <p>e2}) and {@code <p>-south} (one switch {@code <p>s1} with the cheaper DPI
 * {@code <p>-dpi-s}), east and south each bordering west at {@code <p>w2}. An order ({@link TwoDomains#order} shape,
 * {@code <p>w1} to {@code <p>e2}) prefers south's DPI and detours through south for it; east's is the other choice.
 */
final class ThreeDomains {
    static final String SOUTH_DPI = "-dpi-s";
    static final String EAST_DPI = "-dpi-0";
    private static final String WEST = """
            {"providerId": "%1$s-west", "name": "West", "switches": [{"switchId": "%1$sw1"}, {"switchId": "%1$sw2"}],
             "sites": [{"siteId": "%1$sw-site", "switchId": "%1$sw2", "cpuCores": 8, "memoryGb": 16}],
             "links": [{"from": "%1$sw1", "to": "%1$sw2", "latencyMs": 1, "bandwidthMbps": 100000}]%2$s}""";

    private ThreeDomains() {
    }

    static void register(HttpClient http, String p) {
        String admin = TwoDomains.token(http, Callers.ADMIN);
        for (String side : List.of("-west", "-east", "-south")) {
            TwoDomains.account(http, admin, p + side, "PROVIDER");
        }
        TwoDomains.account(http, admin, p + "-buyer", "BUYER");
        TwoDomains.use(p);
        TwoDomains.post(http, p + "-west", "/api/v1/providers", WEST.formatted(p, ""));
        TwoDomains.post(http, p + "-east", "/api/v1/providers", """
                {"providerId": "%1$s-east", "name": "East", "switches": [{"switchId": "%1$se1"}, {"switchId": "%1$se2"}],
                 "sites": [{"siteId": "%1$se-site", "switchId": "%1$se1", "cpuCores": 8, "memoryGb": 16}],
                 "links": [{"from": "%1$se1", "to": "%1$se2", "latencyMs": 1, "bandwidthMbps": 100000}],
                 "borderLinks": [{"localSwitch": "%1$se1", "remoteProvider": "%1$s-west", "remoteSwitch": "%1$sw2", "latencyMs": 2, "bandwidthMbps": 10000}]}"""
                .formatted(p));
        registerSouthDomain(http, p, true);
        registerWestDomain(http, p, true);
        TwoDomains.post(http, p + "-west", "/api/v1/offers", TwoDomains.offer(p + "-fw-0", p + "-west", p + "-fw", p + "w-site", 100000, 1));
        TwoDomains.post(http, p + "-east", "/api/v1/offers", TwoDomains.offer(p + EAST_DPI, p + "-east", p + "-dpi", p + "e-site", 100000, 1.5));
        TwoDomains.post(http, p + "-south", "/api/v1/offers", TwoDomains.offer(p + SOUTH_DPI, p + "-south", p + "-dpi", p + "s-site", 100000, 1));
    }

    /** West's domain with its border link to east, and with or without declaring its border link to south. */
    static void registerWestDomain(HttpClient http, String p, boolean declaresSouthBorderLink) {
        String east = """
                {"localSwitch": "%1$sw2", "remoteProvider": "%1$s-east", "remoteSwitch": "%1$se1", "latencyMs": 2, "bandwidthMbps": 10000}""";
        String south = """
                , {"localSwitch": "%1$sw2", "remoteProvider": "%1$s-south", "remoteSwitch": "%1$ss1", "latencyMs": 2, "bandwidthMbps": 10000}""";
        TwoDomains.post(http, p + "-west", "/api/v1/providers", WEST.formatted(p, (", \"borderLinks\": [" + east
                + (declaresSouthBorderLink ? south : "") + "]").formatted(p)));
    }

    /**
     * South's domain, as its provider registers it (again, after a withdrawal), with or without declaring its border
     * link to west (west declares it too; one side's declaration makes the link).
     */
    static void registerSouthDomain(HttpClient http, String p, boolean declaresBorderLink) {
        String border = """
                [{"localSwitch": "%1$ss1", "remoteProvider": "%1$s-west", "remoteSwitch": "%1$sw2", "latencyMs": 2, "bandwidthMbps": 10000}]"""
                .formatted(p);
        TwoDomains.post(http, p + "-south", "/api/v1/providers", """
                {"providerId": "%1$s-south", "name": "South", "switches": [{"switchId": "%1$ss1"}],
                 "sites": [{"siteId": "%1$ss-site", "switchId": "%1$ss1", "cpuCores": 8, "memoryGb": 16}], "links": [],
                 "borderLinks": %2$s}""".formatted(p, declaresBorderLink ? border : "[]"));
    }

    /** The DPI offer of an ordered chain. */
    @SuppressWarnings("unchecked")
    static String dpi(Map<?, ?> chain) {
        return (String) ((List<Map<String, Object>>) chain.get("hops")).get(1).get("offerId");
    }

    static HttpResponse<Map> order(HttpClient http, String p) {
        return TwoDomains.exchange(http, HttpRequest.POST("/api/v1/chains", TwoDomains.order(p, 100)).contentType(MediaType.APPLICATION_JSON));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> get(HttpClient http, String path) {
        return TwoDomains.exchange(http, HttpRequest.GET(path)).getBody(Map.class).orElseThrow();
    }
}
