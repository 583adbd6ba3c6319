package org.chainmarket.schemas.events;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.chainmarket.schemas.model.ProviderId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Creates the marketplace's topics and their dead-letter twins where they are missing; existing ones are left as they
 * are. A provider's own topics (a topic per provider of each {@link Topics#PER_PROVIDER} family) are created when the
 * provider is admitted ({@link #ensureProviderTopics}).
 *
 * <p>How many copies a topic gets is decided here and only here ({@link Replication}): the overloads without a
 * replication factor, which the services use, ask the cluster how many brokers it has and give each topic
 * min(3, brokers) replicas, with {@code min.insync.replicas} 2 once there are three (with producers' {@code acks=all},
 * a record is then on two brokers before it is acknowledged, and one broker may be lost without losing or refusing
 * writes).
 */
public final class TopicInitializer {
    private static final int MAX_REPLICAS = 3;

    private TopicInitializer() {
    }

    /** The replication of a topic: its replication factor and the {@code min.insync.replicas} it is created with. */
    public record Replication(short factor, int minInsync) {
        /** min(3, {@code brokers}) replicas; {@code min.insync.replicas} 2 from three replicas on, else 1. */
        public static Replication forBrokers(int brokers) {
            return of((short) Math.max(1, Math.min(MAX_REPLICAS, brokers)));
        }

        /** {@code factor} replicas; {@code min.insync.replicas} 2 from three replicas on, else 1. */
        public static Replication of(short factor) {
            return new Replication(factor, factor >= MAX_REPLICAS ? 2 : 1);
        }

        Map<String, String> configs(String cleanupPolicy) {
            return cleanupPolicy == null ? Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(minInsync))
                    : Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(minInsync), TopicConfig.CLEANUP_POLICY_CONFIG, cleanupPolicy);
        }
    }

    /** The replication topics get on the cluster {@code admin} talks to ({@link Replication#forBrokers}). */
    public static Replication replication(Admin admin) {
        try {
            return Replication.forBrokers(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the Kafka cluster for its brokers", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot ask the Kafka cluster for its brokers: " + e.getMessage(), e);
        }
    }

    /** Creates the missing topics with the cluster's {@link #replication(Admin)}, as a client with {@code clientOverrides}. */
    public static void ensureTopics(String bootstrapServers, int partitions, Map<String, ?> clientOverrides) {
        ensureTopics(bootstrapServers, partitions, null, clientOverrides);
    }

    /** Creates {@code provider}'s missing topics with the cluster's {@link #replication(Admin)}. */
    public static void ensureProviderTopics(String bootstrapServers, ProviderId provider, int partitions, Map<String, ?> clientOverrides) {
        Map<String, Object> settings = new HashMap<>(clientOverrides);
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(settings)) {
            ensureProviderTopics(admin, provider, partitions);
        }
    }

    /** As {@link #ensureProviderTopics(String, ProviderId, int, Map)} with an open admin client. */
    public static void ensureProviderTopics(Admin admin, ProviderId provider, int partitions) {
        ensureProviderTopics(admin, provider, partitions, null);
    }

    public static void ensureTopics(String bootstrapServers, int partitions, short replication) {
        ensureTopics(bootstrapServers, partitions, replication, Map.of());
    }

    /** The same with client settings applied last (a real cluster's security settings). */
    public static void ensureTopics(String bootstrapServers, int partitions, short replication, Map<String, ?> clientOverrides) {
        ensureTopics(bootstrapServers, partitions, Replication.of(replication), clientOverrides);
    }

    private static void ensureTopics(String bootstrapServers, int partitions, Replication given, Map<String, ?> clientOverrides) {
        Map<String, Object> settings = new HashMap<>(clientOverrides);
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(settings)) {
            Replication replication = given != null ? given : replication(admin);
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topics.TopicSpec t : Topics.ALL) {
                if (!t.perProvider() && !existing.contains(t.name())) {
                    missing.add(new NewTopic(t.name(), partitions, replication.factor()).configs(replication.configs(
                            t.compacted() ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE)));
                }
                if (!existing.contains(Topics.dlq(t.name()))) {
                    missing.add(new NewTopic(Topics.dlq(t.name()), 1, replication.factor()).configs(replication.configs(null)));
                }
            }
            create(admin, missing);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topics on " + bootstrapServers + ": " + e.getCause().getMessage(), e);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topics on " + bootstrapServers + ": " + e.getMessage(), e);
        }
    }

    /** Creates {@code provider}'s topics of every per-provider family where they are missing (compacted where the family is). */
    public static void ensureProviderTopics(String bootstrapServers, ProviderId provider, int partitions, short replication,
                                            Map<String, ?> clientOverrides) {
        Map<String, Object> settings = new HashMap<>(clientOverrides);
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(settings)) {
            ensureProviderTopics(admin, provider, partitions, replication);
        }
    }

    /** As {@link #ensureProviderTopics(String, ProviderId, int, short, Map)} with an open admin client. */
    public static void ensureProviderTopics(Admin admin, ProviderId provider, int partitions, short replication) {
        ensureProviderTopics(admin, provider, partitions, Replication.of(replication));
    }

    private static void ensureProviderTopics(Admin admin, ProviderId provider, int partitions, Replication given) {
        try {
            Replication replication = given != null ? given : replication(admin);
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topics.TopicSpec family : Topics.ALL) {
                if (!family.perProvider()) {
                    continue;
                }
                String name = Topics.forProvider(family.name(), provider);
                if (!existing.contains(name)) {
                    missing.add(new NewTopic(name, partitions, replication.factor()).configs(replication.configs(
                            family.compacted() ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE)));
                }
            }
            create(admin, missing);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create the topics of provider " + provider + ": " + e.getCause().getMessage(), e);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the topics of provider " + provider + ": " + e.getMessage(), e);
        }
    }

    private static void create(Admin admin, List<NewTopic> missing) throws Exception {
        if (missing.isEmpty()) {
            return;
        }
        try {
            admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }
}
