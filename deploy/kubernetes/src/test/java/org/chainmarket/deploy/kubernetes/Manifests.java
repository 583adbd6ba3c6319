package org.chainmarket.deploy.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import org.apache.kafka.common.acl.AclBinding;
import org.chainmarket.schemas.kafka.KafkaAccess;
import org.chainmarket.schemas.model.ProviderId;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads every document of every manifest in {@code manifests/} into the Kubernetes (fabric8) and Strimzi model
 * classes, and finds fields the models do not know (a typo, a field in the wrong place, a field a newer API removed):
 * the models keep those in {@code additionalProperties} instead of failing.
 */
final class Manifests {
    static final Path DIR = Path.of("manifests");
    /** The Strimzi API version the manifests use (served by Strimzi 0.49). */
    static final String STRIMZI = "kafka.strimzi.io/v1beta2";
    /** Kinds of operators with no Java model here; read as generic resources and checked field by field. */
    static final Set<String> WITHOUT_MODEL = Set.of("postgresql.cnpg.io/v1 Cluster");
    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

    /** One document of a manifest file, parsed. */
    record Document(Path file, int index, HasMetadata resource) {
        @Override
        public String toString() {
            return file.getFileName() + "#" + index + " " + resource.getKind() + "/" + resource.getMetadata().getName();
        }
    }

    private Manifests() {
    }

    static List<Document> load() {
        KubernetesSerialization serialization = new KubernetesSerialization();
        serialization.registerKubernetesResource(STRIMZI, "Kafka", Kafka.class);
        serialization.registerKubernetesResource(STRIMZI, "KafkaNodePool", KafkaNodePool.class);
        serialization.registerKubernetesResource(STRIMZI, "KafkaTopic", KafkaTopic.class);
        serialization.registerKubernetesResource(STRIMZI, "KafkaUser", io.strimzi.api.kafka.model.user.KafkaUser.class);
        List<Document> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                int index = 0;
                for (String text : DOCUMENT_SEPARATOR.split(Files.readString(file))) {
                    if (text.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
                        continue;
                    }
                    Object parsed = serialization.unmarshal(text);
                    if (!(parsed instanceof HasMetadata resource)) {
                        throw new AssertionError(file + " document " + index + " is not a Kubernetes resource: " + parsed);
                    }
                    out.add(new Document(file, index++, resource));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The demo providers the manifests and the compose file run an adapter for. */
    static final List<String> DEMO_PROVIDERS = List.of("west", "central", "east");

    /**
     * The Kafka principals of the services the manifests and the compose file run (the placement service is not among
     * them), each with its ACLs as schemas' {@link KafkaAccess} gives them, each ACL written by {@link #acl}.
     */
    static Map<String, Set<String>> principals() {
        Map<String, Set<String>> out = new java.util.TreeMap<>();
        out.put(KafkaAccess.BROKER, acls(KafkaAccess.brokerAcls()));
        out.put(KafkaAccess.MONITORING, acls(KafkaAccess.monitoringAcls()));
        for (String p : DEMO_PROVIDERS) {
            ProviderId provider = ProviderId.of(p);
            out.put(KafkaAccess.adapterPrincipal(provider), acls(KafkaAccess.adapterAcls(provider)));
        }
        return out;
    }

    private static Set<String> acls(List<AclBinding> bindings) {
        return bindings.stream().map(b -> acl(b.entry().permissionType().name(), b.entry().operation().name(),
                b.pattern().resourceType().name(), b.pattern().patternType().name(),
                b.pattern().resourceType() == org.apache.kafka.common.resource.ResourceType.CLUSTER ? "" : b.pattern().name()))
                .collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    /**
     * One ACL in one spelling whatever wrote it: {@code allow read topic literal chainmarket.offers.v1.west}; operations
     * without their underscores ({@code DESCRIBE_CONFIGS}, {@code DescribeConfigs}: {@code describeconfigs}), a
     * prefix pattern as {@code prefixed}, the cluster without a name.
     */
    static String acl(String permission, String operation, String resourceType, String patternType, String name) {
        String pattern = patternType.toLowerCase(Locale.ROOT).startsWith("prefix") ? "prefixed" : "literal";
        return String.join(" ", permission.toLowerCase(Locale.ROOT), operation.replace("_", "").toLowerCase(Locale.ROOT),
                resourceType.toLowerCase(Locale.ROOT), pattern, name == null ? "" : name).strip();
    }

    static <T extends HasMetadata> List<T> all(List<Document> documents, Class<T> type) {
        return documents.stream().map(Document::resource).filter(type::isInstance).map(type::cast).toList();
    }

    static boolean modelled(HasMetadata resource) {
        return !(resource instanceof GenericKubernetesResource)
                || !WITHOUT_MODEL.contains(resource.getApiVersion() + " " + resource.getKind());
    }

    /** Paths (like {@code spec.template.spec.containers[0].readinesProbe}) of fields the model did not recognise. */
    static List<String> unknownFields(Object resource) {
        List<String> out = new ArrayList<>();
        walk(resource, "", out, new IdentityHashMap<>());
        return out;
    }

    private static void walk(Object value, String path, List<String> out, Map<Object, Boolean> seen) {
        if (value == null || seen.put(value, Boolean.TRUE) != null) {
            return;
        }
        if (value instanceof Collection<?> c) {
            int i = 0;
            for (Object v : c) {
                walk(v, path + "[" + i++ + "]", out, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> walk(v, path + "." + k, out, seen));
            return;
        }
        String pkg = value.getClass().getPackageName();
        if (!pkg.startsWith("io.fabric8") && !pkg.startsWith("io.strimzi")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers()) || getter.getDeclaringClass() == Object.class
                    || !(getter.getName().startsWith("get") || getter.getName().startsWith("is"))) {
                continue;
            }
            Object child;
            try {
                child = getter.invoke(value);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue;
            }
            String field = path + "." + decapitalize(getter.getName().replaceFirst("^(get|is)", ""));
            if (getter.getName().equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra) {
                    extra.keySet().forEach(k -> out.add(path + "." + k));
                }
            } else {
                walk(child, field, out, seen);
            }
        }
    }

    private static String decapitalize(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
