package org.chainmarket.broker;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL stops under the broker and comes back. While it is away every order and read is answered 503 with
 * Retry-After, as a problem, promptly (the HTTP client gives up after a few seconds, so a hanging request fails the
 * test); none of those orders becomes a chain once the database is back, and retried under their keys they are
 * placed then, once each. Kafka stays up meanwhile.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoreOutageTest implements TestPropertyProvider {
    static final String P = "so";
    @Inject
    @Client("/")
    HttpClient http;
    private RestartablePostgres postgres;

    @Override
    public Map<String, String> getProperties() {
        try {
            postgres = new RestartablePostgres();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> p = new HashMap<>(Callers.properties());
        p.put("datasources.default.url", postgres.jdbcUrl());
        p.put("datasources.default.username", "postgres");
        p.put("datasources.default.password", "postgres");
        // a request left waiting on the database fails the test instead of hanging
        p.put("micronaut.http.client.read-timeout", "8s");
        return p;
    }

    @AfterAll
    void stopPostgres() throws IOException {
        postgres.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void ordersWhileThePostgresIsDownAreRefusedAtOnceAndNeverPlaced() throws Exception {
        TwoDomains.register(http, P, 10000, 1, 100000);
        try (AckingDomains domains = new AckingDomains(Infra.bootstrapServers(), P)) {
            HttpResponse<Map> before = order(UUID.randomUUID().toString());
            assertThat(before.code()).isEqualTo(201);
            String first = (String) before.getBody(Map.class).orElseThrow().get("chainId");
            await().atMost(Duration.ofSeconds(30)).until(() -> state(first), "ACTIVE"::equals);

            postgres.stop();
            List<String> keys = new ArrayList<>();
            List<Long> millis = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String key = UUID.randomUUID().toString();
                keys.add(key);
                long t0 = System.nanoTime();
                HttpResponse<Map> r = order(key);
                millis.add((System.nanoTime() - t0) / 1_000_000);
                assertThat(r.code()).as("order %d while PostgreSQL is down: %s", i, r.getBody(Map.class).orElse(null)).isEqualTo(503);
                assertThat(r.getHeaders().get("Retry-After")).as("says when to retry").isNotBlank();
                assertThat(r.getContentType().map(MediaType::toString)).hasValue("application/problem+json");
                assertThat((String) r.getBody(Map.class).orElseThrow().get("type")).endsWith("/store-unavailable");
            }
            HttpResponse<Map> read = TwoDomains.exchange(http, HttpRequest.GET("/api/v1/chains/" + first));
            assertThat(read.code()).as("a read needs the database too").isEqualTo(503);
            System.out.println("orders answered while PostgreSQL was down (ms, in order): " + millis);

            postgres.start();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> TwoDomains.exchange(http, HttpRequest.GET("/api/v1/chains/" + first)).code() == 200);
            try (Connection db = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "postgres");
                 PreparedStatement q = db.prepareStatement("SELECT count(*) FROM chain WHERE idempotency_key = ANY (?)")) {
                q.setArray(1, db.createArrayOf("varchar", keys.toArray()));
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("orders answered 503 that became chains").isZero();
                }
            }
            assertThat(state(first)).as("the chain placed before the outage").isEqualTo("ACTIVE");
            for (String key : keys) {
                HttpResponse<Map> again = order(key);
                assertThat(again.code()).as("retried under its key once PostgreSQL is back").isEqualTo(201);
                assertThat(again.getHeaders().get("Idempotent-Replayed")).as("placed now, not answered from before").isNull();
                assertThat(order(key).getHeaders().get("Idempotent-Replayed")).as("and only once").isEqualTo("true");
            }
        }
    }

    private HttpResponse<Map> order(String key) {
        return TwoDomains.exchange(http, HttpRequest.POST("/api/v1/chains", TwoDomains.order(P, 10)).contentType(MediaType.APPLICATION_JSON)
                .header("Idempotency-Key", key));
    }

    private String state(String id) {
        return (String) TwoDomains.exchange(http, HttpRequest.GET("/api/v1/chains/" + id)).getBody(Map.class).orElseThrow().get("state");
    }
}
