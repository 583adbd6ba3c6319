package org.chainmarket.deploy.faults;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.core.ConditionTimeoutException;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.ProviderId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * The marketplace as separate processes ({@link ServiceCluster}: three Kafka nodes, PostgreSQL, two broker replicas,
 * monitoring-ingest, three adapter runners), four buyers ordering through both replicas; one Kafka node and the broker
 * replica that runs the sweeps are killed with SIGKILL under that load. Then what {@link Invariants} checks must hold,
 * the domains applied no command twice, the survivors serve and the other replica takes the sweeps over.
 */
class ClusterTest {
    private static final int BUYERS = 4;
    private static final int BEFORE = 10;
    private static final int AFTER = 10;
    private static final Duration SERVING = Duration.ofSeconds(180);

    @Test
    void ordersThroughTwoReplicasHoldWhenAKafkaNodeAndAReplicaAreKilled(@TempDir Path dir) throws Exception {
        SoftAssertions soft = new SoftAssertions();
        try (ServiceCluster cluster = ServiceCluster.start(dir, 2, List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"))) {
            try {
                run(cluster, soft);
            } finally {
                cluster.keepLogs("cluster");
            }
        }
        soft.assertAll();
    }

    private static void run(ServiceCluster cluster, SoftAssertions soft) throws Exception {
        List<ServiceCluster.Replica> replicas = cluster.replicas();
        ServiceCluster.Replica first = replicas.get(0);
        ServiceCluster.Replica second = replicas.get(1);
        topicsAreReplicated(cluster, soft);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> replicas.stream().filter(r -> cluster.sweepLeader(r) == 1).count() == 1);
        ServiceCluster.Replica leader = cluster.sweepLeader(first) == 1 ? first : second;
        ServiceCluster.Replica survivor = leader == first ? second : first;

        OrderLoad load = new OrderLoad(List.of(new Buyers(first.api(), second.api()), new Buyers(second.api(), first.api())), BUYERS);
        List<OrderLoad.Order> duringFault;
        try (load) {
            load.start();
            await().atMost(SERVING).until(() -> load.accepted() >= BEFORE);
            int from = load.orders().size();
            cluster.kafka().kill(1);
            leader.process().kill();
            int accepted = load.accepted();
            await().atMost(SERVING).until(() -> load.accepted() >= accepted + AFTER);
            duringFault = load.orders().subList(from, load.orders().size());
        }
        System.out.printf("cluster: %d orders %s (after the kills %s; unanswered -1, not delivered 0), %d ends %s%n",
                load.orders().size(), FaultRun.statuses(load.orders()), FaultRun.statuses(duringFault), load.ends().size(),
                load.ends().stream().collect(Collectors.groupingBy(e -> e.answer().status(), TreeMap::new, Collectors.counting())));

        Buyers throughSurvivor = new Buyers(survivor.api());
        FaultRun.servesAgain(throughSurvivor, load, soft);
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> cluster.sweepLeader(survivor) == 1);
        } catch (ConditionTimeoutException e) {
            soft.fail("the surviving replica takes the sweeps over (chainmarket_sweeps_leader 1) within 60 s of the leader's kill");
        }
        Invariants invariants = new Invariants(cluster, throughSurvivor, load, soft);
        invariants.check();
        System.out.printf("cluster, after the kills: %s%n", invariants.summary());
        noCommandAppliedTwice(cluster, soft);
    }

    /** A provider's own topics (made when it was admitted) and the marketplace's have three replicas and two in sync. */
    private static void topicsAreReplicated(ServiceCluster cluster, SoftAssertions soft) throws Exception {
        ProviderId west = ProviderId.of("west");
        List<String> topics = List.of(Topics.forProvider(Topics.DOMAIN_COMMANDS, west), Topics.forProvider(Topics.DOMAIN_ACKS, west),
                Topics.CHAIN_EVENTS);
        Map<String, Object> settings = new HashMap<>(cluster.kafka().adminSettings());
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka().bootstrapServers());
        try (Admin admin = Admin.create(settings)) {
            Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
            Map<ConfigResource, Config> configs = admin.describeConfigs(topics.stream()
                    .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList()).all().get(30, TimeUnit.SECONDS);
            for (String t : topics) {
                soft.assertThat(described.get(t).partitions().stream().map(p -> p.replicas().size()).collect(Collectors.toSet()))
                        .as("replicas of each partition of %s", t).containsExactly(3);
                soft.assertThat(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, t)).get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value())
                        .as("min.insync.replicas of %s", t).isEqualTo("2");
            }
        }
    }

    /**
     * No domain command was applied twice: every acknowledgement answers a command the broker published, and the
     * acknowledgements of one command (a command delivered again is answered again) all say the same, with the same
     * flow entries; together with {@link Invariants}' check that each domain holds exactly the ACTIVE chains' entries.
     */
    private static void noCommandAppliedTwice(ServiceCluster cluster, SoftAssertions soft) {
        List<DomainCommand> commands = cluster.commands();
        List<DomainAck> acks = cluster.acks();
        Set<String> published = commands.stream().map(DomainCommand::commandId).collect(Collectors.toSet());
        Map<String, List<DomainAck>> byCommand = acks.stream().collect(Collectors.groupingBy(DomainAck::commandId));
        List<String> unknown = new ArrayList<>();
        List<String> disagreeing = new ArrayList<>();
        byCommand.forEach((id, answers) -> {
            if (!published.contains(id)) {
                unknown.add(id);
            }
            if (answers.stream().map(a -> a.success() + " " + a.flowEntries()).distinct().count() > 1) {
                disagreeing.add(id + ": " + answers);
            }
        });
        System.out.printf("cluster: %d domain commands published (%d distinct), %d acknowledgements (%d distinct commands); adapters %s%n",
                commands.size(), published.size(), acks.size(), byCommand.size(), cluster.adapterHealth());
        soft.assertThat(unknown).as("every acknowledgement answers a command the broker published").isEmpty();
        soft.assertThat(disagreeing).as("a command answered more than once is answered the same each time (applied once)").isEmpty();
    }
}
