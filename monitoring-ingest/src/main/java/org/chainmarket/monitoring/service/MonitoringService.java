package org.chainmarket.monitoring.service;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.chainmarket.monitoring.policy.ThresholdPolicy;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.kafka.ConsumerSettings;
import org.chainmarket.schemas.kafka.EventConsumer;
import org.chainmarket.schemas.kafka.KafkaClients;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.VnfOffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToLongFunction;

/**
 * monitoring-ingest as a Kafka service: reads {@link Topics#TELEMETRY} in consumer group {@value #GROUP_ID} with
 * {@link Config#consumers()} consumer threads (the shared {@link EventConsumer}); each thread has its own engine
 * ({@link IngestWorker}) owning the providers of its partitions, since telemetry is keyed by provider id. It reads
 * every offer from {@link Topics#OFFERS} (capacity and declared thresholds) with a table reader of the same consumer,
 * and publishes {@code InstanceContextUpdated} on {@link Topics#INSTANCE_CONTEXT}, {@code LinkContextUpdated} on
 * {@link Topics#LINK_CONTEXT} (both compacted) and {@code DegradationDetected} / {@code DegradationCleared} on
 * {@link Topics#DEGRADATIONS}.
 *
 * <p>Validation, dead letters, pausing, rebalancing and committing after the output is flushed are the shared
 * consumer's. Under a flood it keeps up or sheds visibly: telemetry older than {@link Config#maxRecordAge()} when read
 * is skipped unread ({@link #shed()}), since it can no longer change the current window; each engine tracks at most
 * {@code subjects.max} subjects ({@link #refusedSamples()}); the consumers' fetch buffers are bounded.
 */
public final class MonitoringService implements AutoCloseable {
    /** The consumer group of the telemetry topic. */
    public static final String GROUP_ID = "monitoring-ingest";
    /** The {@code ce_source} of everything the service publishes. */
    public static final String SOURCE = "/monitoring-ingest";

