package org.chainmarket.placement.service;

import org.chainmarket.deploy.embedded.Ports;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.chainmarket.deploy.embedded.EmbeddedKafka;
import org.chainmarket.deploy.embedded.JvmProcess;
import org.chainmarket.deploy.embedded.TopicTail;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.DeadLetters;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.TopicInitializer;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.kafka.KafkaAccess;
import org.chainmarket.schemas.kafka.KafkaClients;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Path;
import org.chainmarket.schemas.model.VnfDemand;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The placement service as its own program (a separate JVM) against a real Kafka broker, as a deployment would run it. */
class PlacementProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void runsFromItsEnvironmentReportsItsHealthDeadLettersAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
        int healthPort = Ports.free();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            KafkaAccess access = KafkaAccess.secured(kafka.bootstrapServers(), kafka.adminSettings());
            TopicInitializer.ensureTopics(kafka.bootstrapServers(), 3, (short) 1, access.admin());
            Path credentials = KafkaAccess.writeProperties(access.placement(), dir.resolve("kafka.properties"));
            try (KafkaProducer<String, byte[]> broker = KafkaClients.producer(kafka.bootstrapServers(), "test-broker", access.broker());
                 TopicTail dlq = new TopicTail(kafka.bootstrapServers(), access.admin(), Topics.dlq(Topics.PLACEMENT_DEMAND));
                 JvmProcess placement = JvmProcess.start(PlacementMain.class.getName(), List.of("--http-port", "-1",
                                 "--kafka-properties", credentials.toString()),
                         Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "PLACEMENT_HEALTH_PORT", String.valueOf(healthPort)))) {
                await().atMost(WAIT).untilAsserted(() -> assertThat(JvmProcess.health(healthPort)).as("%s", placement).startsWith("200 ")
                        .contains("\"status\":\"UP\"").contains("\"plans\":0"));

                Instant now = Instant.now();
                ProducerRecord<String, byte[]> report = CloudEvents.encode(EventType.DEMAND_REPORTED, "firewall",
                        new VnfDemand("firewall", now, now.plusSeconds(300), List.of(), List.of()), "/broker");
                broker.send(new ProducerRecord<>(report.topic(), null, report.key(),
                        "{\"vnfType\": \"firewall\"}".getBytes(StandardCharsets.UTF_8), report.headers())).get(10, TimeUnit.SECONDS);
                await().atMost(WAIT).untilAsserted(() -> assertThat(dlq.records()).as("%s", placement).singleElement()
                        .satisfies(r -> assertThat(new String(r.headers().lastHeader(DeadLetters.REASON).value(),
                                StandardCharsets.UTF_8)).contains("$.windowStart")));
                assertThat(JvmProcess.health(healthPort)).contains("\"deadLettered\":1");

                int code = placement.stop(Duration.ofSeconds(30));
                assertThat(code).as("%s", placement).isIn(0, 143);
                assertThat(placement.output()).anySatisfy(l -> assertThat(l).contains("placement-engine stopped: 0 plans, 0 commands, 1 dead-lettered"));
                assertThat(placement.output()).as("%s", placement).noneSatisfy(l -> assertThat(l).containsAnyOf("ERROR", "Exception"));
            }
        }
    }
}
