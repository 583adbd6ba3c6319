package org.chainmarket.deploy.experiments;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.chainmarket.deploy.DemoRequests;
import org.chainmarket.deploy.Marketplace;
import org.chainmarket.schemas.kafka.KafkaClients;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The irreducible parts of an order on this machine, timed in the same run as the orders so that their latency can be
 * read as a ratio to it: an HTTP round trip to the broker with the order's body (an authenticated POST to a route
 * that does not exist: the server's HTTP, security and error path, no work), the two PostgreSQL transactions an
 * order needs at least (the order: chain row, a reservation row per hop, an outbox row per crossed domain and the
 * set-up event; the activation: the chain's state, the acknowledgement recorded, the activated event) with the sizes
 * the real ones had, on the broker's database through one open connection, and a Kafka produce → consume round trip
 * (command out, acknowledgement back, each at the size the real ones had) with the marketplace's client settings
 * ({@link KafkaClients}: acks=all, idempotent, no linger; read_committed; the broker's fetch.max.wait.ms 500).
 *
 * <p>POST → 201 needs at least one HTTP round trip and the order's transaction; POST → ACTIVE adds the command to the
 * domain and its acknowledgement back (one Kafka round trip), the activation transaction and the activated event's
 * trip to the reader (half a round trip).
 */
final class Floor {
    private static final String PING = "chainmarket.floor.ping";
    private static final String PONG = "chainmarket.floor.pong";

    /** Sizes in bytes of what a real order wrote and sent, measured in the same run. */
    record Sizes(int order, int chain, int command, int ack, int event, int domains, int hops) {
    }

    /** Per part, the measured times in ns. */
    record Parts(long[] http, long[] orderTx, long[] activationTx, long[] kafkaRoundTrip) {
        long p50(long[] ns) {
            return new LatencySummary(ns).percentile(50);
        }

        /** The floor of POST → 201: an HTTP round trip and the order's transaction (medians). */
        long created() {
            return p50(http) + p50(orderTx);
        }

        /** The floor of POST → ACTIVE: that, a Kafka round trip, the activation transaction and half a round trip. */
        long active() {
            return created() + p50(kafkaRoundTrip) * 3 / 2 + p50(activationTx);
        }
    }

    private Floor() {
    }

    static Parts measure(Marketplace market, String orderBody, Sizes sizes, int n) throws Exception {
        return new Parts(http(market, orderBody, n), postgres(market, sizes, n, true), postgres(market, sizes, n, false), kafka(market, sizes, n));
    }

    private static long[] http(Marketplace market, String orderBody, int n) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI probe = URI.create(market.url() + "/api/v1/floor-probe");
        long[] ns = new long[n];
        for (int i = -n / 5; i < n; i++) {
            long start = System.nanoTime();
            HttpResponse<String> r = http.send(DemoRequests.to(probe).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(orderBody)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 404) {
                throw new IllegalStateException("the floor's probe was answered " + r.statusCode() + ": " + r.body());
            }
            if (i >= 0) {
                ns[i] = System.nanoTime() - start;
            }
        }
        return ns;
    }

    /** The order's transaction ({@code order} true) or the activation's, {@code n} times, in a schema of their own. */
    private static long[] postgres(Marketplace market, Sizes sizes, int n, boolean order) throws Exception {
        var ctx = market.brokerContext();
        try (Connection c = DriverManager.getConnection(ctx.getRequiredProperty("datasources.default.url", String.class),
                ctx.getProperty("datasources.default.username", String.class).orElse(null),
                ctx.getProperty("datasources.default.password", String.class).orElse(null))) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA IF NOT EXISTS floor");
                s.execute("CREATE TABLE IF NOT EXISTS floor.chain (id VARCHAR(64) PRIMARY KEY, state VARCHAR(16), order_json TEXT, concrete_json TEXT)");
                s.execute("CREATE TABLE IF NOT EXISTS floor.reservation (chain_id VARCHAR(64), hop INT, mbps DOUBLE PRECISION, PRIMARY KEY (chain_id, hop))");
                s.execute("CREATE TABLE IF NOT EXISTS floor.outbox (id VARCHAR(64) PRIMARY KEY, payload TEXT)");
                s.execute("CREATE TABLE IF NOT EXISTS floor.processed (id VARCHAR(64) PRIMARY KEY)");
            }
            c.setAutoCommit(false);
            String orderJson = "x".repeat(sizes.order());
            String chainJson = "x".repeat(sizes.chain());
            String command = "x".repeat(sizes.command());
            String event = "x".repeat(sizes.event());
            long[] ns = new long[n];
            List<String> ids = new java.util.ArrayList<>();
            for (int i = 0; !order && i < n; i++) {
                String id = UUID.randomUUID().toString();
                ids.add(id);
                insertChain(c, id, orderJson, chainJson, sizes);
                c.commit();
            }
            for (int i = -n / 5; i < n; i++) {
                String id = UUID.randomUUID().toString();
                long start = System.nanoTime();
                if (order) {
                    insertChain(c, id, orderJson, chainJson, sizes);
                    try (PreparedStatement o = c.prepareStatement("INSERT INTO floor.outbox (id, payload) VALUES (?, ?)")) {
                        for (int d = 0; d <= sizes.domains(); d++) {
                            o.setString(1, UUID.randomUUID().toString());
                            o.setString(2, d < sizes.domains() ? command : event);
                            o.addBatch();
                        }
                        o.executeBatch();
                    }
                } else {
                    String chain = ids.get(Math.floorMod(i, ids.size()));
                    try (PreparedStatement p = c.prepareStatement("INSERT INTO floor.processed (id) VALUES (?)");
                         PreparedStatement u = c.prepareStatement("UPDATE floor.chain SET state = 'ACTIVE' WHERE id = ?");
                         PreparedStatement o = c.prepareStatement("INSERT INTO floor.outbox (id, payload) VALUES (?, ?)")) {
                        p.setString(1, id);
                        p.executeUpdate();
                        u.setString(1, chain);
                        u.executeUpdate();
                        o.setString(1, UUID.randomUUID().toString());
                        o.setString(2, event);
                        o.executeUpdate();
                    }
                }
                c.commit();
                if (i >= 0) {
                    ns[i] = System.nanoTime() - start;
                }
            }
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA floor CASCADE");
            }
            return ns;
        }
    }

    private static void insertChain(Connection c, String id, String orderJson, String chainJson, Sizes sizes) throws Exception {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO floor.chain (id, state, order_json, concrete_json) VALUES (?, 'SETTING_UP', ?, ?)");
             PreparedStatement r = c.prepareStatement("INSERT INTO floor.reservation (chain_id, hop, mbps) VALUES (?, ?, 10)")) {
            p.setString(1, id);
            p.setString(2, orderJson);
            p.setString(3, chainJson);
            p.executeUpdate();
            for (int h = 0; h < sizes.hops(); h++) {
                r.setString(1, id);
                r.setInt(2, h);
                r.addBatch();
            }
            r.executeBatch();
        }
    }

    /** Command out on one topic, acknowledgement back on another (a thread answers each as it reads it). */
    private static long[] kafka(Marketplace market, Sizes sizes, int n) throws Exception {
        String servers = market.bootstrapServers();
        // the marketplace's Kafka requires SCRAM logins: the floor's clients log in as its super user
        Map<String, Object> login = market.kafka().admin();
        Map<String, Object> adminSettings = new java.util.HashMap<>(login);
        adminSettings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        try (Admin admin = Admin.create(adminSettings)) {
            admin.createTopics(List.of(new NewTopic(PING, 1, (short) 1), new NewTopic(PONG, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                throw e;
            }
        }
        byte[] command = new byte[sizes.command()];
        byte[] ack = new byte[sizes.ack()];
        Map<String, Object> consumerSettings = new java.util.HashMap<>(login);
        consumerSettings.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
        try (KafkaProducer<String, byte[]> broker = KafkaClients.producer(servers, "floor-broker", login);
             KafkaProducer<String, byte[]> domain = KafkaClients.producer(servers, "floor-domain", login);
             KafkaConsumer<String, byte[]> domainReads = consumer(servers, PING, consumerSettings);
             KafkaConsumer<String, byte[]> brokerReads = consumer(servers, PONG, consumerSettings)) {
            Thread responder = new Thread(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        for (ConsumerRecord<String, byte[]> r : domainReads.poll(Duration.ofMillis(100))) {
                            domain.send(new ProducerRecord<>(PONG, r.key(), ack));
                        }
                    }
                } catch (org.apache.kafka.common.errors.InterruptException | org.apache.kafka.common.errors.WakeupException e) {
                    // stopped
                }
            }, "floor-domain");
            responder.setDaemon(true);
            responder.start();
            long[] ns = new long[n];
            for (int i = -n / 5; i < n; i++) {
                String key = UUID.randomUUID().toString();
                long start = System.nanoTime();
                broker.send(new ProducerRecord<>(PING, key, command));
                boolean back = false;
                while (!back) {
                    for (ConsumerRecord<String, byte[]> r : brokerReads.poll(Duration.ofMillis(100))) {
                        back |= r.key().equals(key);
                    }
                    if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(30)) {
                        throw new IllegalStateException("no answer on " + PONG + " in 30 s");
                    }
                }
                if (i >= 0) {
                    ns[i] = System.nanoTime() - start;
                }
            }
            domainReads.wakeup();
            responder.interrupt();
            responder.join(5000);
            return ns;
        }
    }

    private static KafkaConsumer<String, byte[]> consumer(String servers, String topic, Map<String, Object> overrides) {
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaClients.consumerConfig(servers, null, "floor-" + topic, overrides),
                new StringDeserializer(), new ByteArrayDeserializer());
        TopicPartition p = new TopicPartition(topic, 0);
        c.assign(List.of(p));
        c.seekToEnd(List.of(p));
        c.position(p);
        return c;
    }
}
