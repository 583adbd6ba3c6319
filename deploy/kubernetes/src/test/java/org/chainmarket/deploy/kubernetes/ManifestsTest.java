package org.chainmarket.deploy.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.kafka.KafkaAuthorizationSimple;
import io.strimzi.api.kafka.model.kafka.listener.KafkaListenerAuthenticationScramSha512;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.KafkaUserScramSha512ClientAuthentication;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleClusterResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import org.chainmarket.schemas.kafka.KafkaAccess;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.deploy.kubernetes.Manifests.Document;
import org.chainmarket.schemas.events.Topics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every manifest in {@code deploy/kubernetes/manifests} against the Kubernetes (fabric8) and Strimzi models, and
 * against each other and the marketplace's topics: what {@code kubectl apply} would reject, or accept and then run
 * wrongly, fails here.
 */
class ManifestsTest {
    static List<Document> documents;

    @BeforeAll
    static void load() {
        documents = Manifests.load();
    }

    @Test
    void everyDocumentParsesIntoItsModelWithNoFieldTheModelDoesNotKnow() {
        assertThat(documents).hasSizeGreaterThan(20);
        for (Document d : documents) {
            assertThat(Manifests.modelled(d.resource()) || d.resource() instanceof GenericKubernetesResource)
                    .as("%s has a model", d).isTrue();
            if (!(d.resource() instanceof GenericKubernetesResource)) {
                assertThat(Manifests.unknownFields(d.resource())).as("fields of %s unknown to its model", d).isEmpty();
            } else {
                assertThat(Manifests.WITHOUT_MODEL).as("%s is a kind the model knows no class for", d)
                        .contains(d.resource().getApiVersion() + " " + d.resource().getKind());
            }
            assertThat(d.resource().getMetadata().getName()).as("%s has a name", d).isNotBlank();
            if (!(d.resource() instanceof Namespace)) {
                assertThat(d.resource().getMetadata().getNamespace()).as("namespace of %s", d).isEqualTo("chainmarket");
            }
        }
        assertThat(documents.stream().map(d -> d.resource().getKind() + "/" + d.resource().getMetadata().getName()))
                .as("no resource is defined twice").doesNotHaveDuplicates();
    }

