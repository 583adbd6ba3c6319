package org.chainmarket.schemas.kafka;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.chainmarket.schemas.events.TopicInitializer;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.ProviderId;

import javax.crypto.Mac;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Who may do what on the marketplace's Kafka, in one place: the principals (SASL/SCRAM-SHA-512 users), the ACLs of
 * each (for Kafka's {@code StandardAuthorizer}), the client settings each service gets, and their provisioning with
 * the Admin API ({@code alterUserScramCredentials}, {@code createAcls}).
 *
 * <table>
 *   <caption>The principals and what they may do</caption>
 *   <tr><th>principal</th><th>reads</th><th>writes</th></tr>
 *   <tr><td>{@value #BROKER}</td><td>every {@code chainmarket.} topic</td><td>every {@code chainmarket.} topic but
 *   contexts and degradations (denied); creates topics</td></tr>
 *   <tr><td>{@value #MONITORING}</td><td>every provider's telemetry and offers</td><td>instance and link contexts,
 *   degradations (only it), the telemetry and offers DLQs</td></tr>
 *   <tr><td>{@value #PLACEMENT}</td><td>every provider's domain, offers, catalogue, placement commands (its own,
 *   read back at start) and placement acks; instance contexts, demand, chain events</td><td>placement plans, every provider's placement commands, the DLQs of what it
 *   reads</td></tr>
 *   <tr><td>{@code adapter-<providerId>}</td><td>its own domain and placement commands only</td><td>its own topics
 *   of {@link Topics#FROM_PROVIDER}: acks, state reports, telemetry, domain, offers, catalogue, placement acks; the
 *   command families' DLQs</td></tr>
 * </table>
 *
 * <p>An instance provisions principals on one cluster with its admin's settings (a super user): each principal is
 * created on first use, with a password derived from the admin's credentials and the principal's name, so every
 * process holding the admin's settings gives a principal the same password. {@link #open} is a cluster without
 * authentication (or one whose principals are managed elsewhere): every service then gets the same client settings.
 */
public final class KafkaAccess {
    /** The SASL mechanism of every principal. */
    public static final String MECHANISM = "SCRAM-SHA-512";
    /** The super user that provisions the others. */
    public static final String ADMIN = "admin";
    /** The broker service. */
    public static final String BROKER = "chainmarket-broker";
    /** monitoring-ingest. */
    public static final String MONITORING = "chainmarket-monitoring";
    /** The placement service. */
    public static final String PLACEMENT = "chainmarket-placement";

    private static final int SCRAM_ITERATIONS = 4096;

    private final String bootstrapServers;
    private final Map<String, Object> adminSettings;
    private final boolean provisions;
    private final Map<String, Map<String, Object>> settings = new ConcurrentHashMap<>();

    private KafkaAccess(String bootstrapServers, Map<String, ?> adminSettings, boolean provisions) {
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        this.adminSettings = Map.copyOf(adminSettings);
        this.provisions = provisions;
    }

    /**
     * A cluster with SCRAM authentication and ACLs whose super user's client settings are {@code adminSettings}: every
     * principal is provisioned on first use.
     */
    public static KafkaAccess secured(String bootstrapServers, Map<String, ?> adminSettings) {
        if (!adminSettings.containsKey(SaslConfigs.SASL_JAAS_CONFIG)) {
            throw new IllegalArgumentException("the admin's client settings name no SASL credentials (" + SaslConfigs.SASL_JAAS_CONFIG + ")");
        }
        return new KafkaAccess(bootstrapServers, adminSettings, true);
    }

    /** A cluster whose principals are not provisioned here: every service gets {@code clientSettings}. */
    public static KafkaAccess open(String bootstrapServers, Map<String, ?> clientSettings) {
        return new KafkaAccess(bootstrapServers, clientSettings, false);
    }

    /** The principal of {@code provider}'s adapter. */
    public static String adapterPrincipal(ProviderId provider) {
        return "adapter-" + provider.value();
    }

    /** The client settings of SCRAM principal {@code user}. */
    public static Map<String, Object> scram(String user, String password) {
        return Map.of(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
                SaslConfigs.SASL_MECHANISM, MECHANISM,
                SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + user + "\" password=\"" + password + "\";");
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * Writes client settings as a properties file (owner-readable only) for a service run as its own program
     * ({@code --kafka-properties FILE}).
     */
    public static Path writeProperties(Map<String, ?> clientSettings, Path file) {
        Properties p = new Properties();
        clientSettings.forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
        try {
            Files.deleteIfExists(file);
            Files.createFile(file);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // no POSIX permissions here: the directory's own protection applies
            }
            try (var out = Files.newOutputStream(file)) {
                p.store(out, "Kafka client settings");
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Whether principals are provisioned here (false: {@link #open}). */
    public boolean secured() {
        return provisions;
    }

    /** The super user's client settings (tests and tools that create topics, observe or inject records). */
    public Map<String, Object> admin() {
        return adminSettings;
    }

    /** The broker service's client settings (provisioned on first call). */
    public Map<String, Object> broker() {
        return principal(BROKER, () -> brokerAcls());
    }

    /** monitoring-ingest's client settings. */
    public Map<String, Object> monitoring() {
        return principal(MONITORING, () -> monitoringAcls());
    }

    /** The placement service's client settings. */
    public Map<String, Object> placement() {
        return principal(PLACEMENT, () -> placementAcls());
    }

    /** The client settings of {@code provider}'s adapter; its principal, ACLs and own topics are created on first call. */
    public Map<String, Object> adapter(ProviderId provider, int partitions, short replication) {
        return adapter(provider, admin -> TopicInitializer.ensureProviderTopics(admin, provider, partitions, replication));
    }

    /** As {@link #adapter(ProviderId, int, short)} with 3 partitions, replicated as the cluster allows ({@code TopicInitializer.Replication}). */
    public Map<String, Object> adapter(ProviderId provider) {
        return adapter(provider, admin -> TopicInitializer.ensureProviderTopics(admin, provider, 3));
    }

    private Map<String, Object> adapter(ProviderId provider, java.util.function.Consumer<Admin> createTopics) {
        return principal(adapterPrincipal(provider), () -> {
            if (provisions) {
                try (Admin admin = adminClient()) {
                    createTopics.accept(admin);
                }
            }
            return adapterAcls(provider);
        });
    }

    /**
     * A principal of its own, with only {@code acls} (which name {@code user}): a test's intruder, or a tool's reader.
     */
    public Map<String, Object> custom(String user, List<AclBinding> acls) {
        return principal(user, () -> acls);
    }

    /** The ACLs of the broker service. */
    public static List<AclBinding> brokerAcls() {
        List<AclBinding> acls = new ArrayList<>();
        acls.add(allow(BROKER, ResourceType.TOPIC, "chainmarket.", PatternType.PREFIXED, AclOperation.ALL));
        for (String t : List.of(Topics.INSTANCE_CONTEXT, Topics.LINK_CONTEXT, Topics.DEGRADATIONS)) {
            acls.add(new AclBinding(new ResourcePattern(ResourceType.TOPIC, t, PatternType.LITERAL),
                    new AccessControlEntry(user(BROKER), "*", AclOperation.WRITE, AclPermissionType.DENY)));
        }
        acls.add(allow(BROKER, ResourceType.GROUP, "broker-", PatternType.PREFIXED, AclOperation.ALL));
        // its health indicator describes the cluster and a broker's configuration
        acls.add(allow(BROKER, ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL, AclOperation.DESCRIBE));
        acls.add(allow(BROKER, ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL, AclOperation.DESCRIBE_CONFIGS));
        return acls;
    }

    /** The ACLs of monitoring-ingest: the only writer of contexts and degradations. */
    public static List<AclBinding> monitoringAcls() {
        List<AclBinding> acls = new ArrayList<>();
        for (String family : List.of(Topics.TELEMETRY, Topics.OFFERS)) {
            acls.add(everyProvider(MONITORING, family, AclOperation.READ));
        }
        for (String t : List.of(Topics.INSTANCE_CONTEXT, Topics.LINK_CONTEXT, Topics.DEGRADATIONS,
                Topics.dlq(Topics.TELEMETRY), Topics.dlq(Topics.OFFERS))) {
            acls.add(allow(MONITORING, ResourceType.TOPIC, t, PatternType.LITERAL, AclOperation.WRITE));
        }
        acls.add(allow(MONITORING, ResourceType.GROUP, "monitoring-ingest", PatternType.PREFIXED, AclOperation.READ));
        return acls;
    }

    /**
     * The ACLs of the placement service: it reads every provider's domain, offers, catalogue and placement acks, and
     * writes every provider's placement commands and its plans (and reads both back at start, to resume what it had
     * under way and what waited for approval).
     */
    public static List<AclBinding> placementAcls() {
        List<AclBinding> acls = new ArrayList<>();
        for (String t : List.of(Topics.PROVIDER_DOMAINS, Topics.OFFERS, Topics.INSTANCE_CONTEXT, Topics.CATALOGUE,
                Topics.PLACEMENT_DEMAND, Topics.CHAIN_EVENTS, Topics.PLACEMENT_ACKS, Topics.PLACEMENT_PLANS)) {
            acls.add(Topics.PER_PROVIDER.contains(t) ? everyProvider(PLACEMENT, t, AclOperation.READ)
                    : allow(PLACEMENT, ResourceType.TOPIC, t, PatternType.LITERAL, AclOperation.READ));
            acls.add(allow(PLACEMENT, ResourceType.TOPIC, Topics.dlq(t), PatternType.LITERAL, AclOperation.WRITE));
        }
        acls.add(allow(PLACEMENT, ResourceType.TOPIC, Topics.PLACEMENT_PLANS, PatternType.LITERAL, AclOperation.WRITE));
        acls.add(everyProvider(PLACEMENT, Topics.PLACEMENT_COMMANDS, AclOperation.WRITE));
        acls.add(everyProvider(PLACEMENT, Topics.PLACEMENT_COMMANDS, AclOperation.READ));
        acls.add(allow(PLACEMENT, ResourceType.GROUP, "placement-engine", PatternType.PREFIXED, AclOperation.READ));
        return acls;
    }

    /**
     * The ACLs of {@code provider}'s adapter: read its own topic of each family addressed to providers (domain and
     * placement commands, each in a group of its own) and write its own topic of each family providers write
     * (acknowledgements, state reports, telemetry, its domain, offers and catalogue, placement acks), all by literal
     * name (a prefix would also match a provider whose id extends this one's), and the command families' DLQs.
     */
    public static List<AclBinding> adapterAcls(ProviderId provider) {
        String user = adapterPrincipal(provider);
        List<AclBinding> acls = new ArrayList<>();
        for (String family : Topics.TO_PROVIDER) {
            acls.add(allow(user, ResourceType.TOPIC, Topics.forProvider(family, provider), PatternType.LITERAL, AclOperation.READ));
            acls.add(allow(user, ResourceType.TOPIC, Topics.dlq(family), PatternType.LITERAL, AclOperation.WRITE));
        }
        acls.add(allow(user, ResourceType.GROUP, user, PatternType.LITERAL, AclOperation.READ));
        acls.add(allow(user, ResourceType.GROUP, user + "-placement", PatternType.LITERAL, AclOperation.READ));
        for (String family : Topics.FROM_PROVIDER) {
            acls.add(allow(user, ResourceType.TOPIC, Topics.forProvider(family, provider), PatternType.LITERAL, AclOperation.WRITE));
        }
        return acls;
    }

    /** {@code op} on every provider's topic of {@code family} (a prefix {@code <family>.}, which the family's DLQ also matches). */
    private static AclBinding everyProvider(String user, String family, AclOperation op) {
        return allow(user, ResourceType.TOPIC, family + ".", PatternType.PREFIXED, op);
    }

    private Map<String, Object> principal(String user, java.util.function.Supplier<List<AclBinding>> acls) {
        if (!provisions) {
            return adminSettings;
        }
        return settings.computeIfAbsent(user, u -> {
            String password = password(u);
            provision(u, password, acls.get());
            return scram(u, password);
        });
    }

    private Admin adminClient() {
        Map<String, Object> p = new HashMap<>(adminSettings);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return Admin.create(p);
    }

    /** Upserts the user's SCRAM credential and its ACLs, and waits until the cluster applies both. */
    private void provision(String user, String password, List<AclBinding> acls) {
        try (Admin admin = adminClient()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), password))).all().get(30, TimeUnit.SECONDS);
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            AclBindingFilter mine = new AclBindingFilter(ResourcePatternFilter.ANY,
                    new AccessControlEntryFilter(user(user), null, AclOperation.ANY, AclPermissionType.ANY));
            while (true) {
                boolean known = admin.describeUserScramCredentials(List.of(user)).all().get(30, TimeUnit.SECONDS).containsKey(user);
                Set<AclBinding> applied = new HashSet<>(admin.describeAcls(mine).values().get(30, TimeUnit.SECONDS));
                if (known && applied.containsAll(acls)) {
                    return;
                }
                if (System.nanoTime() > until) {
                    throw new IllegalStateException("Kafka did not apply the credential and ACLs of " + user + " within 30 s");
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while provisioning Kafka principal " + user, e);
        } catch (Exception e) {
            if (e instanceof IllegalStateException ise) {
                throw ise;
            }
            throw new IllegalStateException("cannot provision Kafka principal " + user + " on " + bootstrapServers + ": " + e.getMessage(), e);
        }
    }

    /** A password for {@code user} derived from the admin's credentials: the same in every process that holds them. */
    private String password(String user) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(String.valueOf(adminSettings.get(SaslConfigs.SASL_JAAS_CONFIG)).getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(user.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static AclBinding allow(String user, ResourceType type, String name, PatternType pattern, AclOperation op) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(user(user), "*", op, AclPermissionType.ALLOW));
    }

    private static String user(String name) {
        return "User:" + name;
    }
}
