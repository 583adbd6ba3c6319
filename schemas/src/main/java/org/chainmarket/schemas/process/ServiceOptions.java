package org.chainmarket.schemas.process;

import org.chainmarket.schemas.events.TopicInitializer;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * The options every service's command line shares, as a picocli mixin ({@code @Mixin ServiceOptions service = new
 * ServiceOptions(8081)}): the configuration file, where Kafka is and the settings of its clients, topic creation and the
 * health port. Read through {@link ServiceProcess#configure}, so each is also an environment variable or a key of the
 * {@code --config} file.
 */
public final class ServiceOptions {
    @Option(names = "--config", description = "properties file of options (key = option name without dashes)")
    Path config;

    @Option(names = "--bootstrap-servers", description = "Kafka (default: $KAFKA_BOOTSTRAP_SERVERS or ${DEFAULT-VALUE})",
            defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}")
    String bootstrapServers;

    @Option(names = "--kafka-properties", paramLabel = "FILE",
            description = "Kafka client settings applied last to every client (security.protocol, sasl.*, ssl.*, tuning)")
    Path kafkaProperties;

    @Option(names = "--create-topics", paramLabel = "PARTITIONS", description = "create missing topics with this many partitions")
    Integer partitions;

    @Option(names = "--health-port", description = "port of GET /health (default: ${DEFAULT-VALUE}; 0: any free port, -1: none)")
    int healthPort;

    /** @param defaultHealthPort the service's {@code --health-port} when none is configured */
    public ServiceOptions(int defaultHealthPort) {
        this.healthPort = defaultHealthPort;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public int healthPort() {
        return healthPort;
    }

    /**
     * Environment variables that are Kafka client settings (a principal's credentials handed over by a container
     * platform, such as a Kubernetes Secret's {@code sasl.jaas.config}), and the setting each is.
     */
    public static final Map<String, String> ENVIRONMENT_SETTINGS = Map.of(
            "KAFKA_SECURITY_PROTOCOL", "security.protocol",
            "KAFKA_SASL_MECHANISM", "sasl.mechanism",
            "KAFKA_SASL_JAAS_CONFIG", "sasl.jaas.config");

    /**
     * The client settings for every Kafka client of the service: those of {@link #ENVIRONMENT_SETTINGS} set in the
     * environment, then (overriding them) those of {@code --kafka-properties}; empty without either.
     *
     * @throws IllegalArgumentException when the file cannot be read
     */
    public Map<String, Object> clientOverrides() {
        return clientOverrides(System.getenv());
    }

    /** As {@link #clientOverrides()} with {@code environment} as the environment. */
    public Map<String, Object> clientOverrides(Map<String, String> environment) {
        Map<String, Object> out = new LinkedHashMap<>();
        ENVIRONMENT_SETTINGS.forEach((variable, setting) -> {
            String value = environment.get(variable);
            if (value != null && !value.isBlank()) {
                out.put(setting, value);
            }
        });
        if (kafkaProperties == null) {
            return out;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(kafkaProperties, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("Kafka client settings " + kafkaProperties + " cannot be read: " + e.getMessage(), e);
        }
        p.stringPropertyNames().stream().sorted().forEach(k -> out.put(k, p.getProperty(k)));
        return out;
    }

    /** Creates the missing topics when {@code --create-topics} asks for it, replicated as the cluster allows. */
    public void createTopics() {
        if (partitions != null) {
            TopicInitializer.ensureTopics(bootstrapServers, partitions, clientOverrides());
        }
    }

    /** Serves {@code /health} on {@code --health-port} and makes SIGTERM and Ctrl-C close {@code service}. */
    public ServiceProcess start(String name, AutoCloseable service, Supplier<ServiceProcess.Health> health) {
        return ServiceProcess.start(name, service, health, healthPort);
    }
}
