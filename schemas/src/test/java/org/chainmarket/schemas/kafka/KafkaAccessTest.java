package org.chainmarket.schemas.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.chainmarket.deploy.embedded.EmbeddedKafka;
import org.chainmarket.deploy.embedded.TopicTail;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.DeadLetters;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.events.TopicInitializer;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.CatalogueEntry;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.InstanceAck;
import org.chainmarket.schemas.model.InstanceCommand;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.TelemetryBatch;
import org.chainmarket.schemas.model.VnfOffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The marketplace's principals on a real embedded broker (SCRAM, StandardAuthorizer): a provider's adapter reads only
 * its own commands and writes only its own answers and advertisements, only monitoring-ingest writes contexts and
 * degradations, and a record on a provider's topic that speaks for another provider is dead-lettered by the family's
 * consumer.
 */
class KafkaAccessTest {
    private static final ProviderId WEST = ProviderId.of("west");
    private static final ProviderId EAST = ProviderId.of("east");
    private static EmbeddedKafka kafka;
    private static KafkaAccess access;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
        access = KafkaAccess.secured(kafka.bootstrapServers(), kafka.adminSettings());
        TopicInitializer.ensureTopics(kafka.bootstrapServers(), 3, (short) 1, access.admin());
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void anAdapterReadsItsOwnCommandsAndNotAnotherProvidersCommands() throws Exception {
        Map<String, Object> west = access.adapter(WEST);
        access.adapter(EAST);
        ProducerRecord<String, byte[]> forEast = CloudEvents.toProvider(CloudEvents.encode(EventType.PATH_TEARDOWN_REQUESTED, "c-read",
                command("c-read", EAST), "/broker"), EAST);
        ProducerRecord<String, byte[]> forWest = CloudEvents.toProvider(CloudEvents.encode(EventType.PATH_TEARDOWN_REQUESTED, "c-read",
                command("c-read", WEST), "/broker"), WEST);
        try (KafkaProducer<String, byte[]> broker = KafkaClients.producer(kafka.bootstrapServers(), "broker", access.broker())) {
            broker.send(forEast).get(30, TimeUnit.SECONDS);
            broker.send(forWest).get(30, TimeUnit.SECONDS);
        }
        try (KafkaConsumer<String, byte[]> own = consumer(west, KafkaAccess.adapterPrincipal(WEST))) {
            own.subscribe(List.of(Topics.forProvider(Topics.DOMAIN_COMMANDS, WEST)));
            List<ConsumerRecord<String, byte[]>> got = new CopyOnWriteArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                own.poll(Duration.ofMillis(200)).forEach(got::add);
                return !got.isEmpty();
            });
            assertThat(CloudEvents.decode(got.get(0)).payload(DomainCommand.class).providerId()).isEqualTo(WEST);
        }
        try (KafkaConsumer<String, byte[]> other = consumer(west, KafkaAccess.adapterPrincipal(WEST))) {
            other.subscribe(List.of(Topics.forProvider(Topics.DOMAIN_COMMANDS, EAST)));
            assertThatThrownBy(() -> other.poll(Duration.ofSeconds(10))).as("west reading east's commands in its own group")
                    .isInstanceOf(TopicAuthorizationException.class);
        }
        try (KafkaConsumer<String, byte[]> other = consumer(west, KafkaAccess.adapterPrincipal(EAST))) {
            other.subscribe(List.of(Topics.forProvider(Topics.DOMAIN_COMMANDS, WEST)));
            assertThatThrownBy(() -> other.poll(Duration.ofSeconds(10))).as("west in east's group")
                    .isInstanceOf(GroupAuthorizationException.class);
        }
        try (KafkaConsumer<String, byte[]> assigned = consumer(west, null)) {
            assigned.assign(List.of(new TopicPartition(Topics.forProvider(Topics.DOMAIN_COMMANDS, EAST), 0)));
            assigned.seekToBeginning(assigned.assignment());
            assertThatThrownBy(() -> assigned.poll(Duration.ofSeconds(10))).as("west fetching east's commands without a group")
                    .isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void anAdapterWritesItsOwnAnswersButNotAnotherProvidersNorContextsAndDegradations() throws Exception {
        Map<String, Object> west = access.adapter(WEST);
        access.adapter(EAST);
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(kafka.bootstrapServers(), "adapter-west", west)) {
            producer.send(CloudEvents.toProvider(ack("c-own", WEST), WEST)).get(30, TimeUnit.SECONDS);
            producer.send(CloudEvents.toProvider(telemetry(WEST), WEST)).get(30, TimeUnit.SECONDS);

            assertDenied(producer, CloudEvents.toProvider(ack("c-forged", EAST), EAST), "east's acknowledgements");
            assertDenied(producer, CloudEvents.toProvider(telemetry(EAST), EAST), "east's telemetry");
            assertDenied(producer, new ProducerRecord<>(Topics.forProvider(Topics.DOMAIN_COMMANDS, EAST), "c-x", new byte[0]),
                    "east's commands");
            assertDenied(producer, CloudEvents.encode(EventType.INSTANCE_CONTEXT_UPDATED, "west-fw",
                    Map.of("offerId", "west-fw", "providerId", "west", "status", "UP"), "/providers/west"), "instance contexts");
            assertDenied(producer, CloudEvents.encode(EventType.DEGRADATION_DETECTED, "east-fw", degradation(), "/providers/west"),
                    "degradations");
        }
        try (KafkaProducer<String, byte[]> broker = KafkaClients.producer(kafka.bootstrapServers(), "broker", access.broker())) {
            assertDenied(broker, CloudEvents.encode(EventType.DEGRADATION_DETECTED, "east-fw", degradation(), "/broker"),
                    "degradations, by the broker");
        }
        try (KafkaProducer<String, byte[]> monitoring = KafkaClients.producer(kafka.bootstrapServers(), "monitoring", access.monitoring())) {
            monitoring.send(CloudEvents.encode(EventType.DEGRADATION_DETECTED, "east-fw", degradation(), "/monitoring"))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void anAdapterAdvertisesOnItsOwnTopicsButCannotWriteAnotherProvidersAdvertisements() throws Exception {
        Map<String, Object> west = access.adapter(WEST);
        access.adapter(EAST);
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(kafka.bootstrapServers(), "adapter-west", west)) {
            producer.send(CloudEvents.toProvider(domain(WEST), WEST)).get(30, TimeUnit.SECONDS);
            producer.send(CloudEvents.toProvider(offer("west-fw", WEST), WEST)).get(30, TimeUnit.SECONDS);
            producer.send(CloudEvents.toProvider(catalogue(WEST), WEST)).get(30, TimeUnit.SECONDS);
            producer.send(CloudEvents.toProvider(instanceAck(WEST), WEST)).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(Topics.forProvider(Topics.OFFERS, WEST), "west-fw", null)).get(30, TimeUnit.SECONDS);

            assertDenied(producer, CloudEvents.toProvider(domain(EAST), EAST), "east's domain");
            assertDenied(producer, CloudEvents.toProvider(offer("east-fw", EAST), EAST), "east's offers");
            assertDenied(producer, new ProducerRecord<>(Topics.forProvider(Topics.OFFERS, EAST), "east-fw", null),
                    "a withdrawal on east's offers");
            assertDenied(producer, CloudEvents.toProvider(catalogue(EAST), EAST), "east's catalogue");
            assertDenied(producer, CloudEvents.toProvider(instanceAck(EAST), EAST), "east's placement acks");
            assertDenied(producer, new ProducerRecord<>(Topics.forProvider(Topics.PLACEMENT_COMMANDS, EAST), "east", new byte[0]),
                    "east's placement commands");
            ProducerRecord<String, byte[]> own = offer("west-fw", WEST);
            assertDenied(producer, new ProducerRecord<>(Topics.OFFERS, null, own.key(), own.value(), own.headers()),
                    "the family's name as a shared topic");
        }
        try (KafkaConsumer<String, byte[]> other = consumer(west, KafkaAccessTest.placementGroup(WEST))) {
            other.subscribe(List.of(Topics.forProvider(Topics.PLACEMENT_COMMANDS, EAST)));
            assertThatThrownBy(() -> other.poll(Duration.ofSeconds(10))).as("west reading east's placement commands")
                    .isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void aForgedAdvertisementIsDeadLetteredByItsFamilysReaderAndTheHonestOneRead() throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        ProviderId north = ProviderId.of("north");
        access.adapter(north);
        try (TopicTail dlq = new TopicTail(kafka.bootstrapServers(), access.admin(), Topics.dlq(Topics.OFFERS));
             KafkaProducer<String, byte[]> out = KafkaClients.producer(kafka.bootstrapServers(), "monitoring-out", access.monitoring());
             EventConsumer offers = new EventConsumer(ConsumerSettings.group("monitoring-ingest-offers-test", kafka.bootstrapServers(),
                     "monitoring-ingest-offers-test", List.of(Topics.OFFERS)).withClientOverrides(access.monitoring()), out,
                     () -> (event, record) -> handled.add(record.key()))) {
            offers.start(Duration.ofSeconds(30));
            try (KafkaProducer<String, byte[]> admin = KafkaClients.producer(kafka.bootstrapServers(), "superuser", access.admin())) {
                // only a super user can write north's topic for another provider; the body still speaks for east
                admin.send(CloudEvents.toProvider(offer("north-forged", EAST), north)).get(30, TimeUnit.SECONDS);
                admin.send(CloudEvents.toProvider(offer("north-honest", north), north)).get(30, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> handled.contains("north-honest"));
            assertThat(handled).doesNotContain("north-forged");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(dlq.records().stream()
                    .filter(r -> r.key().equals("north-forged"))).singleElement().satisfies(r -> {
                assertThat(new String(r.headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8))
                        .contains("$.providerId").contains("'east' on chainmarket.offers.v1.north");
                assertThat(new String(r.headers().lastHeader(DeadLetters.ORIGIN).value(), StandardCharsets.UTF_8))
                        .startsWith("chainmarket.offers.v1.north/");
            }));
        }
    }

    @Test
    void aClientWithoutCredentialsIsRefused() {
        Map<String, Object> anonymous = Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 3000);
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(kafka.bootstrapServers(), "anonymous", anonymous)) {
            assertThatThrownBy(() -> producer.send(CloudEvents.encode(EventType.DEGRADATION_DETECTED, "east-fw", degradation(),
                    "/nobody")).get(30, TimeUnit.SECONDS)).hasRootCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        }
    }

    @Test
    void aRecordOnAProvidersTopicSpeakingForAnotherProviderIsDeadLetteredByItsFamilysConsumer() throws Exception {
        Map<String, Object> west = access.adapter(WEST);
        List<String> handled = new CopyOnWriteArrayList<>();
        try (TopicTail dlq = new TopicTail(kafka.bootstrapServers(), access.admin(), Topics.dlq(Topics.DOMAIN_ACKS));
             KafkaProducer<String, byte[]> out = KafkaClients.producer(kafka.bootstrapServers(), "broker-out", access.broker());
             EventConsumer acks = new EventConsumer(ConsumerSettings.group("broker-acks-test", kafka.bootstrapServers(),
                     "broker-acks-test", List.of(Topics.DOMAIN_ACKS)).withClientOverrides(access.broker()), out,
                     () -> (event, record) -> handled.add(event.payload(DomainAck.class).commandId()))) {
            acks.start(Duration.ofSeconds(30));
            try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(kafka.bootstrapServers(), "adapter-west", west)) {
                // west may write its own topic, but the acknowledgement claims east's domain
                producer.send(CloudEvents.toProvider(ack("c-claim", EAST), WEST)).get(30, TimeUnit.SECONDS);
                producer.send(CloudEvents.toProvider(ack("c-honest", WEST), WEST)).get(30, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> handled.contains("c-honest-cmd"));
            assertThat(handled).containsExactly("c-honest-cmd");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(dlq.records()).singleElement().satisfies(r -> {
                assertThat(new String(r.headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8))
                        .contains("'east' on chainmarket.domain-acks.v1.west");
                assertThat(new String(r.headers().lastHeader(DeadLetters.ORIGIN).value(), StandardCharsets.UTF_8))
                        .startsWith("chainmarket.domain-acks.v1.west/");
            }));
        }
    }

    @Test
    void aFamilysConsumerReadsAProviderTopicCreatedAfterItStarted() throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        try (KafkaProducer<String, byte[]> out = KafkaClients.producer(kafka.bootstrapServers(), "monitoring-out", access.monitoring());
             EventConsumer telemetry = new EventConsumer(ConsumerSettings.group("monitoring-ingest-late", kafka.bootstrapServers(),
                     "monitoring-ingest-late", List.of(Topics.TELEMETRY)).withClientOverrides(access.monitoring()), out,
                     () -> (event, record) -> handled.add(record.topic()))) {
            telemetry.start(Duration.ofSeconds(30));
            ProviderId late = ProviderId.of("late-comer");
            try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(kafka.bootstrapServers(), "adapter-late",
                    access.adapter(late))) {
                producer.send(CloudEvents.toProvider(telemetry(late), late)).get(30, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> handled.contains("chainmarket.telemetry.v1.late-comer"));
        }
    }

    private static void assertDenied(KafkaProducer<String, byte[]> producer, ProducerRecord<String, byte[]> record, String what) {
        assertThatThrownBy(() -> producer.send(record).get(30, TimeUnit.SECONDS)).as(what)
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
    }

    private static KafkaConsumer<String, byte[]> consumer(Map<String, Object> settings, String group) {
        Map<String, Object> p = new HashMap<>(settings);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        if (group != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static DomainCommand command(String chain, ProviderId provider) {
        return new DomainCommand(chain + "-" + provider, ChainId.of(chain), provider, DomainCommand.Operation.TEARDOWN, 0,
                List.of(), Instant.now().plusSeconds(30));
    }

    private static ProducerRecord<String, byte[]> ack(String chain, ProviderId provider) {
        DomainAck ack = new DomainAck(chain + "-cmd", ChainId.of(chain), provider, DomainCommand.Operation.TEARDOWN, true, null,
                List.of(), Instant.now());
        return CloudEvents.encode(DomainAck.eventId(provider, ack.commandId()), EventType.DOMAIN_ACKNOWLEDGED, chain,
                Json.bytes(ack), "/providers/" + provider);
    }

    private static String placementGroup(ProviderId provider) {
        return KafkaAccess.adapterPrincipal(provider) + "-placement";
    }

    private static ProducerRecord<String, byte[]> domain(ProviderId provider) {
        String sw = provider + "-sw";
        return CloudEvents.encode(EventType.PROVIDER_DOMAIN_ADVERTISED, provider.value(), new ProviderDomain(provider, "Domain " + provider,
                List.of(new ProviderDomain.Switch(sw, sw, null, null)), List.of(new ProviderDomain.Site(provider + "-site", sw, 8, 16)),
                List.of(), List.of()), "/providers/" + provider);
    }

    private static ProducerRecord<String, byte[]> offer(String id, ProviderId provider) {
        return CloudEvents.encode(EventType.OFFER_ADVERTISED, id, new VnfOffer(OfferId.of(id), provider, "firewall",
                provider + "-site", 1000, 10, 0.5, 1.0, 0.001, 0.999, true, false, null, null), "/providers/" + provider);
    }

    private static ProducerRecord<String, byte[]> catalogue(ProviderId provider) {
        CatalogueEntry e = new CatalogueEntry(provider, "dpi", 4, 8, 1000, 20, 30, 2.0, 0.003, 1.5, false, false,
                List.of(provider + "-site"));
        return CloudEvents.encode(EventType.CATALOGUE_ENTRY_ADVERTISED, e.key(), e, "/providers/" + provider);
    }

    private static ProducerRecord<String, byte[]> instanceAck(ProviderId provider) {
        return CloudEvents.encode(EventType.INSTANCE_COMMAND_ACKNOWLEDGED, provider.value(), new InstanceAck("c-" + provider,
                provider, InstanceCommand.Operation.START, OfferId.of(provider + "-o"), true, null, Instant.now()), "/providers/" + provider);
    }

    private static ProducerRecord<String, byte[]> telemetry(ProviderId provider) {
        return CloudEvents.encode(EventType.TELEMETRY_REPORTED, provider.value(),
                new TelemetryBatch(provider, Instant.now(), List.of(), List.of()), "/providers/" + provider);
    }

    /** A degradation's body (only its topic matters to the authorizer). */
    private static Map<String, Object> degradation() {
        return Map.of("subjectKind", "INSTANCE", "subjectId", "east-fw", "providerId", "east", "metric", "heartbeat",
                "value", 0, "threshold", 1, "at", Instant.now().toString());
    }
}
