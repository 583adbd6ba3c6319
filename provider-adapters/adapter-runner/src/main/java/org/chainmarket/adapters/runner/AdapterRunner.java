package org.chainmarket.adapters.runner;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.chainmarket.adapters.api.PathProvider;
import org.chainmarket.adapters.api.TelemetrySource;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.DeadLetters;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.InvalidInputException;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.TelemetryBatch;
import org.chainmarket.schemas.model.VnfOffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one provider's adapter against Kafka with plain kafka-clients: advertises the provider's domain and offers,
 * reads the domain commands addressed to it and hands them to its {@link PathProvider}, and publishes the
 * provider's answers as {@code DomainAcknowledged} events.
 *
 * <p>Reads {@link Topics#DOMAIN_COMMANDS} in consumer group {@code adapter-<providerId>} from the earliest offset;
 * each record is validated with {@link CloudEvents#decode}; one that fails goes to the topic's DLQ with the reason
 * and the runner goes on. Commands for other providers are skipped. Offsets are committed after the records are
 * handed off, so delivery is at least once and relies on the provider being idempotent per command id.
 *
 * <p>Writes {@link Topics#PROVIDER_DOMAINS} (key provider id), {@link Topics#OFFERS} (key offer id; a tombstone
 * withdraws) and {@link Topics#DOMAIN_ACKS} (key chain id), all with {@code ce_source /providers/<providerId>}.
 * An ack's {@code ce_id} is {@code ack:<providerId>:<commandId>}, so a repeated answer is the same event.
 *
 * <p>With a telemetry interval (and a provider that is a {@link TelemetrySource}), it also publishes the provider's
 * samples as one {@code TelemetryReported} event per interval on {@link Topics#TELEMETRY} (key provider id); off by
 * default.
 *
 * <p>The runner owns the provider: {@link #close()} stops reading, closes the provider (which answers what it has
 * queued) and then flushes the answers to Kafka.
 */
public final class AdapterRunner implements AutoCloseable {
    /** How long one poll waits for commands; records are returned as soon as they arrive. */
    public static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    /** How long {@link #start()} waits for the consumer to be assigned its partitions. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(AdapterRunner.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(500);

    private final String bootstrapServers;
    private final PathProvider provider;
    private final ProviderId providerId;
    private final String source;
    private final String groupId;
    private final List<VnfOffer> offers;
    private final Map<String, Object> clientOverrides;
    private final KafkaProducer<String, byte[]> producer;
    private final Map<TopicPartition, OffsetAndMetadata> processed = new ConcurrentHashMap<>();
    private final CountDownLatch assigned = new CountDownLatch(1);
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong handedOff = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong telemetryBatches = new AtomicLong();
    private final Duration telemetryInterval;
    private volatile ScheduledExecutorService telemetryTimer;
    private volatile boolean running;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Thread pollThread;

    /** A runner for {@code provider} that advertises {@code offers} on start, with default client settings. */
    public AdapterRunner(String bootstrapServers, PathProvider provider, List<VnfOffer> offers) {
        this(bootstrapServers, provider, offers, Map.of());
    }

    /**
     * A runner whose Kafka clients also get {@code clientOverrides} (security settings for a real cluster, for
     * example); they override the defaults of both the producer and the consumer.
     *
     * @throws IllegalArgumentException when an offer belongs to another provider
     */
    public AdapterRunner(String bootstrapServers, PathProvider provider, List<VnfOffer> offers,
                         Map<String, ?> clientOverrides) {
        this(bootstrapServers, provider, offers, clientOverrides, null);
    }

    /**
     * A runner that, once started, also publishes the provider's telemetry every {@code telemetryInterval} (null:
     * never, as the other constructors).
     *
     * @throws IllegalArgumentException when an offer belongs to another provider, the interval is not positive, or
     *                                  telemetry is asked of a provider that is not a {@link TelemetrySource}
     */
    public AdapterRunner(String bootstrapServers, PathProvider provider, List<VnfOffer> offers,
                         Map<String, ?> clientOverrides, Duration telemetryInterval) {
        if (telemetryInterval != null) {
            if (telemetryInterval.isNegative() || telemetryInterval.isZero()) {
                throw new IllegalArgumentException("telemetryInterval must be positive but was " + telemetryInterval);
            }
            if (!(provider instanceof TelemetrySource)) {
                throw new IllegalArgumentException("telemetryInterval is set but provider "
                        + (provider == null ? "null" : provider.getClass().getSimpleName()) + " is not a TelemetrySource");
            }
        }
        this.telemetryInterval = telemetryInterval;
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        this.provider = Objects.requireNonNull(provider, "provider");
        this.providerId = provider.domain().providerId();
        this.source = "/providers/" + providerId;
        this.groupId = "adapter-" + providerId;
        this.offers = List.copyOf(offers);
        this.offers.forEach(this::checkOwn);
        this.clientOverrides = Map.copyOf(clientOverrides);
        this.producer = new KafkaProducer<>(producerConfig(), new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Publishes the domain and the offers (waiting for Kafka to acknowledge them), activates the provider and
     * starts reading commands; returns once the consumer has its partitions.
     *
     * @throws IllegalStateException when already started or closed, or when Kafka does not answer in time
     */
    public void start() {
        if (closed.get()) {
            throw new IllegalStateException("adapter " + providerId + " is closed");
        }
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("adapter " + providerId + " is already started");
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        sent.add(producer.send(CloudEvents.encode(EventType.PROVIDER_DOMAIN_ADVERTISED, providerId.value(),
                provider.domain(), source)));
        offers.forEach(o -> sent.add(producer.send(offerEvent(o))));
        for (Future<RecordMetadata> f : sent) {
            await(f, "advertise domain and offers of " + providerId);
        }
        producer.partitionsFor(Topics.DOMAIN_ACKS);
        provider.activate(this::publishAck);
        consumer = new KafkaConsumer<>(consumerConfig(), new StringDeserializer(), new ByteArrayDeserializer());
        running = true;
        Thread t = new Thread(this::pollLoop, "adapter-runner-" + providerId);
        t.setDaemon(true);
        pollThread = t;
        t.start();
        try {
            if (!assigned.await(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                close();
                throw new IllegalStateException("adapter " + providerId + " got no partitions of " + Topics.DOMAIN_COMMANDS
                        + " from " + bootstrapServers + " within " + START_TIMEOUT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while starting adapter " + providerId, e);
        }
        if (telemetryInterval != null) {
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread th = new Thread(r, "adapter-telemetry-" + providerId);
                th.setDaemon(true);
                return th;
            });
            telemetryTimer = timer;
            long period = telemetryInterval.toMillis();
            timer.scheduleAtFixedRate(this::publishTelemetrySafely, period, period, TimeUnit.MILLISECONDS);
        }
        LOG.info("adapter {} started: {} offers advertised, reading {} as group {}{}", providerId, offers.size(),
                Topics.DOMAIN_COMMANDS, groupId, telemetryInterval == null ? "" : ", telemetry every " + telemetryInterval);
    }

    /**
     * Advertises (or re-advertises) one of the provider's offers and waits for Kafka to acknowledge it.
     *
     * @throws IllegalArgumentException when the offer belongs to another provider
     */
    public void advertise(VnfOffer offer) {
        checkOwn(offer);
        await(producer.send(offerEvent(offer)), "advertise offer " + offer.offerId());
        LOG.info("adapter {} advertised offer {}", providerId, offer.offerId());
    }

    /** Withdraws an offer with a tombstone on the compacted offers topic and waits for Kafka to acknowledge it. */
    public void withdrawOffer(OfferId offerId) {
        Objects.requireNonNull(offerId, "offerId");
        await(producer.send(new ProducerRecord<>(Topics.OFFERS, offerId.value(), null)), "withdraw offer " + offerId);
        LOG.info("adapter {} withdrew offer {}", providerId, offerId);
    }

    public ProviderId providerId() {
        return providerId;
    }

    /** The consumer group the runner reads commands in: {@code adapter-<providerId>}. */
    public String groupId() {
        return groupId;
    }

    /** Whether the runner is reading commands. */
    public boolean isRunning() {
        return running && pollThread != null && pollThread.isAlive();
    }

    /** Commands for this provider handed to the provider so far (repeats included). */
    public long handedOff() {
        return handedOff.get();
    }

    /** Valid commands for other providers passed over so far. */
    public long skipped() {
        return skipped.get();
    }

    /** Records sent to the DLQ so far. */
    public long deadLettered() {
        return deadLettered.get();
    }

    /**
     * Samples the provider now and publishes the batch as a {@code TelemetryReported} event (key provider id)
     * without waiting for Kafka; returns how many samples it carried. The periodic telemetry calls this.
     *
     * @throws IllegalStateException when the provider is not a {@link TelemetrySource}, or the runner is closed
     */
    public int publishTelemetry() {
        if (!(provider instanceof TelemetrySource telemetrySource)) {
            throw new IllegalStateException("provider of adapter " + providerId + " is not a TelemetrySource");
        }
        if (closed.get()) {
            throw new IllegalStateException("adapter " + providerId + " is closed");
        }
        TelemetryBatch batch = telemetrySource.sample(Instant.now());
        producer.send(CloudEvents.encode(EventType.TELEMETRY_REPORTED, providerId.value(), batch, source), (m, e) -> {
            if (e != null) {
                LOG.warn("adapter {}: cannot publish telemetry: {}", providerId, e.toString());
            }
        });
        telemetryBatches.incrementAndGet();
        return batch.size();
    }

    /** Telemetry batches published so far. */
    public long telemetryBatches() {
        return telemetryBatches.get();
    }

    /** Stops reading (committing what was handed off), closes the provider, then flushes and closes the producer. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        running = false;
        ScheduledExecutorService timer = telemetryTimer;
        if (timer != null) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Thread t = pollThread;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            provider.close();
        } catch (RuntimeException e) {
            LOG.warn("adapter {}: closing the provider failed: {}", providerId, e.toString());
        }
        producer.close(Duration.ofSeconds(10));
        LOG.info("adapter {} stopped: {} commands handed off, {} skipped, {} dead-lettered", providerId,
                handedOff.get(), skipped.get(), deadLettered.get());
    }

    private void publishTelemetrySafely() {
        try {
            publishTelemetry();
        } catch (RuntimeException e) {
            LOG.warn("adapter {}: telemetry sample failed: {}", providerId, e.toString());
        }
    }

    private void pollLoop() {
        KafkaConsumer<String, byte[]> c = consumer;
        try {
            c.subscribe(List.of(Topics.DOMAIN_COMMANDS), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    commit(c, partitions);
                    processed.keySet().removeAll(partitions);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    processed.keySet().removeAll(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    LOG.debug("adapter {} assigned {}", providerId, partitions);
                    assigned.countDown();
                }
            });
            while (running) {
                ConsumerRecords<String, byte[]> records;
                try {
                    records = c.poll(POLL_TIMEOUT);
                } catch (WakeupException e) {
                    continue;
                }
                if (!records.isEmpty() && !handle(c, records)) {
                    pause();
                }
            }
        } catch (WakeupException e) {
            LOG.debug("adapter {} woken up to stop", providerId);
        } catch (RuntimeException e) {
            LOG.error("adapter {} stopped reading commands: {}", providerId, e.toString(), e);
        } finally {
            running = false;
            commit(c, null);
            try {
                c.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.warn("adapter {}: closing the consumer failed: {}", providerId, e.toString());
            }
        }
    }

    /** Handles a batch in order per partition; false when a record must be read again (its DLQ was unreachable). */
    private boolean handle(KafkaConsumer<String, byte[]> c, ConsumerRecords<String, byte[]> records) {
        boolean complete = true;
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
            for (ConsumerRecord<String, byte[]> r : records.records(tp)) {
                if (!handle(r)) {
                    c.seek(tp, r.offset());
                    complete = false;
                    break;
                }
                done.put(tp, new OffsetAndMetadata(r.offset() + 1));
            }
        }
        if (!done.isEmpty()) {
            processed.putAll(done);
            c.commitAsync(done, (offsets, e) -> {
                if (e != null) {
                    LOG.warn("adapter {}: committing {} failed (they will be committed later or redelivered): {}",
                            providerId, offsets, e.toString());
                }
            });
        }
        return complete;
    }

    /** Validates one record and hands it off; false when it must be read again. */
    private boolean handle(ConsumerRecord<String, byte[]> r) {
        CloudEvents.Event event;
        try {
            event = CloudEvents.decode(r);
        } catch (InvalidInputException e) {
            return deadLetter(r, e.getMessage());
        }
        DomainCommand command = event.payload(DomainCommand.class);
        EventType expected = command.operation() == DomainCommand.Operation.SETUP
                ? EventType.PATH_SETUP_REQUESTED : EventType.PATH_TEARDOWN_REQUESTED;
        if (event.type() != expected) {
            return deadLetter(r, "record is invalid: header ce_type: " + event.type().ceType() + " does not match operation "
                    + command.operation());
        }
        if (!command.chainId().value().equals(r.key())) {
            return deadLetter(r, "record is invalid: key: '" + r.key() + "' is not the command's chainId '"
                    + command.chainId() + "'");
        }
        if (!command.providerId().equals(providerId)) {
            skipped.incrementAndGet();
            return true;
        }
        handedOff.incrementAndGet();
        LOG.debug("adapter {} handing off {} {} of chain {}", providerId, command.operation(), command.commandId(),
                command.chainId());
        try {
            provider.apply(command);
        } catch (RuntimeException e) {
            LOG.error("adapter {}: the provider refused command {}: {}", providerId, command.commandId(), e.toString());
            publishAck(new DomainAck(command.commandId(), command.chainId(), providerId, command.operation(), false,
                    "adapter " + providerId + " could not hand the command to its domain: " + e.getMessage(), List.of(),
                    Instant.now()));
        }
        return true;
    }

    private boolean deadLetter(ConsumerRecord<String, byte[]> r, String reason) {
        try {
            DeadLetters.send(producer, r, reason);
        } catch (RuntimeException e) {
            LOG.error("adapter {}: cannot dead-letter {}/{}/{}; will read it again: {}", providerId, r.topic(),
                    r.partition(), r.offset(), e.getMessage());
            return false;
        }
        deadLettered.incrementAndGet();
        LOG.warn("adapter {} dead-lettered {}/{}/{}: {}", providerId, r.topic(), r.partition(), r.offset(), reason);
        return true;
    }

    /** The provider's callback: publishes the answer without waiting for Kafka. */
    private void publishAck(DomainAck ack) {
        ProducerRecord<String, byte[]> record = CloudEvents.encode("ack:" + providerId + ":" + ack.commandId(),
                EventType.DOMAIN_ACKNOWLEDGED, ack.chainId().value(), Json.bytes(ack), source);
        try {
            producer.send(record, (metadata, e) -> {
                if (e != null) {
                    LOG.error("adapter {}: cannot publish the ack of command {}: {}", providerId, ack.commandId(), e.toString());
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("adapter {}: dropping the ack of command {} ({}): {}", providerId, ack.commandId(),
                    ack.success() ? "success" : ack.reason(), e.toString());
        }
    }

    private void commit(KafkaConsumer<String, byte[]> c, Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(processed);
        if (partitions != null) {
            offsets.keySet().retainAll(partitions);
        }
        if (offsets.isEmpty()) {
            return;
        }
        try {
            try {
                c.commitSync(offsets, Duration.ofSeconds(5));
            } catch (WakeupException e) {
                c.commitSync(offsets, Duration.ofSeconds(5));
            }
        } catch (RuntimeException e) {
            LOG.warn("adapter {}: committing {} failed; those commands may be redelivered: {}", providerId, offsets,
                    e.toString());
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

    private ProducerRecord<String, byte[]> offerEvent(VnfOffer offer) {
        return CloudEvents.encode(EventType.OFFER_ADVERTISED, offer.offerId().value(), offer, source);
    }

    private void checkOwn(VnfOffer offer) {
        if (!providerId.equals(offer.providerId())) {
            throw new IllegalArgumentException("offer " + offer.offerId() + " belongs to provider " + offer.providerId()
                    + ", not " + providerId);
        }
    }

    private void await(Future<RecordMetadata> f, String what) {
        try {
            f.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while trying to " + what, e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("cannot " + what + " on " + bootstrapServers + ": " + cause, cause);
        }
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, groupId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.putAll(clientOverrides);
        return p;
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId + "-commands");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.putAll(clientOverrides);
        return p;
    }
}
