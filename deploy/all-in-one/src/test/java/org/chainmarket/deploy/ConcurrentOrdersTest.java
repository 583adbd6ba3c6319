package org.chainmarket.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.chainmarket.deploy.demo.DemoMarket;
import org.chainmarket.selection.topology.Topology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fifty buyers order at once from a market whose offers fit only some of them: no offer may be overbooked,
 * every order ends ACTIVE or REJECTED with a reason, and what the offers hold is exactly what the active chains use.
 */
class ConcurrentOrdersTest {
    static final double MBPS = 300;
    static Marketplace market;
    static Api api;

    @BeforeAll
    static void start() {
        // one VNF type per site, 1000 Mbit/s per offer: each offer fits three 300 Mbit/s chains
        DemoMarket scarce = DemoMarket.of(Topology.bundled("Abilene"), 3, 1, 1000, 100, 11);
        market = Marketplace.start(scarce, Map.of("micronaut.server.port", "-1"));
        api = new Api(market.url());
    }

    @AfterAll
    static void stop() {
        market.close();
    }

    @Test
    void fiftyConcurrentOrdersNeverOverbookAndEachEndsActiveOrRejected() throws Exception {
        String order = Api.order("seattle", "new-york", MBPS, 500, 100, "firewall", "dpi");
        ExecutorService pool = Executors.newFixedThreadPool(50);
        List<Future<Api.Response>> answers = new ArrayList<>();
        try {
            List<Callable<Api.Response>> buyers = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                buyers.add(() -> api.post("/api/v1/chains", order));
            }
            answers.addAll(pool.invokeAll(buyers));
        } finally {
            pool.shutdown();
        }
        int active = 0;
        int rejected = 0;
        List<String> fullTypes = new ArrayList<>();
        Map<String, Double> heldByActiveChains = new HashMap<>();
        for (Future<Api.Response> f : answers) {
            Api.Response r = f.get();
            assertThat(r.status()).as("answer %s", r.body()).isIn(201, 422);
            String id = r.body().get("chainId").asText();
            JsonNode chain = r.status() == 201 ? api.awaitState(id, "ACTIVE") : api.get("/api/v1/chains/" + id).body();
            if (r.status() == 201) {
                active++;
                chain.get("hops").forEach(h -> heldByActiveChains.merge(h.get("offerId").asText(), MBPS, Double::sum));
            } else {
                rejected++;
                assertThat(chain.get("state").asText()).isEqualTo("REJECTED");
                assertThat(chain.get("reason").asText()).isNotBlank();
                assertThat(r.body().get("constraint").asText()).isEqualTo("OFFER_CAPACITY");
                if (r.body().has("hopIndex")) {
                    fullTypes.add(List.of("firewall", "dpi").get(r.body().get("hopIndex").asInt()));
                }
            }
        }
        assertThat(active).as("some orders fit").isPositive();
        assertThat(rejected).as("not all orders fit").isPositive();
        assertThat(active + rejected).isEqualTo(50);

        JsonNode offers = api.get("/api/v1/offers").body();
        for (JsonNode o : offers) {
            String id = o.get("offer").get("offerId").asText();
            double capacity = o.get("offer").get("capacityMbps").asDouble();
            assertThat(o.get("reservedMbps").asDouble()).as("offer %s not overbooked", id).isLessThanOrEqualTo(capacity);
            assertThat(o.get("reservedMbps").asDouble()).as("offer %s holds what its active chains use", id)
                    .isEqualTo(heldByActiveChains.getOrDefault(id, 0.0));
        }
        assertThat(offers).as("a rejection names a hop whose offers are all full")
                .filteredOn(o -> fullTypes.contains(o.get("offer").get("vnfType").asText()))
                .isNotEmpty()
                .allSatisfy(o -> assertThat(o.get("offer").get("capacityMbps").asDouble() - o.get("reservedMbps").asDouble()).isLessThan(MBPS));
    }
}
