package org.chainmarket.broker;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.chainmarket.broker.chain.AckHearing;
import org.chainmarket.broker.registry.Registry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Orders reserve while buyers end chains and the deadline sweep fails the chains no domain answers (every 50 ms,
 * each sweep releasing many chains' offers and links in one transaction): every reservation and release takes the
 * shared counters in one global order, so PostgreSQL detects no deadlock, every request is answered 201, 202 or 422,
 * and once everything has ended nothing is held.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConcurrentReserveReleaseTest implements TestPropertyProvider {
    static final String P = "rr";
    @Inject
    @Client("/")
    HttpClient http;
    @Inject
    Registry registry;
    @Inject
    AckHearing hearing;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(Callers.properties());
        // many requests at once on a shared 2-core machine: a slow answer is not a wrong one
        p.put("micronaut.http.client.read-timeout", "120s");
        p.put("chainmarket.delivery-timeout", "300ms");
        p.put("chainmarket.delivery-patience", "2s");
        p.put("chainmarket.deadline-sweep-interval", "50ms");
        return p;
    }

    @Test
    void ordersEndingsAndTheDeadlineSweepNeverDeadlock() throws Exception {
        TwoDomains.register(http, P, 2000, 4, 400);
        // the delivery timeout counts only while the broker hears a domain's answers: once its acknowledgement
        // consumers hold the new providers' topics (until then a chain waits up to the delivery patience)
        await().atMost(Duration.ofSeconds(60)).until(() -> hearing.hearing() != null
                && hearing.hearing().keySet().containsAll(List.of(P + "-west", P + "-east")));
        long deadlocksBefore = deadlocks();
        ConcurrentLinkedQueue<String> created = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Integer> orders = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Integer> endings = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<?>> buyers = new ArrayList<>();
        List<Future<?>> enders = new ArrayList<>();
        AtomicBoolean ordering = new AtomicBoolean(true);
        for (int t = 0; t < 12; t++) {
            double mbps = 100 + 50 * (t % 4);
            buyers.add(pool.submit(() -> {
                for (int i = 0; i < 15; i++) {
                    HttpResponse<Map> r = TwoDomains.exchange(http, HttpRequest.POST("/api/v1/chains", TwoDomains.order(P, mbps))
                            .contentType(MediaType.APPLICATION_JSON));
                    orders.add(r.code());
                    r.getBody(Map.class).filter(b -> r.code() == 201).ifPresent(b -> created.add((String) b.get("chainId")));
                }
            }));
        }
        for (int t = 0; t < 4; t++) {
            enders.add(pool.submit(() -> {
                while (ordering.get() || !created.isEmpty()) {
                    String id = created.poll();
                    if (id == null) {
                        Thread.sleep(20);
                        continue;
                    }
                    // every other chain is ended by its buyer; the others fail at their delivery deadline
                    if (id.hashCode() % 2 == 0) {
                        continue;
                    }
                    endings.add(TwoDomains.exchange(http, HttpRequest.DELETE("/api/v1/chains/" + id)).code());
                }
                return null;
            }));
        }
        for (Future<?> f : buyers) {
            f.get();
        }
        ordering.set(false);
        for (Future<?> f : enders) {
            f.get();
        }
        pool.shutdown();
        assertThat(orders).as("every order answered").hasSize(12 * 15);
        assertThat(orders).as("no order failed").allSatisfy(s -> assertThat(s).isIn(201, 422));
        assertThat(orders).as("some orders fit, some not").contains(201, 422);
        assertThat(endings).as("ended chains").isNotEmpty().allSatisfy(s -> assertThat(s).isEqualTo(202));

        try (Connection db = TwoDomains.database()) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                try (ResultSet rs = db.createStatement().executeQuery("SELECT count(*) FROM chain WHERE buyer_id = '" + P
                        + "-buyer' AND state IN ('SETTING_UP', 'ACTIVE', 'DEGRADED', 'SUBSTITUTING', 'TEARING_DOWN')")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("chains still holding capacity").isZero();
                }
            });
            try (ResultSet rs = db.createStatement().executeQuery("SELECT count(*) FROM chain WHERE buyer_id = '" + P
                    + "-buyer' AND state = 'FAILED' AND reason LIKE '%did not acknowledge the set-up within 0.3 s'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("chains failed by the timeout counted from when their commands reached Kafka").isPositive();
            }
            try (ResultSet rs = db.createStatement().executeQuery("SELECT (SELECT COALESCE(SUM(reserved_mbps), 0) FROM offer WHERE id LIKE '"
                    + P + "-%'), (SELECT COALESCE(SUM(reserved_chains), 0) FROM offer WHERE id LIKE '" + P + "-%'), "
                    + "(SELECT COALESCE(SUM(reserved_mbps), 0) FROM link WHERE link_key LIKE '" + P + "%')")) {
                rs.next();
                assertThat(rs.getDouble(1)).as("offer Mbit/s held").isZero();
                assertThat(rs.getInt(2)).as("offer chains held").isZero();
                assertThat(rs.getDouble(3)).as("link Mbit/s held").isZero();
            }
        }
        assertThat(deadlocks() - deadlocksBefore).as("deadlocks PostgreSQL detected").isZero();
        assertThat(registry.linkDrift()).isEmpty();
    }

    /** How many deadlocks PostgreSQL has detected in this database (its statistics are flushed about once a second). */
    private static long deadlocks() throws Exception {
        Thread.sleep(1500);
        try (Connection db = TwoDomains.database(); ResultSet rs = db.createStatement()
                .executeQuery("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
