package org.chainmarket.monitoring.service;

import org.chainmarket.deploy.embedded.TopicTail;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.chainmarket.deploy.embedded.EmbeddedKafka;
import org.chainmarket.schemas.kafka.KafkaAccess;
import org.chainmarket.schemas.kafka.KafkaClients;
import org.chainmarket.schemas.model.Metric;
import org.chainmarket.monitoring.policy.ThresholdPolicy;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.DeadLetters;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.TopicInitializer;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.Degradation;
import org.chainmarket.schemas.model.SubjectKind;
import org.chainmarket.schemas.model.InstanceContext;
import org.chainmarket.schemas.model.InstanceStatus;
import org.chainmarket.schemas.model.LinkContext;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.TelemetryBatch;
import org.chainmarket.schemas.model.VnfOffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleUnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service over a real embedded Kafka broker (one per class, one service for all tests); every test uses its own
 * provider and instances. Samples are one second apart in sample time; the policy's dwell is 2 s of sample time, the
 * heartbeat timeout 1 s of wall-clock time.
 */
class MonitoringServiceKafkaTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static EmbeddedKafka kafka;
    private static KafkaAccess access;
    private static KafkaProducer<String, byte[]> producer;
    private static MonitoringService service;
    private static TopicTail instances;
    private static TopicTail links;
    private static TopicTail degradations;
    private static TopicTail deadLetters;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
        access = KafkaAccess.secured(kafka.bootstrapServers(), kafka.adminSettings());
        TopicInitializer.ensureTopics(kafka.bootstrapServers(), 3, (short) 1, access.admin());
        // the providers' telemetry is injected by the super user, on each provider's own topic
        producer = KafkaClients.producer(kafka.bootstrapServers(), "test", access.admin());
        instances = new TopicTail(kafka.bootstrapServers(), access.admin(), Topics.INSTANCE_CONTEXT);
        links = new TopicTail(kafka.bootstrapServers(), access.admin(), Topics.LINK_CONTEXT);
        degradations = new TopicTail(kafka.bootstrapServers(), access.admin(), Topics.DEGRADATIONS);
        deadLetters = new TopicTail(kafka.bootstrapServers(), access.admin(), Topics.dlq(Topics.TELEMETRY));
        ThresholdPolicy policy = ThresholdPolicy.defaults().with("heartbeat.timeout.seconds", "1").with("refresh.seconds", "60");
        service = new MonitoringService(MonitoringService.Config.defaults(kafka.bootstrapServers()).withPolicy(policy)
                .withTickInterval(Duration.ofMillis(100)).withClientOverrides(access.monitoring()));
        service.start();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {service, instances, links, degradations, deadLetters, producer, kafka}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void telemetryInContextOut() throws Exception {
        ProviderId p = ProviderId.of("it-ctx");
        Instant at = Instant.now();
        send(new TelemetryBatch(p, at, List.of(new TelemetryBatch.VnfSample(OfferId.of("it-ctx-fw"), at, InstanceStatus.UP,
                0.4, 0.3, 100, 99, 0.8, 1)), List.of(new TelemetryBatch.LinkSample("it-ctx-b", "it-ctx-a", at, 2.5, 0.3, 0))));

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(events(instances, "it-ctx-fw", InstanceContext.class)).singleElement().satisfies(c -> {
                assertThat(c.providerId()).isEqualTo(p);
                assertThat(c.status()).isEqualTo(InstanceStatus.UP);
                assertThat(c.load()).isEqualTo(0.4);
                assertThat(c.cpuP95()).isEqualTo(0.4);
                assertThat(c.processingDelayAvgMs()).isEqualTo(0.8);
                assertThat(c.samplesInWindow()).isEqualTo(1);
            });
            assertThat(events(links, "it-ctx-a|it-ctx-b", LinkContext.class)).singleElement().satisfies(l -> {
                assertThat(l.delayAvgMs()).isEqualTo(2.5);
                assertThat(l.utilizationAvg()).isEqualTo(0.3);
            });
        });
        ConsumerRecord<String, byte[]> record = instances.records().stream().filter(r -> r.key().equals("it-ctx-fw")).findFirst().orElseThrow();
        assertThat(new String(record.headers().lastHeader(CloudEvents.SOURCE).value(), StandardCharsets.UTF_8))
                .isEqualTo(MonitoringService.SOURCE);
    }

    /**
     * The service started before any provider had a topic (this class's Kafka is fresh), as in a new marketplace where
     * the providers advertise while monitoring starts: an offer advertised afterwards is still read, and the load of its
     * instance is its throughput against the offer's capacity (without the offer it would be the CPU alone).
     */
    @Test
    void anOfferAdvertisedAfterTheServiceStartedGivesItsInstanceTheLoadOfItsCapacity() throws Exception {
        ProviderId p = ProviderId.of("it-late");
        OfferId nat = OfferId.of("it-late-nat");
        topicOf(p.value());
        VnfOffer offer = new VnfOffer(nat, p, "nat", "it-late-site", 1000, 10, 0.5, 1, 0, 0.999, false, false, null, null);
        producer.send(CloudEvents.toProvider(CloudEvents.encode(EventType.OFFER_ADVERTISED, nat.value(), offer, "/test"), p))
                .get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> service.offersKnown() == 1);

        Instant at = Instant.now();
        send(new TelemetryBatch(p, at, List.of(new TelemetryBatch.VnfSample(nat, at, InstanceStatus.UP, 0.1, 0.2, 800, 790,
                0.5, 1)), List.of()));
        await().atMost(WAIT).untilAsserted(() -> assertThat(events(instances, nat.value(), InstanceContext.class))
                .singleElement().satisfies(c -> assertThat(c.load()).isEqualTo(0.8)));
        assertThat(service.isRunning()).isTrue();
    }

    @Test
    void aHotInstanceGivesOneDetectionThenCoolingGivesOneClearance() throws Exception {
        String fw = "it-hot-fw";
        Instant t0 = Instant.now();
        sendCpu("it-hot", fw, t0, 0, 10, s -> 0.3);
        sendCpu("it-hot", fw, t0, 10, 30, s -> 0.97);
        sendCpu("it-hot", fw, t0, 30, 50, s -> 0.2);

        await().atMost(WAIT).until(() -> !loadEvents(fw, EventType.DEGRADATION_CLEARED).isEmpty());
        assertThat(loadEvents(fw, EventType.DEGRADATION_DETECTED)).singleElement().satisfies(d -> {
            assertThat(d.metric()).isEqualTo(Metric.LOAD);
            assertThat(d.subjectKind()).isEqualTo(SubjectKind.INSTANCE);
            assertThat(d.providerId()).isEqualTo(ProviderId.of("it-hot"));
            assertThat(d.value()).isGreaterThanOrEqualTo(d.threshold());
            assertThat(d.recent()).isNotEmpty();
        });
        assertThat(loadEvents(fw, EventType.DEGRADATION_CLEARED)).singleElement()
                .satisfies(d -> assertThat(d.value()).isLessThanOrEqualTo(d.clearThreshold()));
        // the context topic is read by another tail than the degradations: its last record may come a moment later
        await().atMost(WAIT).untilAsserted(() -> assertThat(events(instances, fw, InstanceContext.class))
                .extracting(InstanceContext::degradedMetrics).containsSubsequence(List.of(), List.of(Metric.LOAD), List.of()));
    }

    @Test
    void aValueFlappingAroundTheThresholdForManySamplesGivesExactlyOneEvent() throws Exception {
        String fw = "it-flap-fw";
        Instant t0 = Instant.now();
        sendCpu("it-flap", fw, t0, 0, 10, s -> 0.97);
        sendCpu("it-flap", fw, t0, 10, 410, s -> s % 2 == 0 ? 0.95 : 0.75);   // moving average hovers at 0.85, the threshold
        sendCpu("it-flap", fw, t0, 410, 430, s -> 0.2);                      // then a clear end, so we know all was read

        await().atMost(WAIT).until(() -> !loadEvents(fw, EventType.DEGRADATION_CLEARED).isEmpty());
        // all events of one subject share a key, hence a partition, in order: the clearance came last
        assertThat(loadEvents(fw, EventType.DEGRADATION_DETECTED)).hasSize(1);
        assertThat(loadEvents(fw, EventType.DEGRADATION_CLEARED)).hasSize(1);
    }

    @Test
    void heartbeatsThatStopMakeTheInstanceDownWithADegradation() throws Exception {
        String fw = "it-hb-fw";
        sendCpu("it-hb", fw, Instant.now(), 0, 3, s -> 0.3);

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(events(degradations, fw, EventType.DEGRADATION_DETECTED)).singleElement().satisfies(d -> {
                assertThat(d.metric()).isEqualTo(Metric.HEARTBEAT);
                assertThat(d.value()).isGreaterThanOrEqualTo(1.0);
            });
            List<InstanceContext> contexts = events(instances, fw, InstanceContext.class);
            assertThat(contexts.get(contexts.size() - 1)).satisfies(c -> {
                assertThat(c.status()).isEqualTo(InstanceStatus.DOWN);
                assertThat(c.degradedMetrics()).containsExactly(Metric.HEARTBEAT);
            });
        });
    }

    @Test
    void anInstanceItsProviderReportsDownIsDownAtOnce() throws Exception {
        ProviderId p = ProviderId.of("it-down");
        OfferId dpi = OfferId.of("it-down-dpi");
        Instant at = Instant.now();
        send(new TelemetryBatch(p, at, List.of(new TelemetryBatch.VnfSample(dpi, at, InstanceStatus.DOWN, 0, 0, 0, 0, 0, 41)), List.of()));
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(events(degradations, dpi.value(), EventType.DEGRADATION_DETECTED)).singleElement()
                    .satisfies(d -> assertThat(d.metric()).isEqualTo(Metric.HEARTBEAT));
            assertThat(events(instances, dpi.value(), InstanceContext.class)).last()
                    .satisfies(c -> assertThat(c.status()).isEqualTo(InstanceStatus.DOWN));
        });
    }

    @Test
    void aMalformedRecordGoesToTheDlqAndProcessingContinues() throws Exception {
        ProducerRecord<String, byte[]> valid = CloudEvents.encode(EventType.TELEMETRY_REPORTED, "it-dlq", batchOf("it-dlq",
                "it-dlq-fw", Instant.now(), 0.3, 1), "/test");
        String topic = topicOf("it-dlq");
        ProducerRecord<String, byte[]> garbage = new ProducerRecord<>(topic, null, "it-dlq",
                "{\"providerId\": \"it-dlq\", \"vnfSamples\": [{\"cpu\": 7}]}".getBytes(StandardCharsets.UTF_8), valid.headers());
        ProducerRecord<String, byte[]> misKeyed = new ProducerRecord<>(topic, null, "someone-else", valid.value(), valid.headers());
        producer.send(garbage).get(10, TimeUnit.SECONDS);
        producer.send(misKeyed).get(10, TimeUnit.SECONDS);
        producer.send(CloudEvents.toProvider(valid, ProviderId.of("it-dlq"))).get(10, TimeUnit.SECONDS);

        await().atMost(WAIT).untilAsserted(() -> {
            List<String> reasons = deadLetters.records().stream()
                    .filter(r -> r.key().equals("it-dlq") || r.key().equals("someone-else"))
                    .map(r -> new String(r.headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8)).toList();
            assertThat(reasons).hasSize(2);
            assertThat(reasons).anySatisfy(r -> assertThat(r).contains("$.at").contains("$.vnfSamples[0].cpu"));
            assertThat(reasons).anySatisfy(r -> assertThat(r).contains("key: 'someone-else' is not the body's $.providerId 'it-dlq'"));
            assertThat(events(instances, "it-dlq-fw", InstanceContext.class)).isNotEmpty();
        });
        assertThat(service.deadLettered()).isGreaterThanOrEqualTo(2);
        assertThat(service.isRunning()).isTrue();
    }

    private static void sendCpu(String provider, String offer, Instant t0, int from, int to, DoubleUnaryOperator cpu) throws Exception {
        for (int s = from; s < to; s++) {
            send(batchOf(provider, offer, t0.plusSeconds(s), cpu.applyAsDouble(s), s + 1));
        }
    }

    private static TelemetryBatch batchOf(String provider, String offer, Instant at, double cpu, long heartbeat) {
        return new TelemetryBatch(ProviderId.of(provider), at, List.of(new TelemetryBatch.VnfSample(OfferId.of(offer), at,
                InstanceStatus.UP, cpu, 0.3, 10, 10, 0.5, heartbeat)), List.of());
    }

    private static void send(TelemetryBatch batch) throws Exception {
        topicOf(batch.providerId().value());
        producer.send(CloudEvents.toProvider(CloudEvents.encode(EventType.TELEMETRY_REPORTED, batch.providerId().value(), batch,
                "/test"), batch.providerId())).get(10, TimeUnit.SECONDS);
    }

    /** The provider's telemetry topic, made (with the provider's principal) on first use. */
    private static String topicOf(String provider) {
        access.adapter(ProviderId.of(provider));
        return Topics.forProvider(Topics.TELEMETRY, ProviderId.of(provider));
    }

    private static <T> List<T> events(TopicTail tail, String key, Class<T> type) {
        return tail.records().stream().filter(r -> r.key().equals(key)).map(CloudEvents::decode).map(e -> e.payload(type)).toList();
    }

    /**
     * The instance's load events only: once a test stops sending, the instance's heartbeat goes silent and (correctly)
     * a heartbeat degradation follows a second later.
     */
    private static List<Degradation> loadEvents(String key, EventType type) {
        return events(degradations, key, type).stream().filter(d -> d.metric().equals(Metric.LOAD)).toList();
    }

    private static List<Degradation> events(TopicTail tail, String key, EventType type) {
        return tail.records().stream().filter(r -> r.key().equals(key)).map(CloudEvents::decode)
                .filter(e -> e.type() == type).map(e -> e.payload(Degradation.class)).toList();
    }
}
