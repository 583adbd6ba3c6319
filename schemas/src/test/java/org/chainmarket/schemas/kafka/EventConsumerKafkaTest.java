package org.chainmarket.schemas.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.chainmarket.deploy.embedded.EmbeddedKafka;
import org.chainmarket.deploy.embedded.TopicTail;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.DeadLetters;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.FieldError;
import org.chainmarket.schemas.events.InvalidInputException;
import org.chainmarket.schemas.events.TopicInitializer;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.Degradation;
import org.chainmarket.schemas.model.InstanceAck;
import org.chainmarket.schemas.model.InstanceCommand;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.Metric;
import org.chainmarket.schemas.model.SubjectKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shared consumer on a real Kafka broker (one for the class), reading a shared topic, the degradations (3
 * partitions). Every test uses its own consumer group and its own subject ids (record keys), and looks only at those.
 */
class EventConsumerKafkaTest {
    private static final String TOPIC = Topics.DEGRADATIONS;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static EmbeddedKafka kafka;
    private static KafkaProducer<String, byte[]> producer;
    private static Admin admin;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
        TopicInitializer.ensureTopics(kafka.bootstrapServers(), 3, (short) 1, kafka.adminSettings());
        producer = KafkaClients.producer(kafka.bootstrapServers(), "test", with(kafka, ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000));
        admin = Admin.create(with(kafka, AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    @AfterAll
    static void stopKafka() {
        if (admin != null) {
            admin.close();
        }
        if (producer != null) {
            producer.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /** Records every event it handles (by key), failing while {@code broken} holds for keys starting with "fail". */
    static final class Recording implements EventConsumer.Handler {
        final List<String> handled = new CopyOnWriteArrayList<>();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        final List<TopicPartition> revoked = new CopyOnWriteArrayList<>();
        final AtomicBoolean broken = new AtomicBoolean();
        final String prefix;

        Recording(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public void handle(CloudEvents.Event event, ConsumerRecord<String, byte[]> record) {
            if (!record.key().startsWith(prefix)) {
                return;
            }
            if (broken.get() && record.key().startsWith(prefix + "fail")) {
                throw new IllegalStateException("the store is down");
            }
            if (record.key().endsWith("refused")) {
                throw new InvalidInputException("record", List.of(new FieldError("key", "refused by the handler")));
            }
            handled.add(record.key() + "@" + record.offset());
            threads.add(Thread.currentThread().getName());
        }

        @Override
        public void revoked(Collection<TopicPartition> partitions) {
            revoked.addAll(partitions);
        }

        List<String> keys() {
            return handled.stream().map(h -> h.substring(0, h.indexOf('@'))).toList();
        }
    }

    @Test
    void aRecordThatBreaksItsContractGoesToTheDlqWithTheReasonAndTheConsumerGoesOn() throws Exception {
        String k = "dlq-p1";
        Recording h = new Recording("dlq-");
        try (TopicTail dlq = new TopicTail(kafka.bootstrapServers(), kafka.adminSettings(), Topics.dlq(TOPIC));
             EventConsumer consumer = consumer("dlq", 1, h)) {
            ProducerRecord<String, byte[]> good = telemetry(k);
            send(new ProducerRecord<>(TOPIC, null, k, "{not json".getBytes(StandardCharsets.UTF_8), good.headers()));
            send(CloudEvents.encode(EventType.DEGRADATION_DETECTED, k, batch("dlq-someone-else"), "/test"));
            send(CloudEvents.encode(EventType.DEGRADATION_DETECTED, "dlq-p1-refused", batch("dlq-p1-refused"), "/test"));
            long goodOffset = send(good).offset();

            await().atMost(WAIT).until(() -> h.handled.contains(k + "@" + goodOffset));
            assertThat(h.keys()).containsExactly(k);
            // the refused record has another key, so another partition: dead letters of different partitions come in any order
            await().atMost(WAIT).untilAsserted(() -> assertThat(dlq.records().stream().filter(r -> r.key().startsWith("dlq-"))
                    .map(r -> header(r, DeadLetters.REASON)).toList()).satisfiesExactlyInAnyOrder(
                    r -> assertThat(r).contains("malformed JSON"),
                    r -> assertThat(r).contains("key: 'dlq-p1' is not the body's $.subjectId 'dlq-someone-else'"),
                    r -> assertThat(r).contains("refused by the handler")));
            assertThat(dlq.records().stream().filter(r -> r.key().startsWith("dlq-")).map(r -> header(r, DeadLetters.ORIGIN)))
                    .allSatisfy(o -> assertThat(o).startsWith(TOPIC + "/"));
            assertThat(consumer.invalid()).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void aFailingEffectPausesOnlyItsPartitionAndItsOffsetIsCommittedOnlyAfterTheEffect() throws Exception {
        String failing = "eff-fail";
        String other = keyOnAnotherPartition("eff-ok", failing);
        Recording h = new Recording("eff-");
        h.broken.set(true);
        try (EventConsumer consumer = consumer("eff", 1, h)) {
            RecordMetadata first = send(telemetry(failing));
            RecordMetadata second = send(telemetry(failing));
            send(telemetry(other));
            TopicPartition tp = new TopicPartition(TOPIC, first.partition());

            await().atMost(WAIT).until(() -> h.keys().contains(other) && consumer.retries() >= 2);
            assertThat(h.keys()).doesNotContain(failing);
            assertThat(committed("eff", tp)).as("nothing past the failing record is committed")
                    .satisfiesAnyOf(o -> assertThat(o).isNull(), o -> assertThat(o.offset()).isLessThanOrEqualTo(first.offset()));

            h.broken.set(false);
            await().atMost(WAIT).untilAsserted(() -> assertThat(h.handled)
                    .containsSubsequence(failing + "@" + first.offset(), failing + "@" + second.offset()));
            await().atMost(WAIT).untilAsserted(() -> assertThat(committed("eff", tp).offset()).isEqualTo(second.offset() + 1));
            assertThat(h.keys().stream().filter(failing::equals)).hasSize(2);
        }
    }

    @Test
    void anUnreachableDlqSeeksBackOnlyTheFailingPartition() throws Exception {
        String stuck = "nodlq-p1";
        String other = keyOnAnotherPartition("nodlq-p2", stuck);
        Recording h = new Recording("nodlq-");
        String dlqTopic = Topics.dlq(TOPIC);
        // a broker of its own: the records left here must not reach the other tests' groups
        try (EmbeddedKafka own = EmbeddedKafka.start();
             KafkaProducer<String, byte[]> out = KafkaClients.producer(own.bootstrapServers(), "nodlq",
                     with(own, ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000));
             Admin ownAdmin = Admin.create(with(own, AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, own.bootstrapServers()))) {
            ownAdmin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
            try (EventConsumer consumer = new EventConsumer(ConsumerSettings.group("nodlq", own.bootstrapServers(), "nodlq",
                    List.of(TOPIC)).withRetryBackoff(Duration.ofMillis(100)).withClientOverrides(own.adminSettings()), out, () -> h)) {
                consumer.start(WAIT);
                ProducerRecord<String, byte[]> good = telemetry(stuck);
                out.send(new ProducerRecord<>(TOPIC, null, stuck, "{not json".getBytes(StandardCharsets.UTF_8),
                        good.headers())).get(10, TimeUnit.SECONDS);
                long afterBad = out.send(good).get(10, TimeUnit.SECONDS).offset();
                out.send(telemetry(other)).get(10, TimeUnit.SECONDS);

                await().atMost(WAIT).until(() -> h.keys().contains(other) && consumer.retries() >= 1);
                assertThat(h.keys()).as("the other partition went on; the stuck one waits").containsExactly(other);

                ownAdmin.createTopics(List.of(new NewTopic(dlqTopic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(60)).until(() -> h.handled.contains(stuck + "@" + afterBad));
                assertThat(h.keys()).containsExactly(other, stuck);
                try (TopicTail dlq = new TopicTail(own.bootstrapServers(), own.adminSettings(), dlqTopic)) {
                    await().atMost(WAIT).untilAsserted(() -> assertThat(dlq.records()).extracting(ConsumerRecord::key)
                            .containsExactly(stuck));
                }
            }
        }
    }

    @Test
    void partitionsAreWorkedInParallelAndMoveToAnotherMemberWithoutLosingARecord() throws Exception {
        Recording first = new Recording("reb-");
        Recording second = new Recording("reb-");
        List<String> sent = new ArrayList<>();
        try (EventConsumer a = consumer("reb", 3, first)) {
            for (int i = 0; i < 30; i++) {
                sent.add("reb-" + i);
                send(telemetry("reb-" + i));
            }
            await().atMost(WAIT).until(() -> first.handled.size() >= 30);
            assertThat(first.threads).as("three partitions, three consumer threads").hasSize(3);
            try (EventConsumer b = consumer("reb", 1, second)) {
                a.close();
                assertThat(first.revoked).as("the closing member gave its partitions up").isNotEmpty();
                for (int i = 30; i < 60; i++) {
                    sent.add("reb-" + i);
                    send(telemetry("reb-" + i));
                }
                await().atMost(WAIT).until(() -> second.keys().containsAll(sent.subList(30, 60)));
            }
        }
        List<String> all = new ArrayList<>(first.keys());
        all.addAll(second.keys());
        assertThat(all).containsAll(sent);
    }

    @Test
    void aTableReaderReadsEveryPartitionFromTheBeginningAndIsReadyWhenCaughtUp() throws Exception {
        for (int i = 0; i < 10; i++) {
            send(telemetry("tab-" + i));
        }
        Recording h = new Recording("tab-");
        try (EventConsumer table = new EventConsumer(ConsumerSettings.table("table", kafka.bootstrapServers(),
                List.of(TOPIC)).withClientOverrides(kafka.adminSettings()), producer, () -> h)) {
            table.start();
            assertThat(table.awaitReady(WAIT)).isTrue();
            assertThat(h.keys()).containsAll(List.of("tab-0", "tab-1", "tab-2", "tab-3", "tab-4", "tab-5", "tab-6",
                    "tab-7", "tab-8", "tab-9"));
        }
    }

    @Test
    void aTableOfAPerProviderFamilyReadsEveryProvidersTopicAndOneMadeAfterItStarted() throws Exception {
        ProviderId early = ProviderId.of("tabfam-early");
        ProviderId late = ProviderId.of("tabfam-late");
        TopicInitializer.ensureProviderTopics(kafka.bootstrapServers(), early, 3, (short) 1, kafka.adminSettings());
        send(CloudEvents.toProvider(instanceAck(early), early));
        Recording h = new Recording("tabfam-");
        try (EventConsumer table = new EventConsumer(ConsumerSettings.table("tabfam", kafka.bootstrapServers(),
                List.of(Topics.PLACEMENT_ACKS)).withClientOverrides(kafka.adminSettings()), producer, () -> h)) {
            table.start();
            assertThat(table.awaitReady(WAIT)).isTrue();
            assertThat(h.keys()).containsExactly(early.value());

            TopicInitializer.ensureProviderTopics(kafka.bootstrapServers(), late, 3, (short) 1, kafka.adminSettings());
            send(CloudEvents.toProvider(instanceAck(late), late));
            await().atMost(WAIT).until(() -> h.keys().contains(late.value()));
            assertThat(h.keys()).containsExactly(early.value(), late.value());
        }
    }

    @Test
    void aTableReaderThatOwnsItsTopicDeadLettersWhatBreaksItsContract() throws Exception {
        String k = "owned-p1";
        ProducerRecord<String, byte[]> good = telemetry(k);
        send(new ProducerRecord<>(TOPIC, null, k, "{not json".getBytes(StandardCharsets.UTF_8), good.headers()));
        send(good);
        Recording h = new Recording("owned-");
        try (TopicTail dlq = new TopicTail(kafka.bootstrapServers(), kafka.adminSettings(), Topics.dlq(TOPIC));
             EventConsumer table = new EventConsumer(ConsumerSettings.table("owned", kafka.bootstrapServers(),
                     List.of(TOPIC)).withDeadLetters().withClientOverrides(kafka.adminSettings()), producer, () -> h)) {
            table.start(WAIT);
            assertThat(h.keys()).containsExactly(k);
            await().atMost(WAIT).untilAsserted(() -> assertThat(dlq.records().stream().filter(r -> r.key().equals(k))
                    .map(r -> header(r, DeadLetters.REASON)).toList()).singleElement()
                    .satisfies(r -> assertThat(r).contains("malformed JSON")));
        }
    }

    @Test
    void aNewGroupStartingAtTheEndReadsOnlyWhatArrivesAfterItStarted() throws Exception {
        send(telemetry("late-before"));
        Recording h = new Recording("late-");
        try (EventConsumer consumer = new EventConsumer(ConsumerSettings.group("late", kafka.bootstrapServers(), "late",
                List.of(TOPIC)).withNewGroupAtEnd().withClientOverrides(kafka.adminSettings()), producer, () -> h)) {
            consumer.start(WAIT);
            send(telemetry("late-after"));
            await().atMost(WAIT).until(() -> h.keys().contains("late-after"));
            assertThat(h.keys()).containsExactly("late-after");
        }
    }

    private EventConsumer consumer(String group, int threads, EventConsumer.Handler handler) {
        EventConsumer c = new EventConsumer(ConsumerSettings.group(group, kafka.bootstrapServers(), group,
                List.of(TOPIC)).withThreads(threads).withRetryBackoff(Duration.ofMillis(100))
                .withClientOverrides(kafka.adminSettings()), producer, () -> handler);
        c.start(WAIT);
        return c;
    }

    /** The super user's client settings of {@code k} and one more. */
    private static Map<String, Object> with(EmbeddedKafka k, String key, Object value) {
        Map<String, Object> p = new java.util.HashMap<>(k.adminSettings());
        p.put(key, value);
        return p;
    }

    private static ProducerRecord<String, byte[]> telemetry(String provider) {
        return CloudEvents.encode(EventType.DEGRADATION_DETECTED, provider, batch(provider), "/test");
    }

    private static Degradation batch(String subject) {
        return new Degradation(SubjectKind.INSTANCE, subject, ProviderId.of("p"), Metric.LOAD, 0.9, 0.8, 0.7, 10,
                Instant.now(), List.of());
    }

    private static ProducerRecord<String, byte[]> instanceAck(ProviderId provider) {
        return CloudEvents.encode(EventType.INSTANCE_COMMAND_ACKNOWLEDGED, provider.value(), new InstanceAck("c-" + provider,
                provider, InstanceCommand.Operation.START, OfferId.of(provider + "-o"), true, null, Instant.now()), "/test");
    }

    private static RecordMetadata send(ProducerRecord<String, byte[]> record) throws Exception {
        return producer.send(record).get(10, TimeUnit.SECONDS);
    }

    private static OffsetAndMetadata committed(String group, TopicPartition tp) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS).get(tp);
    }

    /** A key starting with {@code prefix} that the default partitioner puts on another partition than {@code key}. */
    private static String keyOnAnotherPartition(String prefix, String key) {
        int p = partition(key);
        for (int i = 0; ; i++) {
            if (partition(prefix + i) != p) {
                return prefix + i;
            }
        }
    }

    private static int partition(String key) {
        return org.apache.kafka.common.utils.Utils.toPositive(
                org.apache.kafka.common.utils.Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % 3;
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
