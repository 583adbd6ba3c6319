package org.chainmarket.deploy.embedded;

import org.apache.kafka.common.Uuid;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A KRaft Kafka cluster of several nodes, each broker and controller in a JVM of its own ({@link KafkaMain}
 * {@code --cluster}), on log directories under one root and ports fixed for the cluster's whole life: a node killed and
 * started again is the same node back, with its log. All nodes share one cluster id, the static quorum of all of them,
 * and the super user's password (written into every node's log directory before the first start).
 * {@link #kill} kills one node (SIGKILL), as the multi-process tests' fault.
 */
public final class KafkaCluster implements AutoCloseable {
    private static final Duration START = Duration.ofSeconds(180);
    private final Path root;
    private final String clusterId = Uuid.randomUuid().toString();
    private final List<EmbeddedKafka.Node> nodes = new ArrayList<>();
    private final Map<Integer, JvmProcess> processes = new LinkedHashMap<>();
    private final List<String> jvmOptions;

    /**
     * Starts {@code size} nodes under {@code root} (one log directory each, {@code node-<id>}), each a JVM with
     * {@code jvmOptions}, and waits until all listen.
     */
    public static KafkaCluster start(Path root, int size, List<String> jvmOptions) throws InterruptedException {
        KafkaCluster cluster = new KafkaCluster(root, size, jvmOptions);
        try {
            cluster.nodes.forEach(n -> cluster.launch(n.id()));
            for (int id : cluster.processes.keySet()) {
                cluster.processes.get(id).awaitLine(KafkaMain.READY, START);
            }
            return cluster;
        } catch (RuntimeException | InterruptedException e) {
            cluster.close();
            throw e;
        }
    }

    private KafkaCluster(Path root, int size, List<String> jvmOptions) {
        this.root = root;
        this.jvmOptions = List.copyOf(jvmOptions);
        String password = EmbeddedKafka.newAdminPassword();
        for (int id = 1; id <= size; id++) {
            nodes.add(EmbeddedKafka.Node.free(id));
            EmbeddedKafka.writeAdminPassword(logDir(id), password);
        }
    }

    private Path logDir(int id) {
        return root.resolve("node-" + id);
    }

    private void launch(int id) {
        String all = nodes.stream().map(EmbeddedKafka.Node::toString).collect(Collectors.joining(","));
        processes.put(id, JvmProcess.start(jvmOptions, KafkaMain.class.getName(),
                List.of(logDir(id).toString(), "--cluster", clusterId, String.valueOf(id), all), Map.of()));
    }

    /** Every node's client address, comma-separated (a client's {@code bootstrap.servers}). */
    public String bootstrapServers() {
        return nodes.stream().map(EmbeddedKafka.Node::bootstrapServer).collect(Collectors.joining(","));
    }

    /** The super user's client settings. */
    public Map<String, Object> adminSettings() {
        return EmbeddedKafka.adminSettings(logDir(1));
    }

    /** The nodes' ids. */
    public List<Integer> ids() {
        return nodes.stream().map(EmbeddedKafka.Node::id).toList();
    }

    /** Kills node {@code id} at once (SIGKILL: no controlled shutdown). */
    public void kill(int id) throws InterruptedException {
        processes.get(id).kill();
    }

    /**
     * Kills every node still running: a cluster's last nodes cannot stop in a controlled way once the quorum is gone,
     * and the logs are left as they were.
     */
    @Override
    public void close() throws InterruptedException {
        for (JvmProcess p : processes.values()) {
            if (p.isAlive()) {
                p.kill();
            }
        }
    }
}
