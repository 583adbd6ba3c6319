package org.chainmarket.monitoring.load;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.TopicInitializer;
import picocli.CommandLine;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Replays a telemetry {@link Scenario} of a {@link SyntheticFleet} to Kafka: every interval, one
 * {@code TelemetryReported} batch per provider on its own telemetry topic {@code chainmarket.telemetry.v1.<providerId>} (key provider id). Sample times
 * start now and advance by the interval each round; {@code --speedup} shortens the wall-clock wait between rounds.
 */
@CommandLine.Command(name = "load-generator", mixinStandardHelpOptions = true,
        description = "Replays telemetry scenarios (steady, hot-switch, instance-death, site-failure, hot-instance) to Kafka.")
public final class LoadGenerator implements Callable<Integer> {
    @CommandLine.Option(names = "--bootstrap-servers", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
            description = "Kafka (default: $KAFKA_BOOTSTRAP_SERVERS or ${DEFAULT-VALUE})")
    String bootstrapServers;

    @CommandLine.Option(names = "--scenario", defaultValue = "steady", converter = ScenarioConverter.class,
            description = "steady | hot-switch | instance-death | site-failure | hot-instance (default: ${DEFAULT-VALUE})")
    Scenario scenario;

    @CommandLine.Option(names = "--providers", defaultValue = "3", description = "providers (default: ${DEFAULT-VALUE})")
    int providers;

    @CommandLine.Option(names = "--instances", defaultValue = "50", description = "VNF instances per provider (default: ${DEFAULT-VALUE})")
    int instances;

    @CommandLine.Option(names = "--sites", defaultValue = "5", description = "sites per provider (default: ${DEFAULT-VALUE})")
    int sites;

    @CommandLine.Option(names = "--links", defaultValue = "10", description = "links per provider (default: ${DEFAULT-VALUE})")
    int links;

    @CommandLine.Option(names = "--rounds", defaultValue = "60", description = "rounds; the fault starts at 1/3, ends at 2/3 (default: ${DEFAULT-VALUE})")
    int rounds;

    @CommandLine.Option(names = "--interval-ms", defaultValue = "1000", description = "sample-time step per round (default: ${DEFAULT-VALUE})")
    long intervalMillis;

    @CommandLine.Option(names = "--speedup", defaultValue = "1", description = "wall-clock wait = interval / speedup (default: ${DEFAULT-VALUE})")
    double speedup;

    @CommandLine.Option(names = "--seed", defaultValue = "1")
    long seed;

    @CommandLine.Option(names = "--create-topics", description = "create missing topics (each provider's telemetry topic"
            + " included) with this many partitions")
    Integer partitions;

    @CommandLine.Option(names = "--kafka-properties", paramLabel = "FILE",
            description = "Kafka client settings (credentials: a principal allowed to write every provider's telemetry topic)")
    java.nio.file.Path kafkaProperties;

    public static void main(String[] args) {
        quietKafkaLogs();
        System.exit(new CommandLine(new LoadGenerator()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Map<String, Object> client = new java.util.HashMap<>();
        if (kafkaProperties != null) {
            java.util.Properties p = new java.util.Properties();
            try (var in = java.nio.file.Files.newInputStream(kafkaProperties)) {
                p.load(in);
            }
            p.forEach((k, v) -> client.put(String.valueOf(k), v));
        }
        SyntheticFleet fleet = new SyntheticFleet(providers, instances, sites, links, seed);
        if (partitions != null) {
            TopicInitializer.ensureTopics(bootstrapServers, partitions, (short) 1, client);
            for (int p = 0; p < providers; p++) {
                TopicInitializer.ensureProviderTopics(bootstrapServers, fleet.batch(p, Instant.now(), SyntheticFleet.Faults.NONE).providerId(),
                        partitions, (short) 1, client);
            }
        }
        Instant start = Instant.now();
        long samples = 0;
        long wait = Math.round(intervalMillis / speedup);
        Map<String, Object> settings = new java.util.HashMap<>(client);
        settings.putAll(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.ACKS_CONFIG, "all"));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer())) {
            for (int round = 0; round < rounds; round++) {
                Instant at = start.plus(Duration.ofMillis(round * intervalMillis));
                SyntheticFleet.Faults faults = scenario.faults(fleet, round, rounds);
                for (int p = 0; p < providers; p++) {
                    var batch = fleet.batch(p, at, faults);
                    producer.send(CloudEvents.toProvider(CloudEvents.encode(EventType.TELEMETRY_REPORTED, batch.providerId().value(),
                            batch, "/load-generator"), batch.providerId()));
                    samples += batch.size();
                }
                producer.flush();
                if (round == rounds / 3 || round == 2 * rounds / 3) {
                    System.out.printf("round %d: faults %s%n", round, faults);
                }
                if (wait > 0 && round + 1 < rounds) {
                    Thread.sleep(wait);
                }
            }
        }
        System.out.printf("%s: %d rounds, %d batches, %d samples sent to %s%n", scenario.cliName(), rounds,
                (long) rounds * providers, samples, bootstrapServers);
        return 0;
    }

    /** Sets slf4j-simple's Kafka loggers to WARN (before any logger is made). */
    public static void quietKafkaLogs() {
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.kafka", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.state.change.logger", "warn");
    }

    /** Reads a scenario's command-line name. */
    static final class ScenarioConverter implements CommandLine.ITypeConverter<Scenario> {
        @Override
        public Scenario convert(String value) {
            return Scenario.parse(value);
        }
    }
}
