package org.chainmarket.broker;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.chainmarket.broker.registry.Registry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.ResultSet;
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
 * Links are a capacity ledger like offers: forty buyers order at once across a border link that fits three of them.
 * No link is overbooked, what each link holds is exactly what the chains holding capacity put on it, and the read
 * model selection runs on agrees with the ledger.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LinkLedgerTest implements TestPropertyProvider {
    static final String P = "lk";
    static final double MBPS = 300;
    @Inject
    @Client("/")
    HttpClient http;
    @Inject
    Registry registry;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(Callers.properties());
        // many requests at once on a shared 2-core machine: a slow answer is not a wrong one
        p.put("micronaut.http.client.read-timeout", "120s");
        p.put("chainmarket.delivery-timeout", "120s");
        return p;
    }

    @Test
    void fortyConcurrentOrdersNeverOverbookAScarceLink() throws Exception {
        TwoDomains.register(http, P, 1000, 2, 100000);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Future<HttpResponse<Map>>> answers = new ArrayList<>();
        try {
            List<Callable<HttpResponse<Map>>> buyers = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                buyers.add(() -> TwoDomains.exchange(http, HttpRequest.POST("/api/v1/chains", TwoDomains.order(P, MBPS))
                        .contentType(MediaType.APPLICATION_JSON)));
            }
            answers.addAll(pool.invokeAll(buyers));
        } finally {
            pool.shutdown();
        }
        int created = 0;
        for (Future<HttpResponse<Map>> f : answers) {
            HttpResponse<Map> r = f.get();
            assertThat(r.code()).as("answer %s", r.getBody(Map.class).orElse(null)).isIn(201, 422);
            if (r.code() == 201) {
                created++;
            } else {
                assertThat(r.getBody(Map.class).orElseThrow().get("constraint")).isEqualTo("LINK_BANDWIDTH");
            }
        }
        assertThat(created).as("three 300 Mbit/s chains fit a 1000 Mbit/s link").isEqualTo(3);

        String border = P + "e1|" + P + "w2";
        try (Connection db = TwoDomains.database()) {
            Map<String, double[]> links = new HashMap<>();
            try (ResultSet rs = db.createStatement().executeQuery("SELECT link_key, capacity_mbps, reserved_mbps FROM link WHERE link_key LIKE '"
                    + P + "%'")) {
                while (rs.next()) {
                    links.put(rs.getString(1), new double[] {rs.getDouble(2), rs.getDouble(3)});
                }
            }
            assertThat(links).containsKeys(border, P + "w1|" + P + "w2", P + "e1|" + P + "e2");
            links.forEach((k, v) -> assertThat(v[1]).as("link %s not overbooked", k).isLessThanOrEqualTo(v[0]));
            assertThat(links.get(border)[1]).isEqualTo(created * MBPS);
            // what each link holds is what the chains holding capacity hold on it, row by row
            try (ResultSet rs = db.createStatement().executeQuery("SELECT l.link_key, l.reserved_mbps, (SELECT COALESCE(SUM(cl.mbps), 0) "
                    + "FROM chain_link cl JOIN chain c ON c.id = cl.chain_id WHERE cl.link_key = l.link_key "
                    + "AND c.state IN ('SETTING_UP', 'ACTIVE', 'DEGRADED', 'SUBSTITUTING', 'TEARING_DOWN')) FROM link l "
                    + "WHERE l.link_key LIKE '" + P + "%'")) {
                while (rs.next()) {
                    assertThat(rs.getDouble(2)).as("link %s", rs.getString(1)).isEqualTo(rs.getDouble(3));
                }
            }
        }
        assertThat(registry.linkDrift()).as("the read model agrees with the ledger").isEmpty();
    }
}
