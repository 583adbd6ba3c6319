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
 */
public final class TopicInitializer {
    private TopicInitializer() {
    }

    public static void ensureTopics(String bootstrapServers, int partitions, short replication) {
        ensureTopics(bootstrapServers, partitions, replication, Map.of());
    }

    /** The same with client settings applied last (a real cluster's security settings). */
    public static void ensureTopics(String bootstrapServers, int partitions, short replication, Map<String, ?> clientOverrides) {
        Map<String, Object> settings = new HashMap<>(clientOverrides);
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(settings)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topics.TopicSpec t : Topics.ALL) {
                if (!t.perProvider() && !existing.contains(t.name())) {
                    missing.add(new NewTopic(t.name(), partitions, replication).configs(Map.of(
                            TopicConfig.CLEANUP_POLICY_CONFIG, t.compacted() ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE)));
                }
                if (!existing.contains(Topics.dlq(t.name()))) {
                    missing.add(new NewTopic(Topics.dlq(t.name()), 1, replication));
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
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topics.TopicSpec family : Topics.ALL) {
                if (!family.perProvider()) {
                    continue;
                }
                String name = Topics.forProvider(family.name(), provider);
                if (!existing.contains(name)) {
                    missing.add(new NewTopic(name, partitions, replication).configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
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
