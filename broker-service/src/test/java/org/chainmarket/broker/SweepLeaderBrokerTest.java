package org.chainmarket.broker;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.chainmarket.broker.cluster.SweepLeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A broker that shares its database with another replica leaving the deadline sweep to it: while the other replica
 * leads, a chain whose domains never answer stays SETTING_UP past its deadline here and the broker's
 * {@code chainmarket_sweeps_leader} is 0; once the other replica stops, this broker takes the sweep over and the chain
 * FAILS.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SweepLeaderBrokerTest implements TestPropertyProvider {
    static final String P = "sw";
    @Inject
    @Client("/")
    HttpClient http;
    private HikariDataSource otherPool;
    private SweepLeader other;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(Callers.properties());
        // the other replica leads before this broker starts
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(p.get("datasources.default.url"));
        c.setUsername(p.get("datasources.default.username"));
        c.setPassword(p.get("datasources.default.password"));
        c.setMaximumPoolSize(1);
        otherPool = new HikariDataSource(c);
        other = new SweepLeader(otherPool);
        assertThat(other.leads()).as("the other replica, first on the database, leads").isTrue();
        return p;
    }

    @AfterAll
    void stopOther() {
        other.close();
        otherPool.close();
    }

    @Test
    void theSweepRunsOnlyOnTheLeaderAndMovesToThisBrokerWhenTheLeaderStops() throws Exception {
        TwoDomains.register(http, P, 1000, 1, 1000);
        HttpResponse<Map> ordered = TwoDomains.exchange(http, HttpRequest.POST("/api/v1/chains", TwoDomains.order(P, 10))
                .contentType(MediaType.APPLICATION_JSON));
        assertThat(ordered.code()).as("answer %s", ordered.getBody(Map.class).orElse(null)).isEqualTo(201);
        String id = (String) ordered.getBody(Map.class).orElseThrow().get("chainId");

        // no domain answers: the chain's delivery deadline passes (its commands reached Kafka)
        await().atMost(Duration.ofSeconds(60)).until(() -> pastDeadline(id));
        // several of this broker's sweep periods (250 ms) later, nobody has swept it: the leader runs no sweep here
        Thread.sleep(2000);
        assertThat(state(id)).isEqualTo("SETTING_UP");
        assertThat(MetricsValue.of(http, "chainmarket_sweeps_leader")).isEqualTo(0);

        other.close();
        await().atMost(Duration.ofSeconds(30)).until(() -> state(id), "FAILED"::equals);
        assertThat(MetricsValue.of(http, "chainmarket_sweeps_leader")).isEqualTo(1);
    }

    private String state(String id) {
        return (String) TwoDomains.exchange(http, HttpRequest.GET("/api/v1/chains/" + id)).getBody(Map.class).orElseThrow().get("state");
    }

    private static boolean pastDeadline(String id) throws Exception {
        try (Connection db = TwoDomains.database();
             PreparedStatement s = db.prepareStatement("SELECT deadline_at < now() FROM chain WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next() && r.getBoolean(1);
            }
        }
    }

    /** A series' value on /prometheus (public). */
    private static final class MetricsValue {
        static double of(HttpClient http, String series) {
            return http.toBlocking().retrieve(HttpRequest.GET("/prometheus")).lines().filter(l -> l.startsWith(series + " "))
                    .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1))).findFirst().orElse(-1);
        }
    }
}