    private static final Logger LOG = LoggerFactory.getLogger(MonitoringService.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration OFFERS_CATCH_UP = Duration.ofSeconds(10);

    private final Config config;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaContextSink sink;
    private final List<IngestWorker> workers = new CopyOnWriteArrayList<>();
    private final Map<OfferId, VnfOffer> knownOffers = new HashMap<>();
    private final EventConsumer offers;
    private final EventConsumer telemetry;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * How the service runs.
     *
     * @param bootstrapServers Kafka
     * @param groupId          consumer group of the telemetry topic ({@value #GROUP_ID} in production)
     * @param policy           thresholds, window, dwell, subjects per engine
     * @param tickInterval     how often heartbeats are checked and due contexts refreshed
     * @param clientOverrides  applied to every Kafka client (security settings of a real cluster, for example)
     * @param clock            the ingest's clock (heartbeat silence and refresh)
     * @param consumers        telemetry consumer threads, each with its own engine (at most one per partition works)
     * @param maxRecordAge     telemetry older than this when read is shed; null: none is
     */
    public record Config(String bootstrapServers, String groupId, ThresholdPolicy policy, Duration tickInterval,
                         Map<String, ?> clientOverrides, Clock clock, int consumers, Duration maxRecordAge) {
        public Config {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            Objects.requireNonNull(groupId, "groupId");
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(tickInterval, "tickInterval");
            if (tickInterval.isNegative() || tickInterval.isZero()) {
                throw new IllegalArgumentException("tickInterval must be positive but was " + tickInterval);
            }
            if (consumers < 1) {
                throw new IllegalArgumentException("consumers must be at least 1 but was " + consumers);
            }
            clientOverrides = clientOverrides == null ? Map.of() : Map.copyOf(clientOverrides);
            clock = clock == null ? Clock.systemUTC() : clock;
        }

        /**
         * Group {@value #GROUP_ID}, the default policy, a tick every 500 ms, the system clock, one consumer per core (at
         * most 4), telemetry older than 30 s shed.
         */
        public static Config defaults(String bootstrapServers) {
            return new Config(bootstrapServers, GROUP_ID, ThresholdPolicy.defaults(), Duration.ofMillis(500), Map.of(), null,
                    Math.min(4, Runtime.getRuntime().availableProcessors()), Duration.ofSeconds(30));
        }

        public Config withGroupId(String groupId) {
            return new Config(bootstrapServers, groupId, policy, tickInterval, clientOverrides, clock, consumers, maxRecordAge);
        }

        public Config withPolicy(ThresholdPolicy policy) {
            return new Config(bootstrapServers, groupId, policy, tickInterval, clientOverrides, clock, consumers, maxRecordAge);
        }

        public Config withTickInterval(Duration tickInterval) {
            return new Config(bootstrapServers, groupId, policy, tickInterval, clientOverrides, clock, consumers, maxRecordAge);
        }

        public Config withConsumers(int consumers) {
            return new Config(bootstrapServers, groupId, policy, tickInterval, clientOverrides, clock, consumers, maxRecordAge);
        }

        public Config withMaxRecordAge(Duration maxRecordAge) {
            return new Config(bootstrapServers, groupId, policy, tickInterval, clientOverrides, clock, consumers, maxRecordAge);
        }

        public Config withClientOverrides(Map<String, ?> clientOverrides) {
            return new Config(bootstrapServers, groupId, policy, tickInterval, clientOverrides, clock, consumers, maxRecordAge);
        }
    }

    public MonitoringService(Config config) {
        this.config = Objects.requireNonNull(config, "config");
        Map<String, Object> producerTuning = new HashMap<>(Map.of(ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024, ProducerConfig.BUFFER_MEMORY_CONFIG, 32L * 1024 * 1024));
        producerTuning.putAll(config.clientOverrides());
        this.producer = KafkaClients.producer(config.bootstrapServers(), config.groupId() + "-out", producerTuning);
        this.sink = new KafkaContextSink(producer, SOURCE);
        // bounded fetch buffers: at most 16 MB fetched per consumer thread
        Map<String, Object> consumerTuning = new HashMap<>(Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 16 * 1024 * 1024));
        consumerTuning.putAll(config.clientOverrides());
        this.offers = new EventConsumer(ConsumerSettings.table(config.groupId() + "-offers", config.bootstrapServers(),
                List.of(Topics.OFFERS)).withClientOverrides(config.clientOverrides()), producer, () -> this::offer);
        this.telemetry = new EventConsumer(new ConsumerSettings(config.groupId() + "-telemetry", config.bootstrapServers(),
                config.groupId(), List.of(Topics.TELEMETRY), config.consumers(), config.maxRecordAge(), null, consumerTuning),
                producer, this::newWorker);
    }

    /**
     * Reads the offers published so far (up to 10 s), then starts consuming telemetry; returns once every consumer
     * thread has its partitions.
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
        offers.start();
        if (!offers.awaitReady(OFFERS_CATCH_UP)) {
            LOG.warn("monitoring-ingest: the offers were not read to their end within {} s; going on", OFFERS_CATCH_UP.toSeconds());
        }
        try {
            telemetry.start(START_TIMEOUT);
        } catch (IllegalStateException e) {
            close();
            throw new IllegalStateException("monitoring-ingest: " + e.getMessage(), e);
        }
        LOG.info("monitoring-ingest started: group {}, {} consumers, {} offers known, shedding telemetry older than {}, policy {}",
                config.groupId(), config.consumers(), knownOffers.size(), config.maxRecordAge(), config.policy());
    }

    /**
     * On the offers reader's thread: the table is updated and every engine told (a new engine starts from the table).
     * Every provider's offers topic is read; a provider's topic advertises and withdraws only offer ids that are not
     * another provider's.
     */
    private void offer(CloudEvents.Event event, ConsumerRecord<String, byte[]> record) {
        String owner = Topics.providerOf(record.topic()).orElse(null);
        synchronized (knownOffers) {
            if (event.isTombstone()) {
                OfferId id = OfferId.of(event.key());
                VnfOffer held = knownOffers.get(id);
                if (held != null && owner != null && !held.providerId().value().equals(owner)) {
                    return;
                }
                knownOffers.remove(id);
                workers.forEach(w -> w.offerWithdrawn(id));
            } else {
                VnfOffer offer = event.payload(VnfOffer.class);
                VnfOffer held = knownOffers.get(offer.offerId());
                if (held != null && !held.providerId().equals(offer.providerId())) {
                    return;
                }
                knownOffers.put(offer.offerId(), offer);
                workers.forEach(w -> w.offer(offer));
            }
        }
    }

    private IngestWorker newWorker() {
        IngestWorker w = new IngestWorker(config, sink, producer);
        synchronized (knownOffers) {
            knownOffers.values().forEach(w::offer);
            workers.add(w);
        }
        return w;
    }

    /** Samples ingested so far (valid batches only). */
    public long samplesIngested() {
        return sum(w -> w.samples);
    }

    /** Valid telemetry batches ingested so far. */
    public long batchesIngested() {
        return sum(w -> w.batches);
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
        return telemetry.invalid();
    }

    /** Telemetry records skipped unread because they were older than {@link Config#maxRecordAge()}. */
    public long shed() {
        return telemetry.shed();
    }

    /** Samples refused because an engine already tracked {@code subjects.max} instances and links. */
    public long refusedSamples() {
        return sum(w -> w.refused);
    }

    /** Instances and links tracked, over every engine. */
    public long subjects() {
        return sum(w -> w.subjects);
    }

    /** Telemetry records not yet read, as of each consumer's last poll. */
    public long lag() {
        return telemetry.lag();
    }

    /** Whether the service is consuming: its telemetry and the offers it reads them against. */
    public boolean isRunning() {
        return !closed.get() && telemetry.isRunning() && offers.isRunning();
    }

    /** Offers read so far (advertised and not withdrawn). */
    public int offersKnown() {
        synchronized (knownOffers) {
            return knownOffers.size();
        }
    }

    public Config config() {
        return config;
    }

    /** Stops consuming (each consumer flushes its output and commits what it processed), then closes the producer. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        telemetry.close();
        offers.close();
        producer.close(Duration.ofSeconds(10));
        LOG.info("monitoring-ingest stopped: {} samples in {} batches, {} context updates, {} detected, {} cleared, "
                        + "{} dead-lettered, {} shed", samplesIngested(), batchesIngested(), contextUpdates(),
                degradationsDetected(), degradationsCleared(), deadLettered(), shed());
    }

    private long sum(ToLongFunction<IngestWorker> f) {
        return workers.stream().mapToLong(f).sum();
    }
}
