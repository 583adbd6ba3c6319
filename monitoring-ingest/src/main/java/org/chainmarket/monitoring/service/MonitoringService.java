package org.chainmarket.monitoring.service;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.chainmarket.monitoring.context.ContextEngine;
import org.chainmarket.monitoring.policy.ThresholdPolicy;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.DeadLetters;
import org.chainmarket.schemas.events.InvalidInputException;
import org.chainmarket.schemas.events.TopicInitializer;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.TelemetryBatch;
import org.chainmarket.schemas.model.VnfOffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * monitoring-ingest as a Kafka service (plain kafka-clients): reads {@link Topics#TELEMETRY} in consumer group
 * {@value #GROUP_ID} (one engine per instance of the service; partitions are keyed by provider id, so each provider's
 * instances and links live in exactly one engine), reads every offer from {@link Topics#OFFERS} (capacity and
 * declared thresholds), and publishes {@code InstanceContextUpdated} on {@link Topics#INSTANCE_CONTEXT},
 * {@code LinkContextUpdated} on {@link Topics#LINK_CONTEXT} (both compacted) and {@code DegradationDetected} /
 * {@code DegradationCleared} on {@link Topics#DEGRADATIONS}.
 *
 * <p>Every record goes through {@link CloudEvents#decode}; a record that fails, or whose key is not its batch's
 * provider id, goes to {@code chainmarket.telemetry.v1.dlq} with the reason and the service goes on. Offsets are
 * committed after the output of the records is flushed to Kafka (at least once).
 */
public final class MonitoringService implements AutoCloseable {
    /** The consumer group of the telemetry topic. */
    public static final String GROUP_ID = "monitoring-ingest";
    /** The {@code ce_source} of everything the service publishes. */
    public static final String SOURCE = "/monitoring-ingest";

    private static final Logger LOG = LoggerFactory.getLogger(MonitoringService.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration OFFERS_CATCH_UP = Duration.ofSeconds(10);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(500);

    private final Config config;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaContextSink sink;
    private final ContextEngine engine;
    private final Map<TopicPartition, OffsetAndMetadata> processed = new HashMap<>();
    private final Map<ProviderId, TopicPartition> partitionOf = new HashMap<>();
    private final CountDownLatch assigned = new CountDownLatch(1);
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong samples = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong offersSeen = new AtomicLong();
    private volatile boolean running;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Thread thread;
    private long lastTick;

    /**
     * How the service runs.
     *
     * @param bootstrapServers Kafka
     * @param groupId          consumer group of the telemetry topic ({@value #GROUP_ID} in production)
     * @param policy           thresholds, window and dwell
     * @param tickInterval     how often heartbeats are checked and due contexts refreshed
     * @param clientOverrides  applied to every Kafka client (security settings of a real cluster, for example)
     * @param clock            the ingest's clock (heartbeat silence and refresh)
     */
    public record Config(String bootstrapServers, String groupId, ThresholdPolicy policy, Duration tickInterval,
                         Map<String, ?> clientOverrides, Clock clock) {
        public Config {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            Objects.requireNonNull(groupId, "groupId");
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(tickInterval, "tickInterval");
            if (tickInterval.isNegative() || tickInterval.isZero()) {
                throw new IllegalArgumentException("tickInterval must be positive but was " + tickInterval);
            }
            clientOverrides = clientOverrides == null ? Map.of() : Map.copyOf(clientOverrides);
            clock = clock == null ? Clock.systemUTC() : clock;
        }

        /** Group {@value #GROUP_ID}, the default policy, a tick every 500 ms, the system clock. */
        public static Config defaults(String bootstrapServers) {
            return new Config(bootstrapServers, GROUP_ID, ThresholdPolicy.defaults(), Duration.ofMillis(500), Map.of(), null);
        }

        public Config withGroupId(String groupId) {
            return new Config(bootstrapServers, groupId, policy, tickInterval, clientOverrides, clock);
        }

        public Config withPolicy(ThresholdPolicy policy) {
            return new Config(bootstrapServers, groupId, policy, tickInterval, clientOverrides, clock);
        }

        public Config withTickInterval(Duration tickInterval) {
            return new Config(bootstrapServers, groupId, policy, tickInterval, clientOverrides, clock);
        }
    }

    public MonitoringService(Config config) {
        this.config = Objects.requireNonNull(config, "config");
        this.producer = new KafkaProducer<>(producerConfig(), new StringSerializer(), new ByteArraySerializer());
        this.sink = new KafkaContextSink(producer, SOURCE);
        this.engine = new ContextEngine(config.policy(), sink);
    }

    /**
     * Reads the offers published so far (up to 10 s), then starts consuming telemetry on the service's own thread;
     * returns once the consumer has its partitions.
     *
     * @throws IllegalStateException when already started or closed, or when Kafka does not assign partitions in time
     */
    public void start() {
        if (closed.get()) {
            throw new IllegalStateException("monitoring-ingest is closed");
        }
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("monitoring-ingest is already started");
        }
        running = true;
        consumer = new KafkaConsumer<>(consumerConfig(), new StringDeserializer(), new ByteArrayDeserializer());
        Thread t = new Thread(this::run, "monitoring-ingest");
        t.setDaemon(true);
        thread = t;
        t.start();
        try {
            if (!assigned.await(START_TIMEOUT.toMillis() + OFFERS_CATCH_UP.toMillis(), TimeUnit.MILLISECONDS)) {
                close();
                throw new IllegalStateException("monitoring-ingest got no partitions of " + Topics.TELEMETRY + " from "
                        + config.bootstrapServers() + " within " + START_TIMEOUT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while starting monitoring-ingest", e);
        }
        LOG.info("monitoring-ingest started: group {}, {} offers known, policy {}", config.groupId(), offersSeen.get(),
                config.policy());
    }

    /** Samples ingested so far (valid batches only). */
    public long samplesIngested() {
        return samples.get();
    }

    /** Valid telemetry batches ingested so far. */
    public long batchesIngested() {
        return batches.get();
    }

    /** Context updates published so far (instances and links). */
    public long contextUpdates() {
        return sink.instanceUpdates.get() + sink.linkUpdates.get();
    }

    /** {@code DegradationDetected} events published so far. */
    public long degradationsDetected() {
        return sink.detected.get();
    }

    /** {@code DegradationCleared} events published so far. */
    public long degradationsCleared() {
        return sink.cleared.get();
    }

    /** Telemetry records sent to the DLQ so far. */
    public long deadLettered() {
        return deadLettered.get();
    }

    /** Whether the service is consuming. */
    public boolean isRunning() {
        return running && thread != null && thread.isAlive();
    }

    public Config config() {
        return config;
    }

    /** Stops consuming (flushing the output and committing what was processed), then closes the producer. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        producer.close(Duration.ofSeconds(10));
        LOG.info("monitoring-ingest stopped: {} samples in {} batches, {} context updates, {} detected, {} cleared, {} dead-lettered",
                samples.get(), batches.get(), contextUpdates(), degradationsDetected(), degradationsCleared(), deadLettered.get());
    }

    private void run() {
        KafkaConsumer<String, byte[]> c = consumer;
        KafkaConsumer<String, byte[]> offers = new KafkaConsumer<>(offersConfig(), new StringDeserializer(), new ByteArrayDeserializer());
        try {
            List<TopicPartition> offerPartitions = offers.partitionsFor(Topics.OFFERS).stream()
                    .map(p -> new TopicPartition(Topics.OFFERS, p.partition())).toList();
            offers.assign(offerPartitions);
            offers.seekToBeginning(offerPartitions);
            catchUpOffers(offers, offerPartitions);
            c.subscribe(List.of(Topics.TELEMETRY), new Rebalance(c));
            lastTick = config.clock().millis();
            while (running) {
                ConsumerRecords<String, byte[]> records;
                try {
                    records = c.poll(POLL);
                } catch (WakeupException e) {
                    continue;
                }
                boolean complete = handle(c, records);
                offers.poll(Duration.ZERO).forEach(this::offer);
                long now = config.clock().millis();
                if (now - lastTick >= config.tickInterval().toMillis()) {
                    lastTick = now;
                    engine.tick(now);
                }
                flushAndCommit(c, false);
                if (!complete) {
                    pause();
                }
            }
        } catch (WakeupException e) {
            LOG.debug("monitoring-ingest woken up to stop");
        } catch (RuntimeException e) {
            LOG.error("monitoring-ingest stopped consuming: {}", e.toString(), e);
        } finally {
            running = false;
            flushAndCommit(c, true);
            closeQuietly(c);
            closeQuietly(offers);
        }
    }

    /**
     * Handles one poll in order per partition; false when a record must be read again (its DLQ was unreachable): its
     * partition is sought back to it, and the other partitions' records are still handled (the poll moved past them).
     */
    private boolean handle(KafkaConsumer<String, byte[]> c, ConsumerRecords<String, byte[]> records) {
        boolean complete = true;
        for (TopicPartition tp : records.partitions()) {
            for (ConsumerRecord<String, byte[]> r : records.records(tp)) {
                if (!handle(tp, r)) {
                    c.seek(tp, r.offset());
                    complete = false;
                    break;
                }
                processed.put(tp, new OffsetAndMetadata(r.offset() + 1));
            }
        }
        return complete;
    }

    private boolean handle(TopicPartition tp, ConsumerRecord<String, byte[]> r) {
        TelemetryBatch batch;
        try {
            batch = CloudEvents.decode(r).payload(TelemetryBatch.class);
        } catch (InvalidInputException e) {
            return deadLetter(r, e.getMessage());
        }
        if (!batch.providerId().value().equals(r.key())) {
            return deadLetter(r, "record is invalid: key: '" + r.key() + "' is not the batch's providerId '" + batch.providerId() + "'");
        }
        partitionOf.put(batch.providerId(), tp);
        samples.addAndGet(engine.apply(batch, config.clock().millis()));
        batches.incrementAndGet();
        return true;
    }

    private void offer(ConsumerRecord<String, byte[]> r) {
        try {
            CloudEvents.Event event = CloudEvents.decode(r);
            if (event.isTombstone()) {
                engine.offerWithdrawn(OfferId.of(r.key()));
            } else {
                engine.offer(event.payload(VnfOffer.class));
            }
            offersSeen.incrementAndGet();
        } catch (InvalidInputException | IllegalArgumentException e) {
            LOG.debug("monitoring-ingest skips an invalid offer record {}/{}: {}", r.partition(), r.offset(), e.getMessage());
        }
    }

    private void catchUpOffers(KafkaConsumer<String, byte[]> offers, List<TopicPartition> partitions) {
        Map<TopicPartition, Long> end = offers.endOffsets(partitions);
        long until = System.nanoTime() + OFFERS_CATCH_UP.toNanos();
        while (running && System.nanoTime() < until
                && partitions.stream().anyMatch(tp -> offers.position(tp) < end.get(tp))) {
            offers.poll(POLL).forEach(this::offer);
        }
    }

    private boolean deadLetter(ConsumerRecord<String, byte[]> r, String reason) {
        try {
            DeadLetters.send(producer, r, reason);
        } catch (RuntimeException e) {
            LOG.error("monitoring-ingest cannot dead-letter {}/{}/{}; will read it again: {}", r.topic(), r.partition(),
                    r.offset(), e.getMessage());
            return false;
        }
        deadLettered.incrementAndGet();
        LOG.warn("monitoring-ingest dead-lettered {}/{}/{}: {}", r.topic(), r.partition(), r.offset(), reason);
        return true;
    }

    /** Flushes what the engine published, then commits the processed offsets (synchronously when {@code sync}). */
    private void flushAndCommit(KafkaConsumer<String, byte[]> c, boolean sync) {
        if (sink.pending) {
            producer.flush();
            sink.pending = false;
        }
        if (processed.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(processed);
        processed.clear();
        try {
            if (sync) {
                c.commitSync(offsets, Duration.ofSeconds(5));
            } else {
                c.commitAsync(offsets, (o, e) -> {
                    if (e != null) {
                        LOG.warn("monitoring-ingest: committing {} failed (redelivered or committed later): {}", o, e.toString());
                    }
                });
            }
        } catch (RuntimeException e) {
            LOG.warn("monitoring-ingest: committing {} failed; those batches may be read again: {}", offsets, e.toString());
        }
    }

    private void pause() {
        try {
            Thread.sleep(RETRY_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private static void closeQuietly(KafkaConsumer<String, byte[]> c) {
        try {
            c.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.warn("monitoring-ingest: closing a consumer failed: {}", e.toString());
        }
    }

    /** Commits before partitions go, and forgets the providers whose partitions went to another consumer. */
    private final class Rebalance implements ConsumerRebalanceListener {
        private final KafkaConsumer<String, byte[]> c;

        Rebalance(KafkaConsumer<String, byte[]> c) {
            this.c = c;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            flushAndCommit(c, true);
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            processed.keySet().removeAll(partitions);
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            LOG.debug("monitoring-ingest assigned {}", partitions);
            assigned.countDown();
        }

        private void forget(Collection<TopicPartition> partitions) {
            partitionOf.entrySet().removeIf(e -> {
                if (partitions.contains(e.getValue())) {
                    engine.forgetProvider(e.getKey());
                    return true;
                }
                return false;
            });
        }
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, config.groupId() + "-out");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.putAll(config.clientOverrides());
        return p;
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, config.groupId() + "-telemetry");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        p.putAll(config.clientOverrides());
        return p;
    }

    private Map<String, Object> offersConfig() {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, config.groupId() + "-offers");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.putAll(config.clientOverrides());
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return p;
    }

    /** Runs the service until it is stopped (Ctrl-C / SIGTERM). */
    public static void main(String[] args) {
        System.exit(new CommandLine(new Cli()).execute(args));
    }

    /** The command line of {@link #main}. */
    @CommandLine.Command(name = "monitoring-ingest", mixinStandardHelpOptions = true,
            description = "Telemetry -> windowed context (compacted) and degradation events, with hysteresis.")
    static final class Cli implements Callable<Integer> {
        @CommandLine.Option(names = "--bootstrap-servers", description = "Kafka (default: $KAFKA_BOOTSTRAP_SERVERS or ${DEFAULT-VALUE})",
                defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}")
        String bootstrapServers;

        @CommandLine.Option(names = "--group", description = "consumer group (default: ${DEFAULT-VALUE})", defaultValue = GROUP_ID)
        String group;

        @CommandLine.Option(names = "--policy", description = "policy properties file (see ThresholdPolicy)")
        Path policyFile;

        @CommandLine.Option(names = "--set", description = "policy setting key=value, e.g. instance.cpu=0.8/0.65, type.dpi.load=0.7/0.55, dwell.seconds=3")
        Map<String, String> settings = new LinkedHashMap<>();

        @CommandLine.Option(names = "--tick-ms", description = "heartbeat check and refresh period (default: ${DEFAULT-VALUE})", defaultValue = "500")
        long tickMillis;

        @CommandLine.Option(names = "--create-topics", description = "create missing topics with this many partitions")
        Integer partitions;

        @Override
        public Integer call() throws Exception {
            ThresholdPolicy policy = policyFile == null ? ThresholdPolicy.defaults() : ThresholdPolicy.load(policyFile);
            for (Map.Entry<String, String> e : settings.entrySet()) {
                policy = policy.with(e.getKey(), e.getValue());
            }
            if (partitions != null) {
                TopicInitializer.ensureTopics(bootstrapServers, partitions, (short) 1);
            }
            MonitoringService service = new MonitoringService(Config.defaults(bootstrapServers).withGroupId(group)
                    .withPolicy(policy).withTickInterval(Duration.ofMillis(tickMillis)));
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                service.close();
                stopped.countDown();
            }, "monitoring-ingest-shutdown"));
            service.start();
            System.out.println("monitoring-ingest running on " + bootstrapServers + " as group " + group + "; Ctrl-C stops");
            while (!stopped.await(10, TimeUnit.SECONDS)) {
                System.out.printf("samples %d, batches %d, context updates %d, detected %d, cleared %d, dead-lettered %d%n",
                        service.samplesIngested(), service.batchesIngested(), service.contextUpdates(),
                        service.degradationsDetected(), service.degradationsCleared(), service.deadLettered());
            }
            return 0;
        }
    }
}
