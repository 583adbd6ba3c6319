package org.chainmarket.deploy.kubernetes;

import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.kafka.KafkaAccess;
import org.chainmarket.schemas.model.ProviderId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code deploy/compose/compose.yaml} read as compose reads it (YAML with anchors and merge keys): the services the
 * README promises, a Kafka cluster whose three nodes agree, the marketplace's topics, and demo files that exist.
 */
class ComposeFileTest {
    static final Path DIR = Path.of("..", "compose");
    static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws Exception {
        Map<String, Object> compose = new Yaml().load(Files.readString(DIR.resolve("compose.yaml")));
        services = (Map<String, Map<String, Object>>) compose.get("services");
    }

    @Test
    void runsThreeKafkaNodesPostgresTwoBrokerReplicasMonitoringAndAnAdapterPerDemoProvider() {
        assertThat(services).containsKeys("kafka-1", "kafka-2", "kafka-3", "topics", "postgres", "broker-1", "broker-2",
                "monitoring-ingest", "adapter-west", "adapter-central", "adapter-east");
        for (Map.Entry<String, Map<String, Object>> s : services.entrySet()) {
            Object dependsOn = s.getValue().get("depends_on");
            if (dependsOn instanceof Map<?, ?> m) {
                assertThat(services).as("what %s depends on", s.getKey()).containsKeys(m.keySet().toArray(String[]::new));
            }
        }
        assertThat(List.of("broker-1", "broker-2")).extracting(b -> env(b).get("DATASOURCES_DEFAULT_URL"))
                .containsOnly("jdbc:postgresql://postgres:5432/chainmarket");
        assertThat(List.of("broker-1", "broker-2")).extracting(b -> services.get(b).get("ports").toString())
                .doesNotHaveDuplicates();
    }