    @Test
    void kafkaIsAKraftClusterOfThreeControllersAndThreeBrokersThatKeepsAWriteThroughOneBrokerDown() {
        List<Kafka> kafkas = Manifests.all(documents, Kafka.class);
        assertThat(kafkas).hasSize(1);
        Kafka kafka = kafkas.get(0);
        Map<String, Object> config = kafka.getSpec().getKafka().getConfig();
        assertThat(config).containsEntry("default.replication.factor", 3).containsEntry("min.insync.replicas", 2)
                .containsEntry("offsets.topic.replication.factor", 3).containsEntry("auto.create.topics.enable", false);
        assertThat(kafka.getSpec().getEntityOperator().getTopicOperator()).as("KafkaTopic resources need the topic operator").isNotNull();

        List<KafkaNodePool> pools = Manifests.all(documents, KafkaNodePool.class);
        assertThat(pools).allSatisfy(p -> assertThat(p.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", kafka.getMetadata().getName()));
        assertThat(replicas(pools, ProcessRoles.CONTROLLER)).isGreaterThanOrEqualTo(3).isOdd();
        assertThat(replicas(pools, ProcessRoles.BROKER)).isGreaterThanOrEqualTo(3);
    }

    @Test
    void everyMarketplaceTopicAndItsDeadLetterTwinIsReplicatedThreeTimesWithTwoInSync() {
        String cluster = Manifests.all(documents, Kafka.class).get(0).getMetadata().getName();
        List<KafkaTopic> topics = Manifests.all(documents, KafkaTopic.class);
        Map<String, String> policyByTopic = new HashMap<>();
        for (KafkaTopic t : topics) {
            assertThat(t.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", cluster);
            assertThat(t.getSpec().getReplicas()).as("replicas of %s", t.getSpec().getTopicName()).isEqualTo(3);
            assertThat(t.getSpec().getConfig()).as("config of %s", t.getSpec().getTopicName()).containsEntry("min.insync.replicas", 2);
            assertThat(t.getSpec().getPartitions()).isPositive();
            policyByTopic.put(t.getSpec().getTopicName(), (String) t.getSpec().getConfig().get("cleanup.policy"));
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
        assertThat(policyByTopic).isEqualTo(expected);
    }

    @Test
    void everyServiceRunsWithProbesResourceRequestsAndTheClustersAddresses() {
        Kafka kafka = Manifests.all(documents, Kafka.class).get(0);
        GenericKafkaListener plain = kafka.getSpec().getKafka().getListeners().stream().filter(l -> !l.isTls()).findFirst().orElseThrow();
        String bootstrap = kafka.getMetadata().getName() + "-kafka-bootstrap:" + plain.getPort();
        GenericKubernetesResource db = Manifests.all(documents, GenericKubernetesResource.class).stream()
                .filter(r -> r.getKind().equals("Cluster")).findFirst().orElseThrow();
        String dbName = db.getMetadata().getName();

        List<Deployment> deployments = Manifests.all(documents, Deployment.class);
        assertThat(deployments).extracting(d -> d.getMetadata().getName())
                .contains("broker", "monitoring-ingest", "adapter-west", "adapter-central", "adapter-east");
        for (Deployment d : deployments) {
            assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).as("%s's pods carry its selector's labels", name(d))
                    .containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
            for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
                Set<String> ports = c.getPorts().stream().map(ContainerPort::getName).collect(Collectors.toSet());
                assertThat(c.getResources().getRequests()).as("requests of %s", name(d)).containsKeys("cpu", "memory");
                assertThat(List.of(c.getReadinessProbe(), c.getLivenessProbe())).as("probes of %s", name(d)).allSatisfy(p -> {
                    assertThat(p).isNotNull();
                    assertThat(ports).contains(probePort(p));
                });
                Map<String, EnvVar> env = c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
                assertThat(env.get("KAFKA_BOOTSTRAP_SERVERS").getValue()).as("%s's Kafka", name(d)).isEqualTo(bootstrap);
                if (env.containsKey("DATASOURCES_DEFAULT_URL")) {
                    assertThat(env.get("DATASOURCES_DEFAULT_URL").getValue()).startsWith("jdbc:postgresql://" + dbName + "-rw:5432/");
                    assertThat(env.get("DATASOURCES_DEFAULT_PASSWORD").getValueFrom().getSecretKeyRef().getName()).isEqualTo(dbName + "-app");
                }
            }
        }
        Deployment broker = deployment(deployments, "broker");
        assertThat(broker.getSpec().getReplicas()).isGreaterThanOrEqualTo(2);
        assertThat(broker.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()).extracting(EnvVar::getName)
                .contains("DATASOURCES_DEFAULT_URL", "DATASOURCES_DEFAULT_USERNAME", "DATASOURCES_DEFAULT_PASSWORD");
        assertThat(db.getAdditionalProperties()).extractingByKey("spec").asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("instances", 3).containsKeys("storage", "bootstrap");
    }

    @Test
    void kafkaRequiresScramAndEveryServiceConnectsAsItsOwnPrincipalWithTheAclsOfKafkaAccess() {
        Kafka kafka = Manifests.all(documents, Kafka.class).get(0);
        assertThat(kafka.getSpec().getKafka().getListeners()).as("every listener authenticates its clients")
                .allSatisfy(l -> assertThat(l.getAuth()).isInstanceOf(KafkaListenerAuthenticationScramSha512.class));
        assertThat(kafka.getSpec().getKafka().getAuthorization()).as("ACLs decide").isInstanceOf(KafkaAuthorizationSimple.class);
        assertThat(kafka.getSpec().getEntityOperator().getUserOperator()).as("KafkaUser resources need the user operator").isNotNull();

        Map<String, Set<String>> expected = Manifests.principals();
        Map<String, Set<String>> declared = new java.util.TreeMap<>();
        for (KafkaUser u : Manifests.all(documents, KafkaUser.class)) {
            assertThat(u.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", kafka.getMetadata().getName());
            assertThat(u.getSpec().getAuthentication()).as("%s's login", name(u)).isInstanceOf(KafkaUserScramSha512ClientAuthentication.class);
            assertThat(u.getSpec().getAuthorization()).as("%s's ACLs", name(u)).isInstanceOf(KafkaUserAuthorizationSimple.class);
            Set<String> acls = new java.util.TreeSet<>();
            for (AclRule r : ((KafkaUserAuthorizationSimple) u.getSpec().getAuthorization()).getAcls()) {
                for (AclOperation op : r.getOperations()) {
                    acls.add(acl(r, op));
                }
            }
            declared.put(u.getMetadata().getName(), acls);
        }
        assertThat(declared).as("one KafkaUser per principal, with the ACLs of KafkaAccess").isEqualTo(expected);

        Map<String, String> principalOf = new HashMap<>(Map.of("broker", KafkaAccess.BROKER, "monitoring-ingest", KafkaAccess.MONITORING));
        Manifests.DEMO_PROVIDERS.forEach(p -> principalOf.put("adapter-" + p, KafkaAccess.adapterPrincipal(ProviderId.of(p))));
        List<Deployment> deployments = Manifests.all(documents, Deployment.class);
        assertThat(deployments).extracting(d -> d.getMetadata().getName()).containsExactlyInAnyOrderElementsOf(principalOf.keySet());
        for (Deployment d : deployments) {
            Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
            Map<String, EnvVar> env = c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
            assertThat(env.get("KAFKA_SECURITY_PROTOCOL").getValue()).as("%s's protocol", name(d)).isEqualTo("SASL_PLAINTEXT");
            assertThat(env.get("KAFKA_SASL_MECHANISM").getValue()).as("%s's mechanism", name(d)).isEqualTo(KafkaAccess.MECHANISM);
            EnvVar jaas = env.get("KAFKA_SASL_JAAS_CONFIG");
            assertThat(jaas.getValue()).as("%s's credentials are not written in the manifest", name(d)).isNull();
            assertThat(jaas.getValueFrom().getSecretKeyRef().getName()).as("%s's own principal's secret", name(d))
                    .isEqualTo(principalOf.get(d.getMetadata().getName()));
            assertThat(jaas.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("sasl.jaas.config");
        }
    }

    /** A Strimzi ACL rule's operation in {@link Manifests#acl}'s spelling. */
    private static String acl(AclRule r, AclOperation op) {
        String permission = r.getType() == null ? "allow" : r.getType().toValue();
        if (r.getResource() instanceof AclRuleTopicResource t) {
            return Manifests.acl(permission, op.toValue(), "topic", t.getPatternType() == null ? "literal" : t.getPatternType().toValue(), t.getName());
        } else if (r.getResource() instanceof AclRuleGroupResource g) {
            return Manifests.acl(permission, op.toValue(), "group", g.getPatternType() == null ? "literal" : g.getPatternType().toValue(), g.getName());
        } else if (r.getResource() instanceof AclRuleClusterResource) {
            return Manifests.acl(permission, op.toValue(), "cluster", "literal", "");
        }
        throw new AssertionError("an ACL on a resource KafkaAccess does not use: " + r.getResource());
    }

    @Test
    void theBrokerAndMonitoringScaleAndKeepAPodThroughDisruptions() {
        List<Deployment> deployments = Manifests.all(documents, Deployment.class);
        List<HorizontalPodAutoscaler> hpas = Manifests.all(documents, HorizontalPodAutoscaler.class);
        assertThat(hpas).extracting(h -> h.getSpec().getScaleTargetRef().getName()).contains("broker", "monitoring-ingest");
        for (HorizontalPodAutoscaler h : hpas) {
            assertThat(h.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
            deployment(deployments, h.getSpec().getScaleTargetRef().getName());
            assertThat(h.getSpec().getMinReplicas()).isPositive().isLessThanOrEqualTo(h.getSpec().getMaxReplicas());
            assertThat(h.getSpec().getMetrics()).isNotEmpty();
        }
        List<PodDisruptionBudget> pdbs = Manifests.all(documents, PodDisruptionBudget.class);
        assertThat(pdbs).extracting(p -> p.getMetadata().getName()).contains("broker", "monitoring-ingest");
        for (PodDisruptionBudget p : pdbs) {
            assertThat(deployments).as("a Deployment whose pods %s protects", name(p)).anySatisfy(d ->
                    assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(p.getSpec().getSelector().getMatchLabels()));
            assertThat(p.getSpec().getMinAvailable() != null || p.getSpec().getMaxUnavailable() != null).isTrue();
        }
        for (Service s : Manifests.all(documents, Service.class)) {
            Deployment target = deployments.stream().filter(d -> d.getSpec().getTemplate().getMetadata().getLabels().entrySet()
                    .containsAll(s.getSpec().getSelector().entrySet())).findFirst().orElseThrow(() -> new AssertionError(name(s) + " selects no pods"));
            Set<String> ports = target.getSpec().getTemplate().getSpec().getContainers().stream()
                    .flatMap(c -> c.getPorts().stream()).map(ContainerPort::getName).collect(Collectors.toSet());
            assertThat(s.getSpec().getPorts()).allSatisfy(p -> assertThat(ports).contains(p.getTargetPort().getStrVal()));
        }
    }

    private static int replicas(List<KafkaNodePool> pools, ProcessRoles role) {
        return pools.stream().filter(p -> p.getSpec().getRoles().contains(role)).mapToInt(p -> p.getSpec().getReplicas()).sum();
    }

    private static String probePort(Probe p) {
        return Objects.requireNonNull(p.getHttpGet(), "an HTTP probe").getPort().getStrVal();
    }

    private static Deployment deployment(List<Deployment> deployments, String name) {
        return deployments.stream().filter(d -> d.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no Deployment " + name));
    }

    private static String name(HasMetadata r) {
        return r.getKind() + "/" + r.getMetadata().getName();
    }
}
