package org.chainmarket.broker;

import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database whose chains were stored before links were a ledger (migrated to V2, then filled as that broker left
 * it) is migrated to now: the chains that still hold capacity hold their paths' links in the ledger, the others
 * nothing, and each link's counter is what its chains hold.
 */
class LinkLedgerBackfillTest {
    static final String[] LOCATIONS = {"classpath:db/migration", "classpath:org/chainmarket/broker/store/migration"};

    @Test
    void chainsStoredBeforeTheLinkLedgerHoldTheirLinksOnceMigrated() throws Exception {
        Map<String, String> p = Infra.brokerProperties();
        String database = "backfill_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection admin = DriverManager.getConnection(p.get("datasources.default.url"), p.get("datasources.default.username"),
                p.get("datasources.default.password")); Statement s = admin.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
        String url = p.get("datasources.default.url").replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1");
        Flyway.configure().dataSource(url, p.get("datasources.default.username"), p.get("datasources.default.password"))
                .locations(LOCATIONS).target("2").load().migrate();

        try (Connection db = DriverManager.getConnection(url, p.get("datasources.default.username"), p.get("datasources.default.password"))) {
            provider(db, "bf-west", """
                    {"providerId": "bf-west", "name": "West", "switches": [{"switchId": "a"}, {"switchId": "b"}, {"switchId": "c"}],
                     "sites": [{"siteId": "site-a", "switchId": "a", "cpuCores": 8, "memoryGb": 16}],
                     "links": [{"from": "a", "to": "b", "latencyMs": 1, "bandwidthMbps": 1000},
                               {"from": "b", "to": "c", "latencyMs": 1, "bandwidthMbps": 1000},
                               {"from": "a", "to": "c", "latencyMs": 3, "bandwidthMbps": 1000}],
                     "borderLinks": [{"localSwitch": "c", "remoteProvider": "bf-east", "remoteSwitch": "x", "latencyMs": 2, "bandwidthMbps": 500}]}""");
            provider(db, "bf-east", """
                    {"providerId": "bf-east", "name": "East", "switches": [{"switchId": "x"}, {"switchId": "y"}],
                     "sites": [{"siteId": "site-y", "switchId": "y", "cpuCores": 8, "memoryGb": 16}],
                     "links": [{"from": "x", "to": "y", "latencyMs": 1, "bandwidthMbps": 1000}],
                     "borderLinks": [{"localSwitch": "x", "remoteProvider": "bf-west", "remoteSwitch": "c", "latencyMs": 2, "bandwidthMbps": 500}]}""");
            // a → b → c → x → y
            chain(db, "active", "ACTIVE", 100, path("a", "b", "c", "x", "y"), null);
            // out to y and back over the same links: each crossed twice
            chain(db, "there-and-back", "ACTIVE", 50, path("a", "b", "c", "x", "y", "x", "c"), null);
            // being moved from a → b → c to a → c: holds the larger of both per link
            chain(db, "moving", "SUBSTITUTING", 10, path("a", "b", "c"), path("a", "c"));
            chain(db, "tearing-down", "TEARING_DOWN", 5, path("c", "x"), null);
            chain(db, "ended", "TERMINATED", 300, path("a", "b", "c", "x"), null);
            chain(db, "failed", "FAILED", 300, path("a", "c"), null);
        }

        Flyway.configure().dataSource(url, p.get("datasources.default.username"), p.get("datasources.default.password"))
                .locations(LOCATIONS).load().migrate();

        try (Connection db = DriverManager.getConnection(url, p.get("datasources.default.username"), p.get("datasources.default.password"))) {
            assertThat(rows(db, "SELECT chain_id, link_key, mbps FROM chain_link ORDER BY chain_id, link_key")).containsExactly(
                    "active a|b 100", "active b|c 100", "active c|x 100", "active x|y 100",
                    "moving a|b 10", "moving a|c 10", "moving b|c 10",
                    "tearing-down c|x 5",
                    "there-and-back a|b 50", "there-and-back b|c 50", "there-and-back c|x 100", "there-and-back x|y 100");
            assertThat(rows(db, "SELECT link_key, reserved_mbps, capacity_mbps FROM link ORDER BY link_key")).containsExactly(
                    "a|b 160 1000", "a|c 10 1000", "b|c 160 1000", "c|x 205 500", "x|y 200 1000");
            assertThat(rows(db, "SELECT l.link_key FROM link l WHERE l.reserved_mbps <> (SELECT COALESCE(SUM(mbps), 0) FROM chain_link cl "
                    + "WHERE cl.link_key = l.link_key)")).as("links whose counter is not what their chains hold").isEmpty();
        }
    }

    private static void provider(Connection db, String id, String domainJson) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("INSERT INTO provider (id, name, domain_json, updated_at) VALUES (?, ?, ?, now())")) {
            s.setString(1, id);
            s.setString(2, id);
            s.setString(3, domainJson);
            s.executeUpdate();
        }
    }

    /** A chain as the broker before the link ledger stored it; {@code after} the path of its applying substitution. */
    private static void chain(Connection db, String id, String state, double mbps, ConcreteChain concrete, ConcreteChain after) throws SQLException {
        String substitution = after == null ? null : "sub-" + id;
        try (PreparedStatement s = db.prepareStatement("INSERT INTO chain (id, buyer_id, state, order_json, concrete_json, bandwidth_mbps, "
                + "created_at, updated_at, substitution_id) VALUES (?, 'bf-buyer', ?, '{}', ?, ?, now(), now(), ?)")) {
            s.setString(1, id);
            s.setString(2, state);
            s.setString(3, Json.text(concrete));
            s.setDouble(4, mbps);
            s.setString(5, substitution);
            s.executeUpdate();
        }
        if (after != null) {
            try (PreparedStatement s = db.prepareStatement("INSERT INTO substitution (id, chain_id, buyer_id, policy, status, trigger_kind, "
                    + "trigger_subject, trigger_json, before_json, after_json, changed_hops, triggered_at, updated_at) "
                    + "VALUES (?, ?, 'bf-buyer', 'AUTOMATIC', 'APPLYING', 'LINK', 'a|b', '{}', ?, ?, '', now(), now())")) {
                s.setString(1, substitution);
                s.setString(2, id);
                s.setString(3, Json.text(concrete));
                s.setString(4, Json.text(after));
                s.executeUpdate();
            }
        }
    }

    /** A one-hop chain (its firewall at the first switch) along {@code switches}. */
    private static ConcreteChain path(String... switches) {
        List<ConcreteChain.PathNode> path = new ArrayList<>();
        for (int i = 0; i < switches.length; i++) {
            path.add(new ConcreteChain.PathNode(switches[i], ProviderId.of(switches[i].compareTo("x") < 0 ? "bf-west" : "bf-east"), i == 0 ? 0 : null));
        }
        return new ConcreteChain(List.of(new ConcreteChain.Hop(0, "firewall", OfferId.of("bf-fw"), ProviderId.of("bf-west"), "site-a",
                "a", 0.1, 1)), path, List.of(), 10, 1);
    }

    private static List<String> rows(Connection db, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> cells = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    cells.add(rs.getString(i));
                }
                out.add(String.join(" ", cells));
            }
        }
        return out;
    }
}
