package org.chainmarket.schemas.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.chainmarket.deploy.embedded.KafkaCluster;
import org.chainmarket.deploy.embedded.TopicTail;
import org.chainmarket.schemas.events.TopicInitializer;
import org.chainmarket.schemas.events.TopicInitializer.Replication;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.ProviderId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Topics are replicated as the cluster allows: on a cluster of three Kafka nodes (each its own JVM) the marketplace's
 * topics and a provider's own topics get three replicas and {@code min.insync.replicas} 2, and with one node killed an
 * {@code acks=all} producer still writes and a reader still reads them.
 */
class ReplicatedTopicsTest {
    private static final ProviderId WEST = ProviderId.of("west");

    @Test
    void replicationFollowsTheNumberOfBrokers() {
        assertThat(Replication.forBrokers(1)).isEqualTo(new Replication((short) 1, 1));
        assertThat(Replication.forBrokers(2)).isEqualTo(new Replication((short) 2, 1));
        assertThat(Replication.forBrokers(3)).isEqualTo(new Replication((short) 3, 2));
        assertThat(Replication.forBrokers(5)).isEqualTo(new Replication((short) 3, 2));
    }

    @Test
    void onThreeNodesEveryTopicHasThreeReplicasAndTwoInSyncAndSurvivesANodeLost(@TempDir Path dir) throws Exception {
        try (KafkaCluster cluster = KafkaCluster.start(dir, 3, List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"))) {
            KafkaAccess access = KafkaAccess.secured(cluster.bootstrapServers(), cluster.adminSettings());
            TopicInitializer.ensureTopics(cluster.bootstrapServers(), 3, access.admin());
            Map<String, Object> west = access.adapter(WEST);
            String acks = Topics.forProvider(Topics.DOMAIN_ACKS, WEST);
            List<String> topics = List.of(acks, Topics.forProvider(Topics.DOMAIN_COMMANDS, WEST), Topics.CHAIN_EVENTS,
                    Topics.dlq(Topics.CHAIN_EVENTS));
            Map<String, Object> settings = new HashMap<>(access.admin());
            settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
            try (Admin admin = Admin.create(settings)) {
                Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
                List<ConfigResource> resources = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
                Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
                for (String t : topics) {
                    assertThat(described.get(t).partitions()).as(t).allSatisfy(p -> assertThat(p.replicas()).as(t).hasSize(3));
                    assertThat(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, t))
                            .get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value()).as(t + " min.insync.replicas").isEqualTo("2");
                }
            }

            cluster.kill(1);
            List<String> sent = new ArrayList<>();
            try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(cluster.bootstrapServers(), "west-adapter", west)) {
                for (int i = 0; i < 6; i++) {
                    String value = "ack-" + i;
                    producer.send(new ProducerRecord<>(acks, "chain-" + i, value.getBytes(StandardCharsets.UTF_8)))
                            .get(60, TimeUnit.SECONDS);
                    sent.add(value);
                }
            }
            try (TopicTail tail = new TopicTail(cluster.bootstrapServers(), access.admin(), acks)) {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(tail.records().stream()
                        .map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList()).containsExactlyInAnyOrderElementsOf(sent));
            }
        }
    }
}
