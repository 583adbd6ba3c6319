package org.chainmarket.deploy;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.chainmarket.broker.registry.MarketReadModel;
import org.chainmarket.deploy.demo.DemoMarket;
import org.chainmarket.schemas.events.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up warm-up runs the order and substitution paths and leaves the market as it was: no chain, no
 * reservation, no outbox row, no quote, no event or domain command published, the read model unchanged.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WarmUpTest {
    /** What the order path writes: tables, and the topic families it publishes to. */
    private static final List<String> TABLES = List.of("chain", "chain_domain", "chain_reservation", "chain_link", "chain_change",
            "outbox", "command_delivery", "substitution", "quote", "usage_segment", "operator_action", "placement_rejection", "account");
    private static final List<String> TOPICS = List.of(Topics.CHAIN_EVENTS, Topics.DOMAIN_COMMANDS, Topics.SUBSTITUTIONS, Topics.USAGE);
    static Marketplace market;
    static Api api;

    @BeforeAll
    static void start() {
        // the warm-up runs at start, as it does by default (the other tests' marketplaces skip it)
        market = Marketplace.start(DemoMarket.abilene(), Map.of("micronaut.server.port", "-1", Marketplace.WARM_UP_ROUNDS, String.valueOf(WarmUp.DEFAULT_ROUNDS)));
        api = new Api(market.url());
    }

    @AfterAll
    static void stop() {
        market.close();
    }

    @Test
    @Order(1)
    void aMarketplaceWarmedUpAtStartHoldsNoChainNorReservationNorEvent() throws Exception {
        Map<String, Object> state = state();
        TABLES.stream().filter(t -> !t.equals("account")).forEach(t -> assertThat(state.get(t)).as("rows in %s", t).isEqualTo(0L));
        assertThat(state.get("offers holding capacity")).isEqualTo(0L);
        assertThat(state.get("links holding capacity")).isEqualTo(0L);
        assertThat(state.entrySet()).filteredOn(e -> e.getKey().startsWith("topic ")).as("records published by the order path")
                .allSatisfy(e -> assertThat(e.getValue()).as(e.getKey()).isEqualTo(0L));
        assertThat(api.get("/api/v1/chains").body()).as("the buyer's chains").isEmpty();
    }

    @Test
    @Order(2)
    void warmUpRunsOrdersTransactionsAndChangesNothing() throws Exception {
        Map<String, Object> before = state();

        int ordered = new WarmUp(market.brokerContext(), market.url()).run(5);

        assertThat(ordered).as("orders selected, written and rolled back").isEqualTo(5);
        assertThat(state()).isEqualTo(before);

        // what the comparison sees: a real order changes it, and still becomes ACTIVE after a warm-up
        Api.Response created = api.post("/api/v1/chains", Api.order("seattle", "new-york", 10, 200, 100, "firewall", "dpi", "nat"));
        assertThat(created.status()).isEqualTo(201);
        String id = created.body().get("chainId").asText();
        api.awaitState(id, "ACTIVE");
        Map<String, Object> after = state();
        assertThat(after.get("chain")).isEqualTo(1L);
        assertThat(after.get("topic " + Topics.CHAIN_EVENTS)).isNotEqualTo(0L);
        assertThat(api.delete("/api/v1/chains/" + id).status()).isEqualTo(202);
        api.awaitState(id, "TERMINATED");
    }

    /** Rows per table, every offer's and link's reservation and version, the read model's, and records per order-path topic. */
    private static Map<String, Object> state() throws Exception {
        Map<String, Object> out = new TreeMap<>();
        var ctx = market.brokerContext();
        try (Connection c = DriverManager.getConnection(ctx.getRequiredProperty("datasources.default.url", String.class),
                ctx.getRequiredProperty("datasources.default.username", String.class),
                ctx.getRequiredProperty("datasources.default.password", String.class));
             Statement s = c.createStatement()) {
            for (String table : TABLES) {
                try (ResultSet r = s.executeQuery("SELECT count(*) FROM " + table)) {
                    r.next();
                    out.put(table, r.getLong(1));
                }
            }
            out.put("offers holding capacity", text(s, "SELECT count(*) FROM offer WHERE reserved_mbps > 0 OR reserved_chains > 0"));
            out.put("links holding capacity", text(s, "SELECT count(*) FROM link WHERE reserved_mbps > 0"));
            out.put("offers", text(s, "SELECT id, reserved_mbps, reserved_chains, version FROM offer ORDER BY id"));
            out.put("links", text(s, "SELECT link_key, reserved_mbps, version FROM link ORDER BY link_key"));
        }
        MarketReadModel model = ctx.getBean(MarketReadModel.class);
        out.put("read model offers", model.snapshot().offers().stream()
                .map(o -> o.offer().offerId().value() + " " + o.reservedMbps() + " " + o.reservedChains()).sorted().toList());
        out.put("read model links", new TreeMap<>(model.linkReservations()));
        Map<String, Object> config = new HashMap<>(market.kafka().admin());
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, market.bootstrapServers());
        try (Admin admin = Admin.create(config)) {
            List<String> topics = admin.listTopics().names().get().stream()
                    .filter(t -> TOPICS.contains(t) || TOPICS.contains(Topics.familyOf(t))).toList();
            Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(topics).allTopicNames().get().values().stream()
                    .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                    .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
            admin.listOffsets(latest).all().get().forEach((p, o) -> out.merge("topic " + p.topic(), o.offset(), (a, b) -> (Long) a + (Long) b));
        }
        assertThat(out.keySet()).as("the order-path topics found").anyMatch(k -> k.startsWith("topic " + Topics.DOMAIN_COMMANDS + "."));
        return out;
    }

    /** A one-column count as a long, or every row as a line of its columns. */
    private static Object text(Statement s, String sql) throws Exception {
        StringBuilder b = new StringBuilder();
        try (ResultSet r = s.executeQuery(sql)) {
            int n = r.getMetaData().getColumnCount();
            if (sql.startsWith("SELECT count(*)")) {
                r.next();
                return r.getLong(1);
            }
            while (r.next()) {
                for (int i = 1; i <= n; i++) {
                    b.append(i == 1 ? "" : " ").append(r.getString(i));
                }
                b.append('\n');
            }
        }
        return b.toString();
    }
}
