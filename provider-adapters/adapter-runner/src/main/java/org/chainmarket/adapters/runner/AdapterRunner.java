package org.chainmarket.adapters.runner;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.chainmarket.adapters.api.HeldState;
import org.chainmarket.adapters.api.PathProvider;
import org.chainmarket.adapters.api.TelemetrySource;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.kafka.ConsumerSettings;
import org.chainmarket.schemas.kafka.EventConsumer;
import org.chainmarket.schemas.kafka.KafkaClients;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.DomainStateReport;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.TelemetryBatch;
import org.chainmarket.schemas.model.VnfOffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one provider's adapter against Kafka with plain kafka-clients: advertises the provider's domain and offers,
 * reads the domain commands addressed to it and hands them to its {@link PathProvider}, and publishes the
 * provider's answers as {@code DomainAcknowledged} events.
 *
 * <p>Reads its own provider's command topic ({@code chainmarket.domain-commands.v1.<providerId>}, {@link Topics#forProvider})
 * in consumer group {@code adapter-<providerId>} from the earliest offset with the shared {@link EventConsumer}: each
 * record is validated ({@link CloudEvents#decode}: headers, schema, key = chain id, type = operation, the command is
 * this provider's); one that fails goes to the commands DLQ with the reason and the runner goes on. Offsets are
 * committed after the records are handed off, so delivery is at least once and relies on the provider being
 * idempotent per command id. On a secured cluster its client settings ({@code clientOverrides}) are the provider's
 * own principal ({@code adapter-<providerId>}), which may read no other provider's commands.
 *
 * <p>Writes {@link Topics#PROVIDER_DOMAINS} (key provider id), {@link Topics#OFFERS} (key offer id; a tombstone
 * withdraws) and its own acknowledgement topic ({@code chainmarket.domain-acks.v1.<providerId>}, key chain id), all
 * with {@code ce_source /providers/<providerId>}.
 * An ack's {@code ce_id} is {@link DomainAck#eventId} ({@code ack:<providerId>:<commandId>}), so a repeated answer is
 * the same event.
 *
 * <p>With a telemetry interval (and a provider that is a {@link TelemetrySource}), it also publishes the provider's
 * samples as one {@code TelemetryReported} event per interval on its own telemetry topic (family {@link Topics#TELEMETRY},
 * key provider id); off by default.
 *
 * <p>When the provider can list what its domain holds ({@link PathProvider#held}), the runner publishes it as a
 * {@code DomainStateReported} event on its own state topic (family {@link Topics#DOMAIN_STATES}, key provider id) once started and then every
 * report interval ({@link #DEFAULT_REPORT_INTERVAL} unless told otherwise), so the marketplace can re-install what its
 * chains miss and remove what none owns.
 *
 * <p>When the provider is also a {@link org.chainmarket.adapters.api.PlacementProvider}, the runner publishes its
 * catalogue and carries out its placement commands too ({@link PlacementRunner}).
 *
 * <p>The runner owns the provider: {@link #close()} stops reading, closes the provider (which answers what it has
 * queued) and then flushes the answers to Kafka.
 */
public final class AdapterRunner implements AutoCloseable {
    /** How long {@link #start()} waits for the consumer to be assigned its partitions. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    /** How often the domain's state is reported unless told otherwise. */
    public static final Duration DEFAULT_REPORT_INTERVAL = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(AdapterRunner.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrapServers;
    private final PathProvider provider;
    private final ProviderId providerId;
    private final String source;
    private final String groupId;
    private final List<VnfOffer> offers;
    private final Map<String, Object> clientOverrides;
    private final KafkaProducer<String, byte[]> producer;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong handedOff = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong telemetryBatches = new AtomicLong();
    private final AtomicLong stateReports = new AtomicLong();
    private final Duration telemetryInterval;
    private final Duration reportInterval;
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private volatile ScheduledExecutorService timer;
    private volatile EventConsumer commands;
    private volatile PlacementRunner placement;

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
        this(bootstrapServers, provider, offers, clientOverrides, telemetryInterval, DEFAULT_REPORT_INTERVAL);
    }

    /**
     * A runner that also reports what the domain holds every {@code reportInterval} (null: only once, when started).
     *
     * @throws IllegalArgumentException as the other constructors, or when the report interval is not positive
     */
    public AdapterRunner(String bootstrapServers, PathProvider provider, List<VnfOffer> offers,
                         Map<String, ?> clientOverrides, Duration telemetryInterval, Duration reportInterval) {
        if (reportInterval != null && (reportInterval.isNegative() || reportInterval.isZero())) {
            throw new IllegalArgumentException("reportInterval must be positive but was " + reportInterval);
        }
        this.reportInterval = reportInterval;
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
        this.producer = KafkaClients.producer(bootstrapServers, groupId, this.clientOverrides);
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
        sent.add(producer.send(CloudEvents.toProvider(CloudEvents.encode(EventType.PROVIDER_DOMAIN_ADVERTISED, providerId.value(),
                provider.domain(), source), providerId)));
        offers.forEach(o -> sent.add(producer.send(offerEvent(o))));
        for (Future<RecordMetadata> f : sent) {
            await(f, "advertise domain and offers of " + providerId);
        }
        producer.partitionsFor(Topics.forProvider(Topics.DOMAIN_ACKS, providerId));
        provider.activate(this::publishAck);
        // static membership: a runner restarted after a crash takes its partitions over at once instead of waiting for
        // the dead member's session to time out
        Map<String, Object> consumerOverrides = new java.util.HashMap<>(clientOverrides);
        consumerOverrides.putIfAbsent(org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, groupId);
        EventConsumer consumer = new EventConsumer(ConsumerSettings.group(groupId, bootstrapServers, groupId,
                List.of(commandTopic())).withClientOverrides(consumerOverrides), producer, () -> this::handle);
        commands = consumer;
        try {
            consumer.start(START_TIMEOUT);
        } catch (IllegalStateException e) {
            close();
            throw new IllegalStateException("adapter " + providerId + ": " + e.getMessage(), e);
        }
        if (provider instanceof org.chainmarket.adapters.api.PlacementProvider p) {
            placement = new PlacementRunner(bootstrapServers, providerId, p, producer, consumerOverrides);
            try {
                placement.start(START_TIMEOUT);
            } catch (IllegalStateException e) {
                close();
                throw new IllegalStateException("adapter " + providerId + ": " + e.getMessage(), e);
            }
        }
        ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "adapter-timer-" + providerId);
            th.setDaemon(true);
            return th;
        });
        timer = t;
        t.execute(() -> publishStateSafely(DomainStateReport.Trigger.START));
        if (reportInterval != null) {
            long period = reportInterval.toMillis();
            t.scheduleAtFixedRate(() -> publishStateSafely(DomainStateReport.Trigger.PERIODIC), period, period, TimeUnit.MILLISECONDS);
        }
        if (telemetryInterval != null) {
            long period = telemetryInterval.toMillis();
            t.scheduleAtFixedRate(this::publishTelemetrySafely, period, period, TimeUnit.MILLISECONDS);
        }
        LOG.info("adapter {} started: {} offers advertised, reading {} as group {}{}", providerId, offers.size(),
                commandTopic(), groupId, (telemetryInterval == null ? "" : ", telemetry every " + telemetryInterval)
                        + (reportInterval == null ? "" : ", state every " + reportInterval));
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
        await(producer.send(new ProducerRecord<>(Topics.forProvider(Topics.OFFERS, providerId), offerId.value(), null)),
                "withdraw offer " + offerId);
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
        EventConsumer c = commands;
        return !closed.get() && c != null && c.isRunning();
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
        EventConsumer c = commands;
        return c == null ? 0 : c.invalid();
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
        producer.send(CloudEvents.toProvider(CloudEvents.encode(EventType.TELEMETRY_REPORTED, providerId.value(), batch, source),
                providerId), (m, e) -> {
            if (e != null) {
                LOG.warn("adapter {}: cannot publish telemetry: {}", providerId, e.toString());
            }
        });
        telemetryBatches.incrementAndGet();
        return batch.size();
    }

    /**
     * Reads what the domain holds now and publishes it as a {@code DomainStateReported} event (key provider id) without
     * waiting for Kafka; empty when the provider cannot list its state. The start and the period call this.
     *
     * @throws IllegalStateException when the runner is closed or the domain could not list its state
     */
    public Optional<DomainStateReport> publishState(DomainStateReport.Trigger trigger) {
        if (closed.get()) {
            throw new IllegalStateException("adapter " + providerId + " is closed");
        }
        Optional<HeldState> held = provider.held();
        if (held.isEmpty()) {
            return Optional.empty();
        }
        HeldState h = held.get();
        long seq = stateReports.incrementAndGet();
        List<DomainStateReport.HeldChain> chains = new ArrayList<>();
        h.chains().forEach((chain, entries) -> chains.add(new DomainStateReport.HeldChain(chain, entries)));
        DomainStateReport report = new DomainStateReport(providerId.value() + ":" + run + ":" + seq, providerId, h.at(), seq,
                h.full(), Objects.requireNonNull(trigger, "trigger"), chains);
        producer.send(CloudEvents.toProvider(CloudEvents.encode(report.reportId(), EventType.DOMAIN_STATE_REPORTED,
                providerId.value(), Json.bytes(report), source), providerId), (m, e) -> {
            if (e != null) {
                LOG.warn("adapter {}: cannot publish state report {}: {}", providerId, report.reportId(), e.toString());
            }
        });
        LOG.debug("adapter {} reported {} chains ({})", providerId, chains.size(), trigger);
        return Optional.of(report);
    }

    /** State reports published so far. */
    public long stateReports() {
        return stateReports.get();
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
        ScheduledExecutorService t = timer;
        if (t != null) {
            t.shutdownNow();
            try {
                t.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        EventConsumer c = commands;
        if (c != null) {
            c.close();
        }
        PlacementRunner p = placement;
        if (p != null) {
            p.close();
        }
        try {
            provider.close();
        } catch (RuntimeException e) {
            LOG.warn("adapter {}: closing the provider failed: {}", providerId, e.toString());
        }
        producer.close(Duration.ofSeconds(10));
        LOG.info("adapter {} stopped: {} commands handed off, {} skipped, {} dead-lettered", providerId,
                handedOff.get(), skipped.get(), deadLettered());
    }

    private void publishStateSafely(DomainStateReport.Trigger trigger) {
        try {
            publishState(trigger);
        } catch (RuntimeException e) {
            LOG.warn("adapter {}: state report failed: {}", providerId, e.toString());
        }
    }

    private void publishTelemetrySafely() {
        try {
            publishTelemetry();
        } catch (RuntimeException e) {
            LOG.warn("adapter {}: telemetry sample failed: {}", providerId, e.toString());
        }
    }

    /** The topic of this provider's commands. */
    public String commandTopic() {
        return Topics.forProvider(Topics.DOMAIN_COMMANDS, providerId);
    }

    /**
     * One valid command (the shared consumer validated it, and that it is this provider's: its topic carries no
     * other); a command for another provider is still passed over, as a second line of defence.
     */
    private void handle(CloudEvents.Event event, ConsumerRecord<String, byte[]> record) {
        DomainCommand command = event.payload(DomainCommand.class);
        if (!command.providerId().equals(providerId)) {
            skipped.incrementAndGet();
            return;
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
    }

    /** The provider's callback: publishes the answer without waiting for Kafka. */
    private void publishAck(DomainAck ack) {
        ProducerRecord<String, byte[]> record = CloudEvents.toProvider(CloudEvents.encode(DomainAck.eventId(providerId,
                ack.commandId()), EventType.DOMAIN_ACKNOWLEDGED, ack.chainId().value(), Json.bytes(ack), source), providerId);
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

    private ProducerRecord<String, byte[]> offerEvent(VnfOffer offer) {
        return CloudEvents.toProvider(CloudEvents.encode(EventType.OFFER_ADVERTISED, offer.offerId().value(), offer, source), providerId);
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
}
