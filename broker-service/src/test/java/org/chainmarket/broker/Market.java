package org.chainmarket.broker;

import com.fasterxml.jackson.databind.JsonNode;
import org.chainmarket.schemas.events.Json;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small market the REST tests own, registered through the API: provider {@link Callers#PROVIDER} (switches n1, n2,
 * site north-1, offer north-fw) and {@link Callers#OTHER_PROVIDER} (switches s1, s2, site south-1, offer south-fw, a
 * border link s1–n1); one order of each buyer (stored REJECTED: its endpoints are unknown, so it holds nothing and no
 * deadline changes it).
 */
final class Market {
    static final String NORTH_OFFER = "north-fw";
    static final String SOUTH_OFFER = "south-fw";

    private Market() {
    }

    static String domain(String provider, String a, String b, String site, String borderTo, String remoteSwitch) {
        String border = borderTo == null ? "" : """
                , "borderLinks": [{"localSwitch": "%s", "remoteProvider": "%s", "remoteSwitch": "%s", "latencyMs": 2, "bandwidthMbps": 1000}]"""
                .formatted(a, borderTo, remoteSwitch);
        return """
                {"providerId": "%s", "name": "%s networks", "switches": [{"switchId": "%s"}, {"switchId": "%s"}],
                 "sites": [{"siteId": "%s", "switchId": "%s", "cpuCores": 8, "memoryGb": 32}],
                 "links": [{"from": "%s", "to": "%s", "latencyMs": 1, "bandwidthMbps": 1000}]%s}"""
                .formatted(provider, provider, a, b, site, a, a, b, border);
    }

    static String northDomain() {
        return domain(Callers.PROVIDER, "n1", "n2", "north-1", null, null);
    }

    static String southDomain() {
        return domain(Callers.OTHER_PROVIDER, "s1", "s2", "south-1", Callers.PROVIDER, "n1");
    }

    static String offer(String offerId, String provider, String site) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("offerId", offerId);
        o.put("providerId", provider);
        o.put("vnfType", "firewall");
        o.put("siteId", site);
        o.put("capacityMbps", 1000);
        o.put("maxChains", 10);
        o.put("processingLatencyMs", 0.5);
        o.put("pricePerHour", 1.0);
        o.put("pricePerMbpsHour", 0.001);
        o.put("availability", 0.999);
        o.put("srAware", false);
        o.put("nshAware", false);
        return Json.text(o);
    }

    static String order() {
        return """
                {"vnfTypes": ["firewall"], "ingress": "nowhere", "egress": "nowhere",
                 "bandwidthMbps": 10, "maxLatencyMs": 40, "maxPricePerHour": 5}""";
    }

    /** Registers both providers and their offers, and one order per buyer; answers the chain ids by buyer. */
    static Map<String, String> seed(Raw raw) {
        String north = raw.token(Callers.PROVIDER);
        String south = raw.token(Callers.OTHER_PROVIDER);
        expect(raw.send("POST", "/api/v1/providers", north, northDomain()), 201);
        expect(raw.send("POST", "/api/v1/providers", south, southDomain()), 201);
        expect(raw.send("POST", "/api/v1/offers", north, offer(NORTH_OFFER, Callers.PROVIDER, "north-1")), 201);
        expect(raw.send("POST", "/api/v1/offers", south, offer(SOUTH_OFFER, Callers.OTHER_PROVIDER, "south-1")), 201);
        Map<String, String> chains = new LinkedHashMap<>();
        for (String buyer : List.of(Callers.BUYER, Callers.OTHER_BUYER)) {
            Raw.Answer a = expect(raw.send("POST", "/api/v1/chains", raw.token(buyer), order()), 422);
            chains.put(buyer, a.json().get("chainId").asText());
        }
        return chains;
    }

    static Raw.Answer expect(Raw.Answer a, int status) {
        if (a.status() != status) {
            throw new IllegalStateException("expected " + status + " but was " + a.status() + ": " + a.text());
        }
        return a;
    }

    /**
     * What this market stores as the API shows it: its two providers and their offers, every account, both buyers'
     * chains (each as its buyer lists them) and their substitutions. Other tests' markets share the database and change on their own, so they are
     * left out.
     */
    static JsonNode snapshot(Raw raw, String admin, String operator, String buyer, String otherBuyer) {
        List<String> ours = List.of(Callers.PROVIDER, Callers.OTHER_PROVIDER);
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("providers", filter(raw.send("GET", "/api/v1/providers", admin, null).json(), p -> ours.contains(p.path("providerId").asText())));
        all.put("offers", filter(raw.send("GET", "/api/v1/offers", admin, null).json(),
                o -> ours.contains(o.path("offer").path("providerId").asText())));
        all.put("accounts", raw.send("GET", "/api/v1/accounts", admin, null).json());
        // each buyer lists its own chains: the operator's list holds every other test's chains too
        com.fasterxml.jackson.databind.node.ArrayNode chains = Json.MAPPER.createArrayNode();
        for (String token : List.of(buyer, otherBuyer)) {
            raw.send("GET", "/api/v1/chains?limit=1000", token, null).json().forEach(chains::add);
        }
        all.put("chains", chains);
        List<String> chainIds = chains.findValuesAsText("chainId");
        all.put("substitutions", filter(raw.send("GET", "/api/v1/substitutions?limit=1000", operator, null).json(),
                s -> chainIds.contains(s.path("chainId").asText())));
        return Json.MAPPER.valueToTree(all);
    }

    private static JsonNode filter(JsonNode array, java.util.function.Predicate<JsonNode> keep) {
        com.fasterxml.jackson.databind.node.ArrayNode out = Json.MAPPER.createArrayNode();
        array.forEach(e -> {
            if (keep.test(e)) {
                out.add(e);
            }
        });
        return out;
    }
}
