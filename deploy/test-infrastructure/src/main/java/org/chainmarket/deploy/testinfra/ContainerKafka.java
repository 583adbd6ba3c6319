package org.chainmarket.deploy.testinfra;

import org.chainmarket.deploy.embedded.Ports;
import org.apache.kafka.common.Uuid;
import org.chainmarket.deploy.embedded.EmbeddedKafka;
import org.chainmarket.deploy.embedded.KafkaServer;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The node {@link EmbeddedKafka} runs (same server properties, {@link EmbeddedKafka#nodeProperties}), in a container
 * from {@value #IMAGE} on the host's network: it listens on two free loopback ports, so its advertised address is
 * the one clients use. Its log is in the container's memory (tmpfs) and goes with it.
 */
public final class ContainerKafka implements KafkaServer {
    public static final String IMAGE = "chainmarket-kafka:0.1.0";
    /** In memory: a tmpfs at a path the image does not have (over an existing directory Docker keeps its owner). */
    private static final String LOG_DIR = "/var/lib/kafka/tmpfs";
    private final GenericContainer<?> container;
    private final String bootstrapServers;
    private final String clusterId;
    private final String password;

    private ContainerKafka(GenericContainer<?> container, String bootstrapServers, String clusterId, String password) {
        this.container = container;
        this.bootstrapServers = bootstrapServers;
        this.clusterId = clusterId;
        this.password = password;
    }

    /** Starts a node in a new container and waits until it takes connections. */
    @SuppressWarnings("resource")
    public static ContainerKafka start() {
        int port = Ports.free();
        int controller = Ports.free();
        String password = EmbeddedKafka.newPassword();
        String clusterId = Uuid.randomUuid().toString();
        Properties node = EmbeddedKafka.nodeProperties(port, controller, password);
        node.put("log.dirs", LOG_DIR);
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withNetworkMode("host")
                .withLabel(TestInfrastructure.LABEL, "kafka")
                .withTmpFs(Map.of(LOG_DIR, "rw,mode=1777"))
                .withEnv(environment(node))
                .withEnv("CLUSTER_ID", clusterId)
                .withEnv("KAFKA_FORMAT_SCRAM", "SCRAM-SHA-512=[name=" + EmbeddedKafka.ADMIN + ",password=" + password + "]")
                .waitingFor(Wait.forLogMessage(".*Kafka Server started.*", 1).withStartupTimeout(Duration.ofMinutes(3)));
        c.start();
        return new ContainerKafka(c, "127.0.0.1:" + port, clusterId, password);
    }

    /** Server properties as the image takes them: {@code KAFKA_} and the name in upper case, "." as "_", "_" as "__", "-" as "___". */
    static Map<String, String> environment(Properties properties) {
        Map<String, String> env = new HashMap<>();
        properties.forEach((k, v) -> env.put("KAFKA_" + k.toString().replace("_", "__").replace("-", "___").replace(".", "_")
                .toUpperCase(Locale.ROOT), v.toString()));
        return env;
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public Map<String, Object> adminSettings() {
        return EmbeddedKafka.clientSettings(EmbeddedKafka.ADMIN, password);
    }

    /** The cluster id the node was formatted with. */
    public String clusterId() {
        return clusterId;
    }

    /** The container's id on the Docker engine. */
    public String containerId() {
        return container.getContainerId();
    }

    public boolean isRunning() {
        return container.isRunning();
    }

    /** Stops and removes the container (its log with it). */
    @Override
    public void close() {
        container.stop();
    }
}
