package org.chainmarket.deploy.embedded;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A real single-node Kafka broker in KRaft mode (broker and controller in one process), on two free loopback
 * ports. Its log lives either in a temporary directory that {@link #close()} deletes ({@link #start()}), or in a
 * directory that outlives it ({@link #start(Path)}): formatted on first use, then reopened with the same cluster
 * id, topics, records, committed consumer offsets, users and ACLs.
 *
 * <p>Clients must authenticate: its listener is SASL_PLAINTEXT with SCRAM-SHA-512, and the KRaft
 * {@code StandardAuthorizer} allows only what an ACL allows. Its one user at first is the super user {@value #ADMIN}
 * ({@link #adminSettings()}), whose SCRAM credential is written when the log is formatted, with a random password
 * kept in the log directory ({@value #ADMIN_PASSWORD_FILE}, owner-readable only); the marketplace's principals and
 * their ACLs are created with it ({@code org.chainmarket.schemas.kafka.KafkaAccess}). The controller listener takes
 * only the super user (SASL/PLAIN), and only on loopback.
 *
 * <p>{@link #startNode} runs one node of a cluster of several (each broker and controller, each usually in its own
 * process: {@link KafkaMain}): all share one cluster id, the static {@code controller.quorum.voters} of all nodes, and
 * the super user's password, which the caller writes into every node's log directory ({@value #ADMIN_PASSWORD_FILE})
 * before the first start. Its internal topics (consumer offsets, transaction state) get min(3, nodes) replicas, with
 * {@code min.insync.replicas} 2 from three nodes on, like the marketplace's own topics.
 */
public final class EmbeddedKafka implements KafkaServer {
    /** The super user. */
    public static final String ADMIN = "admin";
    /** Where, in the log directory, the super user's password is kept. */
    public static final String ADMIN_PASSWORD_FILE = "chainmarket-admin.password";
    private final KafkaRaftServer server;
    private final Path logDir;
    private final boolean temporary;
    private final String bootstrapServers;

    private final String adminPassword;

    /** One node of a cluster: its id and its two loopback ports ({@code id:port:controllerPort} as text). */
    public record Node(int id, int port, int controllerPort) {
        /** A node with two loopback ports free at the time of asking. */
        public static Node free(int id) {
            return new Node(id, Ports.free(), Ports.free());
        }

        /** {@code id:port:controllerPort}. */
        public static Node parse(String text) {
            String[] p = text.split(":");
            if (p.length != 3) {
                throw new IllegalArgumentException("a Kafka node is id:port:controllerPort, not " + text);
            }
            return new Node(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]));
        }

        public String bootstrapServer() {
            return "127.0.0.1:" + port;
        }

        @Override
        public String toString() {
            return id + ":" + port + ":" + controllerPort;
        }
    }

    private EmbeddedKafka(KafkaRaftServer server, Path logDir, boolean temporary, String bootstrapServers, String adminPassword) {
        this.adminPassword = adminPassword;
        this.server = server;
        this.logDir = logDir;
        this.temporary = temporary;
        this.bootstrapServers = bootstrapServers;
    }

    /** A broker on a fresh temporary log that {@link #close()} deletes. */
    public static EmbeddedKafka start() {
        try {
            return start(Files.createTempDirectory("chainmarket-kafka"), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary Kafka log directory", e);
        }
    }

    /**
     * A broker whose log is kept in {@code logDir} (created and formatted when it holds no log yet); a later start on
     * the same directory resumes with everything the broker held. Ports are chosen afresh on every start.
     */
    public static EmbeddedKafka start(Path logDir) {
        return start(logDir, false, Ports.free(), Ports.free());
    }

    /**
     * A broker whose log is kept in {@code logDir}, listening on the given loopback ports: a restart on the same
     * directory and ports is, to its clients, the same broker back again.
     */
    public static EmbeddedKafka start(Path logDir, int port, int controllerPort) {
        return start(logDir, false, port, controllerPort);
    }

    /**
     * Node {@code self} of the cluster {@code clusterId} made of {@code nodes}, its log kept in {@code logDir}
     * (formatted on first use with the super user's password found there, {@value #ADMIN_PASSWORD_FILE}).
     */
    public static EmbeddedKafka startNode(Path logDir, String clusterId, Node self, List<Node> nodes) {
        if (!nodes.contains(self)) {
            throw new IllegalArgumentException("node " + self + " is not one of the cluster's nodes " + nodes);
        }
        if (!Files.exists(logDir.resolve(ADMIN_PASSWORD_FILE))) {
            throw new IllegalArgumentException("a cluster node needs the super user's password in " + logDir.resolve(ADMIN_PASSWORD_FILE));
        }
        return start(logDir, false, clusterId, self, nodes);
    }

    /** Writes the super user's password for a cluster node's log directory (before its first start), and returns it. */
    public static String writeAdminPassword(Path logDir, String password) {
        try {
            Files.createDirectories(logDir);
            Path secret = logDir.resolve(ADMIN_PASSWORD_FILE);
            Files.writeString(secret, password);
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
            return password;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Kafka admin password in " + logDir, e);
        }
    }

    /** A random password for the super user. */
    public static String newAdminPassword() {
        return newPassword();
    }

    private static EmbeddedKafka start(Path dir, boolean temporary) {
        return start(dir, temporary, Ports.free(), Ports.free());
    }

    private static EmbeddedKafka start(Path dir, boolean temporary, int port, int controller) {
        Node self = new Node(1, port, controller);
        return start(dir, temporary, null, self, List.of(self));
    }

    private static EmbeddedKafka start(Path dir, boolean temporary, String clusterId, Node self, List<Node> nodes) {
        int port = self.port();
        try {
            Files.createDirectories(dir);
            boolean formatted = Files.exists(dir.resolve("meta.properties"));
            if (formatted && !Files.exists(dir.resolve(ADMIN_PASSWORD_FILE))) {
                throw new IllegalStateException("the Kafka log in " + dir + " was made before the broker required authentication"
                        + " (it has no " + ADMIN_PASSWORD_FILE + "): start on a fresh directory");
            }
            boolean given = Files.exists(dir.resolve(ADMIN_PASSWORD_FILE));
            String password = formatted || given ? Files.readString(dir.resolve(ADMIN_PASSWORD_FILE)).trim() : newPassword();
            if (!formatted) {
                new Formatter()
                        .setNodeId(self.id())
                        .setClusterId(clusterId != null ? clusterId : Uuid.randomUuid().toString())
                        .setControllerListenerName("CONTROLLER")
                        .setMetadataLogDirectory(dir.toString())
                        .addDirectory(dir.toString())
                        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                        .setScramArguments(List.of("SCRAM-SHA-512=[name=" + ADMIN + ",password=" + password + "]"))
                        .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                        .run();
                Path secret = dir.resolve(ADMIN_PASSWORD_FILE);
                Files.writeString(secret, password);
                try {
                    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // a file system without POSIX permissions: the directory's own protection applies
                }
            }
            Properties p = nodeProperties(self, nodes, password);
            p.put("log.dirs", dir.toString());
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
            server.startup();
            return new EmbeddedKafka(server, dir, temporary, "127.0.0.1:" + port, password);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the embedded Kafka broker: " + e.getMessage(), e);
        }
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * The super user's client settings (security protocol, mechanism, credentials), to add to any client's: the
     * harness's own clients and the provisioning of the marketplace's principals.
     */
    @Override
    public Map<String, Object> adminSettings() {
        return clientSettings(ADMIN, adminPassword);
    }

    /** The super user's client settings of the broker whose log is in {@code logDir} (a broker run as a process of its own). */
    public static Map<String, Object> adminSettings(Path logDir) {
        try {
            return clientSettings(ADMIN, Files.readString(logDir.resolve(ADMIN_PASSWORD_FILE)).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("no Kafka admin credentials in " + logDir + ": " + e.getMessage(), e);
        }
    }

    /** A client's settings to log in as {@code user} with SCRAM-SHA-512. */
    public static Map<String, Object> clientSettings(String user, String password) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", scramJaas(user, password));
    }

    private static String scramJaas(String password) {
        return scramJaas(ADMIN, password);
    }

    private static String scramJaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\"" + password + "\";";
    }

    /**
     * The node's server properties (all but {@code log.dirs}): one KRaft node, broker and controller, its client
     * listener on loopback port {@code port} (SASL_PLAINTEXT, SCRAM-SHA-512), its controller listener on
     * {@code controller} (SASL/PLAIN, the super user only), the {@code StandardAuthorizer} with {@value #ADMIN} as super
     * user whose password is {@code password}. The same node runs in a container ({@code TestInfrastructure}).
     */
    public static Properties nodeProperties(int port, int controller, String password) {
        Node self = new Node(1, port, controller);
        return nodeProperties(self, List.of(self), password);
    }

    /**
     * The server properties (all but {@code log.dirs}) of node {@code self} of the cluster {@code nodes}: the static
     * quorum of all nodes' controller listeners, and internal topics with min(3, nodes) replicas and
     * {@code min.insync.replicas} 2 from three nodes on; otherwise as {@link #nodeProperties(int, int, String)}.
     */
    public static Properties nodeProperties(Node self, List<Node> nodes, String password) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(self.id()));
        p.put("controller.quorum.voters", String.join(",", nodes.stream().map(n -> n.id() + "@127.0.0.1:" + n.controllerPort()).toList()));
        p.put("listeners", "CLIENT://127.0.0.1:" + self.port() + ",CONTROLLER://127.0.0.1:" + self.controllerPort());
        p.put("advertised.listeners", "CLIENT://127.0.0.1:" + self.port());
        p.put("listener.security.protocol.map", "CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "CLIENT");
        p.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        p.put("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512");
        p.put("listener.name.client.scram-sha-512.sasl.jaas.config", scramJaas(password));
        p.put("sasl.mechanism.controller.protocol", "PLAIN");
        p.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        p.put("listener.name.controller.plain.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"" + ADMIN + "\" password=\"" + password + "\" user_" + ADMIN + "=\"" + password + "\";");
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("super.users", "User:" + ADMIN);
        p.put("allow.everyone.if.no.acl.found", "false");
        String replicas = String.valueOf(Math.min(3, nodes.size()));
        String minInsync = nodes.size() >= 3 ? "2" : "1";
        p.put("offsets.topic.replication.factor", replicas);
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", replicas);
        p.put("transaction.state.log.min.isr", minInsync);
        p.put("default.replication.factor", replicas);
        p.put("min.insync.replicas", minInsync);
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.partitions", "3");
        p.put("auto.create.topics.enable", "false");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        return p;
    }

    /** A fresh random password for the super user. */
    public static String newPassword() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The directory holding the broker's log (and its cluster id, in {@code meta.properties}). */
    public Path logDir() {
        return logDir;
    }

    /** Stops the broker (a controlled shutdown that flushes its log); deletes the log only when it was temporary. */
    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        if (temporary) {
            DataDirectory.deleteRecursively(logDir);
        }
    }
}
