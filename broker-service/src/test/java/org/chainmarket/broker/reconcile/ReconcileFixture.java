package org.chainmarket.broker.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import org.chainmarket.broker.Callers;
import org.chainmarket.broker.Infra;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.model.DomainAck.FlowEntry;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.VnfOffer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Two provider domains whose names start with a test's prefix {@code p}: {@code <p>-west} (switches {@code <p>w1},
 * {@code <p>w2}, firewalls at {@code <p>w2}) and {@code <p>-east} ({@code <p>e1} with the DPIs, {@code <p>e2}), joined
 * by a border link {@code <p>w2|<p>e1}; their adapters advertise them over Kafka. Buyers' orders go through the REST
 * API as {@link Callers#BUYER}.
 */
final class ReconcileFixture {
    private ReconcileFixture() {
    }

    static ProviderDomain west(String p) {
        return Json.read("""
                {"providerId": "%1$s-west", "name": "West", "switches": [{"switchId": "%1$sw1"}, {"switchId": "%1$sw2"}],
                 "sites": [{"siteId": "%1$sw-site", "switchId": "%1$sw2", "cpuCores": 8, "memoryGb": 16}],
                 "links": [{"from": "%1$sw1", "to": "%1$sw2", "latencyMs": 1, "bandwidthMbps": 100000}],
                 "borderLinks": [{"localSwitch": "%1$sw2", "remoteProvider": "%1$s-east", "remoteSwitch": "%1$se1",
                                  "latencyMs": 2, "bandwidthMbps": 100000}]}""".formatted(p), ProviderDomain.class);
    }

    static ProviderDomain east(String p) {
        return Json.read("""
                {"providerId": "%1$s-east", "name": "East", "switches": [{"switchId": "%1$se1"}, {"switchId": "%1$se2"}],
                 "sites": [{"siteId": "%1$se-site", "switchId": "%1$se1", "cpuCores": 8, "memoryGb": 16}],
                 "links": [{"from": "%1$se1", "to": "%1$se2", "latencyMs": 1, "bandwidthMbps": 100000}],
                 "borderLinks": [{"localSwitch": "%1$se1", "remoteProvider": "%1$s-west", "remoteSwitch": "%1$sw2",
                                  "latencyMs": 2, "bandwidthMbps": 100000}]}""".formatted(p), ProviderDomain.class);
    }

    static List<VnfOffer> westOffers(String p) {
        return List.of(offer(p + "-fw-0", p + "-west", p + "-fw", p + "w-site"));
    }

    static List<VnfOffer> eastOffers(String p) {
        return List.of(offer(p + "-dpi-0", p + "-east", p + "-dpi", p + "e-site"));
    }

    private static VnfOffer offer(String id, String provider, String type, String site) {
        return Json.read("""
                {"offerId": "%s", "providerId": "%s", "vnfType": "%s", "siteId": "%s", "capacityMbps": 100000, "maxChains": 1000,
                 "processingLatencyMs": 0.1, "pricePerHour": 1, "pricePerMbpsHour": 0, "availability": 0.99,
                 "srAware": true, "nshAware": false}""".formatted(id, provider, type, site), VnfOffer.class);
    }

    /** A firewall → DPI chain from west to east. */
    static String order(String p) {
        return """
                {"vnfTypes": ["%1$s-fw", "%1$s-dpi"], "ingress": "%1$sw1", "egress": "%1$se2",
                 "bandwidthMbps": 10, "maxLatencyMs": 100, "maxPricePerHour": 100}""".formatted(p);
    }

    /** Status and body of a call. */
    record Answer(int code, JsonNode body) {
    }

    /** A call with {@code token} (errors are answers too). */
    static Answer call(HttpClient http, String token, io.micronaut.http.MutableHttpRequest<?> request) {
        HttpResponse<String> r;
        try {
            r = http.toBlocking().exchange(request.bearerAuth(token).contentType(MediaType.APPLICATION_JSON),
                    Argument.of(String.class), Argument.of(String.class));
        } catch (HttpClientResponseException e) {
            @SuppressWarnings("unchecked")
            HttpResponse<String> failed = (HttpResponse<String>) e.getResponse();
            r = failed;
        }
        String body = r.getBody(String.class).orElse(null);
        return new Answer(r.code(), body == null || body.isBlank() ? null : Json.read(body, JsonNode.class));
    }

    static JsonNode chain(HttpClient http, String token, String id) {
        return call(http, token, HttpRequest.GET("/api/v1/chains/" + id)).body();
    }

    /** The flow entries a chain's view shows for one domain. */
    static Set<FlowEntry> entries(JsonNode chain, String provider) {
        Set<FlowEntry> out = new HashSet<>();
        for (JsonNode d : chain.path("domains")) {
            if (d.path("providerId").asText().equals(provider)) {
                d.path("flowEntries").forEach(e -> out.add(Json.MAPPER.convertValue(e, FlowEntry.class)));
            }
        }
        return out;
    }

    static JsonNode domain(JsonNode chain, String provider) {
        for (JsonNode d : chain.path("domains")) {
            if (d.path("providerId").asText().equals(provider)) {
                return d;
            }
        }
        return null;
    }

    static Connection database() throws SQLException {
        Map<String, String> p = Infra.brokerProperties();
        return DriverManager.getConnection(p.get("datasources.default.url"), p.get("datasources.default.username"),
                p.get("datasources.default.password"));
    }

    /** Rows of a query, each as its columns' text. */
    static List<List<String>> rows(String sql, Object... args) throws SQLException {
        try (Connection db = database(); var st = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                st.setObject(i + 1, args[i]);
            }
            List<List<String>> out = new ArrayList<>();
            try (var rs = st.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        row.add(rs.getString(i));
                    }
                    out.add(row);
                }
            }
            return out;
        }
    }
}