    @Test
    void theThreeKafkaNodesFormOneKraftQuorumThatKeepsAWriteThroughOneNodeDown() {
        Set<String> nodes = Set.of("kafka-1", "kafka-2", "kafka-3");
        assertThat(nodes.stream().map(n -> env(n).get("KAFKA_NODE_ID"))).doesNotHaveDuplicates().hasSize(3);
        assertThat(nodes.stream().map(n -> env(n).get("CLUSTER_ID")).distinct()).hasSize(1);
        for (String n : nodes) {
            Map<String, String> env = env(n);
            assertThat(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS")).contains(env.get("KAFKA_NODE_ID") + "@" + n + ":9093");
            assertThat(env.get("KAFKA_ADVERTISED_LISTENERS")).isEqualTo("SASL://" + n + ":9092");
            assertThat(env).containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", "3").containsEntry("KAFKA_MIN_INSYNC_REPLICAS", "2")
                    .containsEntry("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
        }
        for (String client : List.of("broker-1", "broker-2", "monitoring-ingest", "adapter-west", "adapter-central", "adapter-east")) {
            assertThat(Set.of(env(client).get("KAFKA_BOOTSTRAP_SERVERS").split(","))).as("%s's bootstrap servers", client)
                    .isEqualTo(nodes.stream().map(n -> n + ":9092").collect(Collectors.toSet()));
        }
    }

    @Test
    void theTopicsServiceCreatesEveryMarketplaceTopicAndItsDeadLetterTwin() {
        String script = services.get("topics").get("command").toString();
        assertThat(script).contains("--replication-factor 3", "min.insync.replicas=2");
        Map<String, String> created = new HashMap<>();
        Matcher m = Pattern.compile("(?m)^\\s*create (\\S+) (\\d+) (compact|delete)\\s*$").matcher(script);
        while (m.find()) {
            created.put(m.group(1), m.group(3));
        }
        Map<String, String> expected = new HashMap<>();
        for (Topics.TopicSpec spec : Topics.ALL) {
            if (spec.perProvider()) {
                // a topic per demo provider
                for (String provider : List.of("west", "central", "east")) {
                    expected.put(Topics.forProvider(spec.name(), org.chainmarket.schemas.model.ProviderId.of(provider)),
                            spec.compacted() ? "compact" : "delete");
                }
            } else {
                expected.put(spec.name(), spec.compacted() ? "compact" : "delete");
            }
            expected.put(Topics.dlq(spec.name()), "delete");
        }
        assertThat(created).isEqualTo(expected);
    }

    @Test
    void kafkaRequiresSaslOnEveryListenerAndAuthorizesByAcl() throws Exception {
        for (String n : List.of("kafka-1", "kafka-2", "kafka-3")) {
            Map<String, String> env = env(n);
            Map<String, String> protocols = Pattern.compile(",").splitAsStream(env.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"))
                    .map(e -> e.split(":")).collect(Collectors.toMap(e -> e[0], e -> e[1]));
            assertThat(protocols.values()).as("%s's listeners", n).containsOnly("SASL_PLAINTEXT");
            assertThat(env.get("KAFKA_LISTENERS").split(",")).as("%s: no listener outside the map", n)
                    .allSatisfy(l -> assertThat(protocols).containsKey(l.substring(0, l.indexOf(':'))));
            assertThat(env.get("KAFKA_SASL_ENABLED_MECHANISMS").split(",")).contains(org.chainmarket.schemas.kafka.KafkaAccess.MECHANISM);
            assertThat(env).containsEntry("KAFKA_AUTHORIZER_CLASS_NAME", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                    .containsEntry("KAFKA_SUPER_USERS", "User:" + org.chainmarket.schemas.kafka.KafkaAccess.ADMIN)
                    .containsEntry("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND", "false");
        }
        Matcher passwords = Pattern.compile("password=(\\S+?)[\\s,\\]]").matcher(Files.readString(DIR.resolve("compose.yaml")));
        int found = 0;
        while (passwords.find()) {
            found++;
            assertThat(passwords.group(1)).as("a password in compose.yaml comes from the environment").matches("\"?\\$\\$?\\{?[A-Z0-9_]+.*");
        }
        assertThat(found).isGreaterThan(5);
    }

    @Test
    void everyServiceConnectsAsItsOwnPrincipalAndTheTopicsServiceGivesEachTheAclsOfKafkaAccess() {
        Map<String, String> principalOf = new HashMap<>(Map.of("broker-1", KafkaAccess.BROKER, "broker-2", KafkaAccess.BROKER,
                "monitoring-ingest", KafkaAccess.MONITORING));
        Manifests.DEMO_PROVIDERS.forEach(p -> principalOf.put("adapter-" + p, KafkaAccess.adapterPrincipal(ProviderId.of(p))));
        Pattern login = Pattern.compile("org\\.apache\\.kafka\\.common\\.security\\.scram\\.ScramLoginModule required username=\"([^\"]+)\" password=\"\\$\\{([A-Z0-9_]+):\\?[^}]*}\";");
        Map<String, String> passwordVariable = new HashMap<>();
        for (Map.Entry<String, String> e : principalOf.entrySet()) {
            Map<String, String> env = env(e.getKey());
            assertThat(env).as("%s's Kafka client", e.getKey()).containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
                    .containsEntry("KAFKA_SASL_MECHANISM", KafkaAccess.MECHANISM);
            Matcher m = login.matcher(env.get("KAFKA_SASL_JAAS_CONFIG"));
            assertThat(m.matches()).as("%s logs in with a password from the environment: %s", e.getKey(), env.get("KAFKA_SASL_JAAS_CONFIG")).isTrue();
            assertThat(m.group(1)).as("%s's principal", e.getKey()).isEqualTo(e.getValue());
            assertThat(passwordVariable.putIfAbsent(m.group(1), m.group(2))).as("one password per principal").isIn(null, m.group(2));
        }
        assertThat(new java.util.HashSet<>(passwordVariable.values())).as("each principal its own password").hasSize(passwordVariable.size());

        String script = services.get("topics").get("command").toString();
        Map<String, String> users = new HashMap<>();
        Matcher u = Pattern.compile("(?m)^\\s*user (\\S+) \"\\$\\$([A-Z0-9_]+)\"\\s*$").matcher(script);
        while (u.find()) {
            users.put(u.group(1), u.group(2));
        }
        assertThat(users).as("the topics service makes each principal with the password its service logs in with").isEqualTo(passwordVariable);
        Map<String, String> topicsEnv = env("topics");
        users.values().forEach(v -> assertThat(topicsEnv.get(v)).as("%s handed to the topics service", v).startsWith("${" + v + ":?"));

        Map<String, Set<String>> acls = new java.util.TreeMap<>();
        Matcher a = Pattern.compile("(?m)^\\s*acl (\\S+) (allow|deny) (\\S+) (topic|group|cluster) (literal|prefixed) (\\S+)\\s*$").matcher(script);
        while (a.find()) {
            acls.computeIfAbsent(a.group(1), k -> new java.util.TreeSet<>()).add(Manifests.acl(a.group(2), a.group(3), a.group(4), a.group(5),
                    a.group(4).equals("cluster") ? "" : a.group(6)));
        }
        assertThat(acls).as("each principal's ACLs as KafkaAccess gives them").isEqualTo(Manifests.principals());
    }

    @Test
    void eachAdapterReadsTheDemoFileOfItsOwnProvider() throws Exception {
        for (String provider : List.of("west", "central", "east")) {
            List<?> volumes = (List<?>) services.get("adapter-" + provider).get("volumes");
            String[] mount = volumes.get(0).toString().split(":");
            Path file = DIR.resolve(mount[0]);
            assertThat(file).exists();
            assertThat(Files.readString(file)).contains("\"providerId\" : \"" + provider + "\"");
            assertThat(services.get("adapter-" + provider).get("command").toString()).contains(mount[1]);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> env(String service) {
        Map<String, Object> env = (Map<String, Object>) services.get(service).get("environment");
        return env.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue())));
    }
}
