package org.chainmarket.deploy.testinfra;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.chainmarket.deploy.embedded.EmbeddedKafka;
import org.chainmarket.deploy.embedded.EmbeddedPostgres;
import org.chainmarket.deploy.embedded.KafkaServer;
import org.chainmarket.deploy.embedded.PostgresServer;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class TestInfrastructureTest {

    @Test
    void theInfrastructureRunsInContainersExactlyWhenTheEngineAndTheImagesAreThereUnlessForced() throws Exception {
        String asked = System.getProperty(TestInfrastructure.PROPERTY, System.getenv().getOrDefault(TestInfrastructure.ENV, "auto"));
        String missing = TestInfrastructure.containersMissing();
        TestInfrastructure.Mode expected = switch (asked) {
            case "embedded" -> TestInfrastructure.Mode.EMBEDDED;
            case "containers" -> TestInfrastructure.Mode.CONTAINERS;
            default -> missing == null ? TestInfrastructure.Mode.CONTAINERS : TestInfrastructure.Mode.EMBEDDED;
        };
        assertThat(TestInfrastructure.mode()).as("asked %s; what containers lack: %s", asked, missing).isEqualTo(expected);
        try (KafkaServer kafka = TestInfrastructure.kafka(); PostgresServer pg = TestInfrastructure.postgres()) {
            if (expected == TestInfrastructure.Mode.CONTAINERS) {
                assertThat(kafka).isInstanceOf(ContainerKafka.class);
                assertThat(pg).isInstanceOf(ContainerPostgres.class);
                kafkaAndPostgresInContainersFromTheProjectsImagesServe((ContainerKafka) kafka, (ContainerPostgres) pg);
            } else {
                assertThat(kafka).isInstanceOf(EmbeddedKafka.class);
                assertThat(pg).isInstanceOf(EmbeddedPostgres.class);
            }
        }
    }

    @Test
    void whereDockerHoldsTheImagesTheTestsGetContainersUnlessAskedOtherwise() {
        String missing = TestInfrastructure.containersMissing();
        assumeTrue(missing == null, () -> "containers cannot run here (" + missing + "): the embedded servers serve the tests");
        String asked = System.getProperty(TestInfrastructure.PROPERTY, System.getenv().getOrDefault(TestInfrastructure.ENV, "auto"));
        assumeTrue(!asked.equals("embedded"), "embedded servers asked for");
        assertThat(TestInfrastructure.mode()).isEqualTo(TestInfrastructure.Mode.CONTAINERS);
    }

    /** The servers in the containers are the project's images' and serve as the tests need. */
    private static void kafkaAndPostgresInContainersFromTheProjectsImagesServe(ContainerKafka kafka, ContainerPostgres pg) throws Exception {
        var docker = DockerClientFactory.lazyClient();
        {
            assertThat(docker.inspectContainerCmd(kafka.containerId()).exec().getConfig().getImage()).isEqualTo(ContainerKafka.IMAGE);
            assertThat(docker.inspectContainerCmd(pg.containerId()).exec().getConfig().getImage()).isEqualTo(ContainerPostgres.IMAGE);

            Map<String, Object> admin = new HashMap<>(kafka.adminSettings());
            admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            try (Admin a = Admin.create(admin)) {
                assertThat(a.describeCluster().clusterId().get(30, TimeUnit.SECONDS)).as("the node in the container answers")
                        .isEqualTo(kafka.clusterId());
                a.createTopics(List.of(new NewTopic("chainmarket.chains.events.v1", 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            admin.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
            try (var producer = new KafkaProducer<>(admin, new StringSerializer(), new StringSerializer())) {
                assertThat(producer.send(new ProducerRecord<>("chainmarket.chains.events.v1", "chain-1", "hello")).get().offset()).isZero();
            }
            Map<String, Object> anonymous = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 3000);
            try (var producer = new KafkaProducer<>(anonymous, new StringSerializer(), new StringSerializer())) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> producer.send(new ProducerRecord<>("chainmarket.chains.events.v1", "x", "y")).get())
                        .as("a client without SASL gets nothing from the node in the container").isNotNull();
            }

            try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
                 ResultSet rs = c.createStatement().executeQuery("SELECT current_setting('server_version'), current_setting('data_directory'), current_database()")) {
                rs.next();
                assertThat(rs.getString(1)).startsWith("17.");
                assertThat(rs.getString(2)).as("the cluster lives in the container").isEqualTo("/var/lib/postgresql/tmpfs/data");
                assertThat(rs.getString(3)).isEqualTo(EmbeddedPostgres.DATABASE);
            }
        }
    }
}
