package org.chainmarket.deploy.embedded;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedInfraTest {
    private static final String TOPIC = "chainmarket.chains.events.v1";

    @Test
    void kafkaBrokerCarriesARecordOnTheMarketplaceTopics() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            createTopic(kafka);
            try (var producer = producer(kafka)) {
                producer.send(new ProducerRecord<>(TOPIC, "chain-1", "hello")).get();
            }
            try (var consumer = consumer(kafka, "t")) {
                List<ConsumerRecord<String, String>> got = new ArrayList<>();
                long until = System.currentTimeMillis() + 20_000;
                while (got.isEmpty() && System.currentTimeMillis() < until) {
                    consumer.poll(Duration.ofMillis(200)).forEach(got::add);
                }
                assertThat(got).extracting(ConsumerRecord::value).containsExactly("hello");
            }
        }
    }

    @Test
    void postgresIsVersion17AndAcceptsConnections() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.start();
             Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
             ResultSet rs = c.createStatement().executeQuery("SHOW server_version")) {
            rs.next();
            assertThat(rs.getString(1)).startsWith("17.");
        }
    }

    @Test
    void kafkaOnADataDirectoryKeepsItsClusterTopicsRecordsAndOffsetsAcrossARestart(@TempDir Path dir) throws Exception {
        String clusterId;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
            createTopic(kafka);
            try (var producer = producer(kafka)) {
                producer.send(new ProducerRecord<>(TOPIC, "chain-1", "first")).get();
            }
            try (var consumer = consumer(kafka, "keeper")) {
                assertThat(poll(consumer, 1)).containsExactly("first");
                consumer.commitSync();
            }
            clusterId = clusterId(kafka);
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
            assertThat(clusterId(kafka)).isEqualTo(clusterId);
            try (var producer = producer(kafka)) {
                producer.send(new ProducerRecord<>(TOPIC, "chain-1", "second")).get();
            }
            try (var consumer = consumer(kafka, "keeper")) {
                assertThat(poll(consumer, 1)).as("the group resumes after its committed offset").containsExactly("second");
            }
            try (var consumer = consumer(kafka, "newcomer")) {
                assertThat(poll(consumer, 2)).containsExactly("first", "second");
            }
        }
        assertThat(dir.resolve("meta.properties")).exists();
    }

    @Test
    void postgresOnADataDirectoryKeepsCommittedRowsAcrossARestart(@TempDir Path dir) throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir);
             Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password())) {
            c.createStatement().execute("CREATE TABLE kept (v text)");
            c.createStatement().execute("INSERT INTO kept VALUES ('before restart')");
        }
        assertThat(rows(dir)).containsExactly("before restart");
    }

    @Test
    void postgresLeftRunningByAKilledProcessIsStoppedAndItsDataReopened(@TempDir Path dir) throws Exception {
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PostgresHolder.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream()))) {
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.equals(PostgresHolder.READY));
            assertThat(line).as("the holder process started PostgreSQL").isEqualTo(PostgresHolder.READY);
        }
        holder.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        long postmaster = Long.parseLong(Files.readAllLines(dir.resolve("postmaster.pid")).get(0).trim());
        assertThat(ProcessHandle.of(postmaster)).as("the killed process left its PostgreSQL running").isPresent();

        assertThat(rows(dir)).containsExactly("written by a process killed with -9");
        assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
    }

    /** Starts PostgreSQL on a data directory again and reads table {@code kept}. */
    private static List<String> rows(Path dir) throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir);
             Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
             ResultSet rs = c.createStatement().executeQuery("SELECT v FROM kept")) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }

    @Test
    void kafkaRefusesAClientWithoutCredentialsOrWithAWrongPassword() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            createTopic(kafka);
            Map<String, Object> plain = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 3000);
            try (var producer = new KafkaProducer<>(plain, new StringSerializer(), new StringSerializer())) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(TOPIC, "chain-1", "anonymous")).get())
                        .as("a client without SASL gets no metadata").hasRootCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
            }
            Map<String, Object> wrong = new HashMap<>(kafka.adminSettings());
            wrong.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"admin\" password=\"guess\";");
            wrong.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            wrong.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10000);
            try (var producer = new KafkaProducer<>(wrong, new StringSerializer(), new StringSerializer())) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(TOPIC, "chain-1", "guessed")).get())
                        .hasRootCauseInstanceOf(SaslAuthenticationException.class);
            }
            try (var consumer = consumer(kafka, "reader")) {
                List<TopicPartition> partitions = consumer.partitionsFor(TOPIC).stream()
                        .map(p -> new TopicPartition(TOPIC, p.partition())).toList();
                assertThat(consumer.endOffsets(partitions).values()).as("nothing was written").containsOnly(0L);
            }
        }
    }

    @Test
    void aKeptLogKeepsItsAdminCredentialsForAnotherProcess(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
            assertThat(EmbeddedKafka.adminSettings(dir)).isEqualTo(kafka.adminSettings());
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
            createTopic(kafka);
            assertThat(clusterId(kafka)).isNotBlank();
        }
    }

    private static String clusterId(EmbeddedKafka kafka) throws Exception {
        try (var admin = Admin.create(settings(kafka))) {
            return admin.describeCluster().clusterId().get(20, TimeUnit.SECONDS);
        }
    }

    private static KafkaProducer<String, String> producer(EmbeddedKafka kafka) {
        return new KafkaProducer<>(settings(kafka), new StringSerializer(), new StringSerializer());
    }

    private static void createTopic(EmbeddedKafka kafka) throws Exception {
        try (Admin admin = Admin.create(settings(kafka))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get();
        }
    }

    private static KafkaConsumer<String, String> consumer(EmbeddedKafka kafka, String group) {
        Map<String, Object> config = settings(kafka);
        config.putAll(Map.of(ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"));
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(TOPIC));
        return consumer;
    }

    /** The super user's client settings. */
    private static Map<String, Object> settings(EmbeddedKafka kafka) {
        Map<String, Object> p = new HashMap<>(kafka.adminSettings());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return p;
    }

    /** Polls until {@code n} values arrived (or 20 s passed), then half a second more to catch any extra one. */
    private static List<String> poll(KafkaConsumer<String, String> consumer, int n) {
        List<String> got = new ArrayList<>();
        long until = System.currentTimeMillis() + 20_000;
        while (got.size() < n && System.currentTimeMillis() < until) {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> got.add(r.value()));
        }
        consumer.poll(Duration.ofMillis(500)).forEach(r -> got.add(r.value()));
        return got;
    }
}
