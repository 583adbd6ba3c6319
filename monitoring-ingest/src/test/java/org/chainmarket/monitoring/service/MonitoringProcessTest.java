package org.chainmarket.monitoring.service;

import org.chainmarket.deploy.embedded.Ports;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.chainmarket.deploy.embedded.EmbeddedKafka;
import org.chainmarket.deploy.embedded.JvmProcess;
import org.chainmarket.deploy.embedded.TopicTail;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.TopicInitializer;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.kafka.KafkaAccess;
import org.chainmarket.schemas.kafka.KafkaClients;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Path;
import org.chainmarket.schemas.model.InstanceContext;
import org.chainmarket.schemas.model.InstanceStatus;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.TelemetryBatch;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** monitoring-ingest as its own program (a separate JVM) against a real Kafka broker, as a deployment would run it. */
class MonitoringProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void turnsTelemetryIntoContextReportsItsHealthAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
        int healthPort = Ports.free();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            KafkaAccess access = KafkaAccess.secured(kafka.bootstrapServers(), kafka.adminSettings());
            TopicInitializer.ensureTopics(kafka.bootstrapServers(), 3, (short) 1, access.admin());
            Path credentials = KafkaAccess.writeProperties(access.monitoring(), dir.resolve("kafka.properties"));
            ProviderId east = ProviderId.of("east");
            try (KafkaProducer<String, byte[]> provider = KafkaClients.producer(kafka.bootstrapServers(), "test-provider", access.adapter(east));
                 TopicTail contexts = new TopicTail(kafka.bootstrapServers(), access.admin(), Topics.INSTANCE_CONTEXT);
                 JvmProcess monitoring = JvmProcess.start(MonitoringMain.class.getName(), List.of("--consumers", "2", "--tick-ms", "100",
                                 "--kafka-properties", credentials.toString()),
                         Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "MONITORING_HEALTH_PORT", String.valueOf(healthPort)))) {
                await().atMost(WAIT).untilAsserted(() -> assertThat(JvmProcess.health(healthPort)).as("%s", monitoring).startsWith("200 ")
                        .contains("\"status\":\"UP\""));
                TelemetryBatch batch = new TelemetryBatch(ProviderId.of("east"), Instant.now(), List.of(new TelemetryBatch.VnfSample(
                        OfferId.of("east-fw"), Instant.now(), InstanceStatus.UP, 0.4, 0.3, 100, 100, 0.5, 1)), List.of());
                provider.send(CloudEvents.toProvider(CloudEvents.encode(EventType.TELEMETRY_REPORTED, "east", batch, "/providers/east"), east))
                        .get(10, TimeUnit.SECONDS);

                await().atMost(WAIT).untilAsserted(() -> assertThat(contexts.records()).as("%s", monitoring).anySatisfy(r -> {
                    InstanceContext c = CloudEvents.decode(r).payload(InstanceContext.class);
                    assertThat(c.offerId()).isEqualTo(OfferId.of("east-fw"));
                    assertThat(c.cpuAvg()).isEqualTo(0.4);
                }));
                assertThat(JvmProcess.health(healthPort)).contains("\"samples\":1");

                int code = monitoring.stop(Duration.ofSeconds(30));
                assertThat(code).as("%s", monitoring).isIn(0, 143);
                assertThat(monitoring.output()).anySatisfy(l -> assertThat(l).contains("monitoring-ingest stopped: 1 samples in 1 batches"));
                assertThat(monitoring.output()).as("%s", monitoring).noneSatisfy(l -> assertThat(l).containsAnyOf("ERROR", "Exception"));
            }
        }
    }
}
