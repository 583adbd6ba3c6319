package org.chainmarket.adapters.runner;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.chainmarket.adapters.emulated.EmulatedDomain;
import org.chainmarket.deploy.embedded.EmbeddedKafka;
import org.chainmarket.schemas.kafka.KafkaAccess;
import org.chainmarket.schemas.kafka.KafkaClients;
import org.chainmarket.deploy.embedded.TopicTail;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.TopicInitializer;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.CatalogueEntry;
import org.chainmarket.schemas.model.InstanceAck;
import org.chainmarket.schemas.model.InstanceCommand;
import org.chainmarket.schemas.model.InstanceStatus;
import org.chainmarket.schemas.model.TelemetryBatch;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfOffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The runner's placement half against a real Kafka broker: it publishes its domain's catalogue; a start of a catalogue
 * type boots an instance whose offer is advertised before the answer; a type the catalogue lacks is refused; another
 * provider's command goes to that provider's own topic and never reaches this one; a stop withdraws the offer with a
 * tombstone, then answers. Everything travels on the provider's own topics. An instance started at run time
 * reports telemetry on the provider's telemetry topic until it stops.
 */
class PlacementRunnerKafkaTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static EmbeddedKafka kafka;
    private static KafkaAccess access;
    private static KafkaProducer<String, byte[]> placement;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
        access = KafkaAccess.secured(kafka.bootstrapServers(), kafka.adminSettings());
        TopicInitializer.ensureTopics(kafka.bootstrapServers(), 3, (short) 1, access.admin());
        // the placement service's principal sends the commands, as in the marketplace
        placement = KafkaClients.producer(kafka.bootstrapServers(), "placement", access.placement());
    }

    @AfterAll
    static void stopKafka() {
        if (placement != null) {
            placement.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void startsAndStopsCatalogueInstancesAdvertisingThemBeforeAnswering() throws Exception {
        ProviderId p = ProviderId.of("pl");
        String site = p + "-site-b";
        CatalogueEntry dpi = new CatalogueEntry(p, "dpi", 2, 4, 1000, 20, 0.2, 1.0, 0.001, 0.3, true, false, List.of(site));
        EmulatedDomain domain = new EmulatedDomain(AdapterRunnerKafkaTest.domainOf(p), List.of(), List.of(dpi));
        Map<String, Object> credentials = access.adapter(p);
        // another provider's placement commands go to its own topic, which this runner may not even read
        ProviderId other = ProviderId.of("someone-else");
        access.adapter(other);
        try (TopicTail catalogue = new TopicTail(kafka.bootstrapServers(), access.admin(), Topics.forProvider(Topics.CATALOGUE, p));
             TopicTail offers = new TopicTail(kafka.bootstrapServers(), access.admin(), Topics.forProvider(Topics.OFFERS, p));
             TopicTail acks = new TopicTail(kafka.bootstrapServers(), access.admin(), Topics.forProvider(Topics.PLACEMENT_ACKS, p));
             TopicTail otherAcks = new TopicTail(kafka.bootstrapServers(), access.admin(), Topics.forProvider(Topics.PLACEMENT_ACKS, other));
             AdapterRunner runner = new AdapterRunner(kafka.bootstrapServers(), domain, List.of(), credentials)) {
            runner.start();
            await().atMost(WAIT).until(() -> catalogue.records().stream().anyMatch(r -> r.key().equals(dpi.key())));
            assertThat(CloudEvents.decode(catalogue.records().stream().filter(r -> r.key().equals(dpi.key())).findFirst().orElseThrow())
                    .payload(CatalogueEntry.class)).isEqualTo(dpi);

            send(command("s1", other, InstanceCommand.Operation.START, "other-dpi", "dpi", site));
            send(command("s2", p, InstanceCommand.Operation.START, "pl-nat-1", "nat", site));
            send(command("s3", p, InstanceCommand.Operation.START, "pl-dpi-1", "dpi", site));

            InstanceAck refused = awaitAck(acks, "s2");
            assertThat(refused.success()).isFalse();
            assertThat(refused.reason()).isEqualTo("provider pl has no catalogue entry for nat");
            InstanceAck started = awaitAck(acks, "s3");
            assertThat(started.success()).as(started.reason()).isTrue();
            List<String> history = offerHistory(offers, "pl-dpi-1");
            assertThat(history).as("advertised before the answer went out").containsExactly("advertised");
            VnfOffer offer = CloudEvents.decode(offers.records().stream().filter(r -> r.key().equals("pl-dpi-1")).findFirst().orElseThrow())
                    .payload(VnfOffer.class);
            assertThat(offer.siteId()).isEqualTo(site);
            assertThat(offer.capacityMbps()).isEqualTo(1000);
            assertThat(domain.placement().freeVcpu(site)).isEqualTo(6);

            send(command("s4", p, InstanceCommand.Operation.STOP, "pl-dpi-1", "dpi", site));
            assertThat(awaitAck(acks, "s4").success()).isTrue();
            assertThat(offerHistory(offers, "pl-dpi-1")).containsExactly("advertised", "withdrawn");
            assertThat(acks.records().stream().map(r -> CloudEvents.decode(r).payload(InstanceAck.class).commandId()))
                    .as("another provider's command is not this domain's").doesNotContain("s1");
            assertThat(otherAcks.records()).as("nobody answered for the other provider").isEmpty();
            assertThat(acks.records()).allSatisfy(r -> assertThat(r.key()).isEqualTo(p.value()));
        }
    }

    @Test
    void anInstanceStartedAtRunTimeReportsTelemetryUntilItStops() throws Exception {
        ProviderId p = ProviderId.of("pltel");
        String site = p + "-site-b";
        CatalogueEntry dpi = new CatalogueEntry(p, "dpi", 2, 4, 1000, 20, 0.2, 1.0, 0.001, 0.3, true, false, List.of(site));
        EmulatedDomain domain = new EmulatedDomain(AdapterRunnerKafkaTest.domainOf(p), List.of(), List.of(dpi));
        Map<String, Object> credentials = access.adapter(p);
        try (TopicTail telemetry = new TopicTail(kafka.bootstrapServers(), access.admin(), Topics.forProvider(Topics.TELEMETRY, p));
             TopicTail acks = new TopicTail(kafka.bootstrapServers(), access.admin(), Topics.forProvider(Topics.PLACEMENT_ACKS, p));
             AdapterRunner runner = new AdapterRunner(kafka.bootstrapServers(), domain, List.of(), credentials, Duration.ofMillis(100))) {
            runner.start();
            send(command("t1", p, InstanceCommand.Operation.START, "pltel-dpi-1", "dpi", site));
            assertThat(awaitAck(acks, "t1").success()).isTrue();
            OfferId started = OfferId.of("pltel-dpi-1");

            await().atMost(WAIT).untilAsserted(() -> assertThat(batches(telemetry, p)).anySatisfy(b ->
                    assertThat(b.vnfSamples()).anySatisfy(s -> {
                        assertThat(s.offerId()).isEqualTo(started);
                        assertThat(s.status()).isEqualTo(InstanceStatus.UP);
                        assertThat(s.heartbeatSeq()).as("a live heartbeat").isGreaterThan(1);
                    })));

            send(command("t2", p, InstanceCommand.Operation.STOP, "pltel-dpi-1", "dpi", site));
            assertThat(awaitAck(acks, "t2").success()).isTrue();
            int afterStop = batches(telemetry, p).size();
            await().atMost(WAIT).until(() -> batches(telemetry, p).size() > afterStop + 2);
            List<TelemetryBatch> later = batches(telemetry, p);
            assertThat(later.get(later.size() - 1).vnfSamples()).as("a stopped instance reports nothing")
                    .noneSatisfy(s -> assertThat(s.offerId()).isEqualTo(started));
        }
    }

    private static List<TelemetryBatch> batches(TopicTail telemetry, ProviderId p) {
        return telemetry.records().stream().filter(r -> r.key().equals(p.value()))
                .map(r -> CloudEvents.decode(r).payload(TelemetryBatch.class)).toList();
    }

    private static InstanceCommand command(String id, ProviderId p, InstanceCommand.Operation op, String offer, String type, String site) {
        return new InstanceCommand(id, "plan-1", "d-" + id, p, op, OfferId.of(offer), type, site, "test", null);
    }

    private static void send(InstanceCommand c) throws Exception {
        EventType type = switch (c.operation()) {
            case START -> EventType.INSTANCE_START_REQUESTED;
            case DRAIN -> EventType.INSTANCE_DRAIN_REQUESTED;
            case STOP -> EventType.INSTANCE_STOP_REQUESTED;
        };
        placement.send(CloudEvents.toProvider(CloudEvents.encode(type, c.providerId().value(), c, "/placement-engine"), c.providerId())).get();
    }

    private static InstanceAck awaitAck(TopicTail acks, String commandId) {
        return await().atMost(WAIT).until(() -> find(acks, commandId), Optional::isPresent).orElseThrow();
    }

    private static Optional<InstanceAck> find(TopicTail acks, String commandId) {
        return acks.records().stream().map(r -> CloudEvents.decode(r).payload(InstanceAck.class))
                .filter(a -> a.commandId().equals(commandId)).findFirst();
    }

    private static List<String> offerHistory(TopicTail offers, String offerId) {
        return offers.records().stream().filter(r -> r.key().equals(offerId))
                .map((ConsumerRecord<String, byte[]> r) -> r.value() == null ? "withdrawn" : "advertised").toList();
    }
}
