package org.chainmarket.adapters.runner;

import org.chainmarket.deploy.embedded.Ports;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.chainmarket.deploy.embedded.EmbeddedKafka;
import org.chainmarket.deploy.embedded.JvmProcess;
import org.chainmarket.deploy.embedded.TopicTail;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.events.TopicInitializer;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.kafka.KafkaAccess;
import org.chainmarket.schemas.kafka.KafkaClients;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The adapter runner as its own program (a separate JVM) against a real Kafka broker, as a provider would run it. */
class AdapterProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void runsFromItsDomainFileAdvertisesAcknowledgesAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
        ProviderId p = ProviderId.of("proc-east");
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("domain", AdapterRunnerKafkaTest.domainOf(p));
        file.put("offers", List.of(AdapterRunnerKafkaTest.offer(p, "fw")));
        Path domainFile = dir.resolve("east.json");
        Files.write(domainFile, Json.bytes(file));
        Path config = dir.resolve("adapter.properties");
        Files.writeString(config, "kind=emulated\nhealth-port=1\n");
        int healthPort = Ports.free();

        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             KafkaProducer<String, byte[]> broker = KafkaClients.producer(kafka.bootstrapServers(), "test-broker", kafka.adminSettings())) {
            KafkaAccess access = KafkaAccess.secured(kafka.bootstrapServers(), kafka.adminSettings());
            TopicInitializer.ensureTopics(kafka.bootstrapServers(), 3, (short) 1, access.admin());
            // the provider's own principal, handed to its program as a client properties file
            Path credentials = KafkaAccess.writeProperties(access.adapter(p), dir.resolve("kafka.properties"));
            try (TopicTail domains = new TopicTail(kafka.bootstrapServers(), access.admin(), Topics.forProvider(Topics.PROVIDER_DOMAINS, p));
                 TopicTail acks = new TopicTail(kafka.bootstrapServers(), access.admin(), Topics.forProvider(Topics.DOMAIN_ACKS, p));
                 // options from the command line, the environment (over the file's health-port) and the file
                 JvmProcess adapter = JvmProcess.start(AdapterMain.class.getName(),
                         List.of("--config", config.toString(), "--domain", domainFile.toString(),
                                 "--kafka-properties", credentials.toString()),
                         Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "ADAPTER_HEALTH_PORT", String.valueOf(healthPort)))) {
                await().atMost(WAIT).untilAsserted(() -> assertThat(domains.records()).as("%s", adapter)
                        .anySatisfy(r -> assertThat(CloudEvents.decode(r).payload(ProviderDomain.class)).isEqualTo(
                                AdapterRunnerKafkaTest.domainOf(p))));
                await().atMost(WAIT).untilAsserted(() -> assertThat(JvmProcess.health(healthPort)).as("%s", adapter)
                        .contains("\"status\":\"UP\"").contains("\"provider\":\"proc-east\""));

                DomainCommand setup = AdapterRunnerKafkaTest.setup("proc-setup", "chain-proc", p);
                broker.send(CloudEvents.toProvider(CloudEvents.encode(EventType.PATH_SETUP_REQUESTED, "chain-proc", setup, "/broker"), p))
                        .get(10, TimeUnit.SECONDS);
                await().atMost(WAIT).untilAsserted(() -> assertThat(acks.records()).as("%s", adapter).anySatisfy(r -> {
                    CloudEvents.Event e = CloudEvents.decode(r);
                    assertThat(e.id()).isEqualTo(DomainAck.eventId(p, "proc-setup"));
                    assertThat(e.payload(DomainAck.class).success()).isTrue();
                    assertThat(e.payload(DomainAck.class).flowEntries()).isNotEmpty();
                }));
                assertThat(JvmProcess.health(healthPort)).contains("\"commandsHandedOff\":1");

                int code = adapter.stop(Duration.ofSeconds(30));
                assertThat(code).as("%s", adapter).isIn(0, 143);
                assertThat(adapter.output()).anySatisfy(l -> assertThat(l).contains("adapter proc-east stopped: 1 commands handed off"));
                assertThat(adapter.output()).as("%s", adapter).noneSatisfy(l -> assertThat(l).containsAnyOf("ERROR", "Exception"));
            }
        }
    }
}
