package org.chainmarket.broker;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.chainmarket.deploy.embedded.TopicTail;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.DeadLetters;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.kafka.KafkaClients;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.ProviderId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A provider forges another domain's acknowledgement. Its principal may not write the other provider's topic at all;
 * what it may write, its own topic, carries only its own answers: an acknowledgement there claiming the other domain
 * is dead-lettered with the reason, and the chain it names is not activated by it (it fails when the silent domain's
 * deadline passes).
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForgedAckTest implements TestPropertyProvider {
    static final String P = "forge";
    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        return Callers.properties();
    }

    @Test
    @SuppressWarnings("unchecked")
    void anAckClaimingAnotherDomainIsDeadLetteredAndChangesNoChain() throws Exception {
        TwoDomains.register(http, P, 10000, 1, 1000);
        ProviderId west = ProviderId.of(P + "-west");
        ProviderId east = ProviderId.of(P + "-east");
        String westCommands = Topics.forProvider(Topics.DOMAIN_COMMANDS, west);
        try (TopicTail commands = new TopicTail(Infra.bootstrapServers(), Infra.admin(), westCommands);
             TopicTail dlq = new TopicTail(Infra.bootstrapServers(), Infra.admin(), Topics.dlq(Topics.DOMAIN_ACKS));
             // east's domain answers honestly, west's never does
             AckingDomains domains = new AckingDomains(Infra.bootstrapServers(), P,
                     c -> c.providerId().equals(west) ? AckingDomains.Reply.SILENT : AckingDomains.Reply.ACK);
             KafkaProducer<String, byte[]> eastAdapter = KafkaClients.producer(Infra.bootstrapServers(), "forger",
                     Infra.kafka().adapter(east))) {
            HttpResponse<Map> ordered = TwoDomains.exchange(http, HttpRequest.POST("/api/v1/chains", TwoDomains.order(P, 100))
                    .contentType(MediaType.APPLICATION_JSON));
            assertThat(ordered.code()).isEqualTo(201);
            String chain = (String) ordered.getBody(Map.class).orElseThrow().get("chainId");
            DomainCommand westSetup = await().atMost(Duration.ofSeconds(30)).until(() -> commands.records().stream()
                    .filter(r -> chain.equals(r.key())).map(r -> CloudEvents.decode(r).payload(DomainCommand.class)).findFirst(),
                    java.util.Optional::isPresent).orElseThrow();

            DomainAck forged = new DomainAck(westSetup.commandId(), westSetup.chainId(), west, DomainCommand.Operation.SETUP, true,
                    null, List.of(), Instant.now());
            var record = CloudEvents.encode(DomainAck.eventId(west, forged.commandId()), EventType.DOMAIN_ACKNOWLEDGED, chain,
                    Json.bytes(forged), "/providers/" + west);
            assertThatThrownBy(() -> eastAdapter.send(CloudEvents.toProvider(record, west)).get(30, TimeUnit.SECONDS))
                    .as("east may not write west's acknowledgements").isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
            eastAdapter.send(CloudEvents.toProvider(record, east)).get(30, TimeUnit.SECONDS);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(dlq.records().stream()
                    .filter(r -> chain.equals(r.key())).toList()).singleElement().satisfies(r -> {
                        assertThat(header(r, DeadLetters.REASON)).contains("'" + west + "' on " + Topics.forProvider(Topics.DOMAIN_ACKS, east));
                        assertThat(header(r, DeadLetters.ORIGIN)).startsWith(Topics.forProvider(Topics.DOMAIN_ACKS, east) + "/");
                    }));
            Map<String, Object> ended = await().atMost(Duration.ofSeconds(30)).until(() -> chainView(chain),
                    c -> !"SETTING_UP".equals(c.get("state")));
            assertThat(ended.get("state")).as("west never answered: the forged answer did not count").isEqualTo("FAILED");
        }
    }

    private Map<String, Object> chainView(String id) {
        @SuppressWarnings("unchecked")
        Map<String, Object> c = TwoDomains.exchange(http, HttpRequest.GET("/api/v1/chains/" + id)).getBody(Map.class).orElseThrow();
        return c;
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
