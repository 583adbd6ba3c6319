package org.chainmarket.schemas.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.DeadLetters;
import org.chainmarket.schemas.events.InvalidInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The marketplace's one hand-written Kafka consumer: {@link ConsumerSettings#threads()} consumers in one group, each on
 * its own thread with its own {@link Handler}, so partitions are worked in parallel and a handler needs no locking.
 *
 * <p>Per record, in partition order: a record older than {@link ConsumerSettings#maxRecordAge()} is shed (counted,
 * not decoded); otherwise it is validated ({@link CloudEvents#decode}: headers, schema, key = body id) and handed to
 * the handler. A record that breaks its contract, or that the handler rejects with {@link InvalidInputException}, goes
 * to {@code <topic>.dlq} with the reason and the consumer goes on. When the DLQ cannot be written or the handler
 * fails otherwise (its effect could not be made), only that partition is sought back to the record and paused, with a
 * backoff doubling from {@link ConsumerSettings#retryBackoff()} up to 10 s; the other partitions go on.
 *
 * <p>Offsets are committed after the effect: after the handler returned and {@link Handler#beforeCommit()} made its
 * output durable (asynchronously after each poll; synchronously when partitions are revoked and at close). On
 * revocation a handler is told which partitions it lost, after their offsets were committed. Delivery is thus at
 * least once; consumers are idempotent per event id.
 *
 * <p>Without a group ({@link ConsumerSettings#table}) it reads every partition of its topics from the beginning and
 * commits nothing (a compacted table held in memory); invalid records are then skipped and counted, since the group
 * that owns the topic dead-letters them, unless the reader owns its topics ({@link ConsumerSettings#deadLetters()}).
 * A table of a per-provider family reads every provider's topic there is at its start, and each one made later from
 * its beginning (looked for every second).
 */
public final class EventConsumer implements AutoCloseable {
    /** How long one poll waits; records are returned as soon as they arrive. */
    public static final Duration POLL = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(EventConsumer.class);

    /** What a consumer thread does with valid events. Called on that thread only. */
    public interface Handler {
        /**
         * Carries out the event's effect. Throw {@link InvalidInputException} to dead-letter the record (it breaks a
         * rule only the handler knows); any other exception means the effect failed: the record is read again.
         */
        void handle(CloudEvents.Event event, ConsumerRecord<String, byte[]> record);

        /** After every poll, before its records (timers, queued work). */
        default void polled(long nowMillis) {
        }

        /** Makes the effects of the records handled so far durable (flush what was produced); offsets follow. */
        default void beforeCommit() {
        }

        /** Partitions this thread now reads. */
        default void assigned(Collection<TopicPartition> partitions) {
        }

        /** Partitions this thread no longer reads (their offsets committed when they were revoked, not when lost). */
        default void revoked(Collection<TopicPartition> partitions) {
        }
    }

    private final ConsumerSettings settings;
    private final Producer<String, byte[]> producer;
    private final Supplier<? extends Handler> handlers;
    private final List<Worker> workers = new ArrayList<>();
    private final CountDownLatch ready;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicLong handled = new AtomicLong();
    private final AtomicLong invalid = new AtomicLong();
    private final AtomicLong shed = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private volatile boolean running;

    /**
     * @param producer sends dead letters (the service's own producer; not closed here)
     * @param handlers makes one handler per consumer thread
     */
    public EventConsumer(ConsumerSettings settings, Producer<String, byte[]> producer, Supplier<? extends Handler> handlers) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.producer = Objects.requireNonNull(producer, "producer");
        this.handlers = Objects.requireNonNull(handlers, "handlers");
        this.ready = new CountDownLatch(settings.threads());
    }

    /** Starts the consumer threads and returns at once. */
    public void start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException(settings.name() + " is already started");
        }
        running = true;
        for (int i = 0; i < settings.threads(); i++) {
            Worker w = new Worker(settings.name() + "-" + i, handlers.get());
            workers.add(w);
            w.thread.start();
        }
    }

    /**
     * Starts and waits until every thread has its partitions (in a group) or has read its topics up to their end as
     * they were at start (without a group).
     *
     * @throws IllegalStateException when that takes longer than {@code timeout} (the consumer is then closed)
     */
    public void start(Duration timeout) {
        start();
        if (!awaitReady(timeout)) {
            close();
            throw new IllegalStateException(settings.name() + " got no partitions of " + settings.topics() + " from "
                    + settings.bootstrapServers() + " within " + timeout.toSeconds() + " s");
        }
    }

    /** Waits up to {@code timeout} for every thread to be ready (see {@link #start(Duration)}); false if not. */
    public boolean awaitReady(Duration timeout) {
        try {
            return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Events handed to the handlers (the handler's own rejections not counted). */
    public long handled() {
        return handled.get();
    }

    /** Records that broke their contract: dead-lettered (in a group) or skipped (without one). */
    public long invalid() {
        return invalid.get();
    }

    /** Records skipped because they were older than the maximum record age. */
    public long shed() {
        return shed.get();
    }

    /** Times a partition was sought back and paused because a DLQ or an effect failed. */
    public long retries() {
        return retries.get();
    }

    /** Records behind the end of the assigned partitions, as of each thread's last poll. */
    public long lag() {
        return workers.stream().mapToLong(w -> w.lag).sum();
    }

    /** Whether any consumer thread is reading. */
    public boolean isRunning() {
        return running && workers.stream().anyMatch(w -> w.thread.isAlive());
    }

    public ConsumerSettings settings() {
        return settings;
    }

    /** Stops every thread: each commits what it handled (after {@link Handler#beforeCommit()}) and leaves the group. */
    @Override
    public void close() {
        running = false;
        workers.forEach(w -> w.consumer.wakeup());
        for (Worker w : workers) {
            if (w.thread != Thread.currentThread()) {
                try {
                    w.thread.join(TimeUnit.SECONDS.toMillis(15));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** One consumer thread: its KafkaConsumer, its handler, its uncommitted offsets and paused partitions. */
    private final class Worker implements ConsumerRebalanceListener {
        final KafkaConsumer<String, byte[]> consumer;
        final Handler handler;
        final Thread thread;
        final Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
        final Map<TopicPartition, Long> resumeAt = new HashMap<>();
        final Map<TopicPartition, Integer> failures = new HashMap<>();
        Map<TopicPartition, Long> endAtStart;
        long nextTopicScan;
        boolean isReady;
        volatile long lag;

        Worker(String name, Handler handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
            Map<String, Object> overrides = new HashMap<>();
            if (settings.newGroupAtEnd()) {
                overrides.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
            }
            if (Topics.needsPattern(settings.topics())) {
                // a new provider's topic is found at the next metadata refresh
                overrides.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, KafkaClients.PATTERN_METADATA_MAX_AGE_MS);
            }
            overrides.putAll(settings.clientOverrides());
            this.consumer = new KafkaConsumer<>(KafkaClients.consumerConfig(settings.bootstrapServers(), settings.groupId(),
                    name, overrides), new StringDeserializer(), new ByteArrayDeserializer());
            this.thread = new Thread(this::run, name);
            thread.setDaemon(true);
        }

        private void run() {
            try {
                if (settings.groupId() != null && Topics.needsPattern(settings.topics())) {
                    consumer.subscribe(Topics.subscription(settings.topics()), this);
                } else if (settings.groupId() != null) {
                    consumer.subscribe(settings.topics(), this);
                } else {
                    List<TopicPartition> all = tablePartitions();
                    consumer.assign(all);
                    consumer.seekToBeginning(all);
                    endAtStart = consumer.endOffsets(all);
                }
                while (running) {
                    resumeDue();
                    findNewProviderTopics();
                    ConsumerRecords<String, byte[]> records;
                    try {
                        records = poll();
                    } catch (WakeupException e) {
                        continue;
                    }
                    polled();
                    for (TopicPartition tp : records.partitions()) {
                        handle(tp, records.records(tp));
                    }
                    commit(false);
                    if (endAtStart != null && !isReady && endAtStart.entrySet().stream()
                            .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                        markReady();
                    }
                    lag = consumer.assignment().stream().map(consumer::currentLag)
                            .mapToLong(l -> l.orElse(0)).sum();
                }
            } catch (WakeupException e) {
                LOG.debug("{} woken up to stop", thread.getName());
            } catch (RuntimeException e) {
                LOG.error("{} stopped reading {}: {}", thread.getName(), settings.topics(), e.toString(), e);
            } finally {
                commit(true);
                try {
                    consumer.close(Duration.ofSeconds(5));
                } catch (RuntimeException e) {
                    LOG.warn("{}: closing the consumer failed: {}", thread.getName(), e.toString());
                }
            }
        }

        /**
         * The next records. A table of a per-provider family started before any provider's topic exists has no
         * partition yet, and Kafka refuses to poll without one: it waits a poll's time instead, until
         * {@link #findNewProviderTopics} finds a topic.
         */
        private ConsumerRecords<String, byte[]> poll() {
            if (settings.groupId() == null && consumer.assignment().isEmpty()) {
                try {
                    Thread.sleep(POLL.toMillis());
                } catch (InterruptedException e) {
                    throw new InterruptException(e);
                }
                return ConsumerRecords.empty();
            }
            return consumer.poll(POLL);
        }

        /**
         * Every partition of a table's topics; for a per-provider family, of every provider's topic there is now (the
         * topics this principal may describe).
         */
        private List<TopicPartition> tablePartitions() {
            List<TopicPartition> all = new ArrayList<>();
            if (Topics.needsPattern(settings.topics())) {
                java.util.regex.Pattern pattern = Topics.subscription(settings.topics());
                consumer.listTopics(Duration.ofSeconds(30)).forEach((t, parts) -> {
                    if (pattern.matcher(t).matches()) {
                        parts.forEach(p -> all.add(new TopicPartition(t, p.partition())));
                    }
                });
            } else {
                settings.topics().forEach(t -> consumer.partitionsFor(t)
                        .forEach(p -> all.add(new TopicPartition(t, p.partition()))));
            }
            return all;
        }

        /** A table of a per-provider family reads a new provider's topic from its beginning, looked for every second. */
        private void findNewProviderTopics() {
            if (settings.groupId() != null || !Topics.needsPattern(settings.topics())
                    || System.currentTimeMillis() < nextTopicScan) {
                return;
            }
            nextTopicScan = System.currentTimeMillis() + KafkaClients.PATTERN_METADATA_MAX_AGE_MS;
            List<TopicPartition> found = tablePartitions().stream().filter(tp -> !consumer.assignment().contains(tp)).toList();
            if (!found.isEmpty()) {
                List<TopicPartition> all = new ArrayList<>(consumer.assignment());
                all.addAll(found);
                consumer.assign(all);
                consumer.seekToBeginning(found);
                LOG.debug("{} reads new topics {}", thread.getName(), found);
            }
        }

        private void polled() {
            try {
                handler.polled(System.currentTimeMillis());
            } catch (RuntimeException e) {
                LOG.error("{}: the handler's periodic work failed: {}", thread.getName(), e.toString(), e);
            }
        }

        /** Handles a partition's records in order; stops at one that must be read again, and pauses the partition. */
        private void handle(TopicPartition tp, List<ConsumerRecord<String, byte[]>> records) {
            for (ConsumerRecord<String, byte[]> r : records) {
                if (!process(r)) {
                    consumer.seek(tp, r.offset());
                    int n = failures.merge(tp, 1, Integer::sum);
                    long backoff = Math.min(settings.retryBackoff().toMillis() << Math.min(n - 1, 16), MAX_BACKOFF.toMillis());
                    consumer.pause(List.of(tp));
                    resumeAt.put(tp, System.currentTimeMillis() + backoff);
                    retries.incrementAndGet();
                    return;
                }
                failures.remove(tp);
                if (settings.groupId() != null) {
                    pending.put(tp, new OffsetAndMetadata(r.offset() + 1));
                }
            }
        }

        /** True when the record is done with (handled, dead-lettered or shed); false when it must be read again. */
        private boolean process(ConsumerRecord<String, byte[]> r) {
            Duration maxAge = settings.maxRecordAge();
            if (maxAge != null && r.timestamp() >= 0 && System.currentTimeMillis() - r.timestamp() > maxAge.toMillis()) {
                shed.incrementAndGet();
                return true;
            }
            CloudEvents.Event event;
            try {
                event = CloudEvents.decode(r);
            } catch (InvalidInputException e) {
                return invalid(r, e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("{}: cannot decode {}/{}/{}; will read it again: {}", thread.getName(), r.topic(), r.partition(),
                        r.offset(), e.toString());
                return false;
            }
            try {
                handler.handle(event, r);
                handled.incrementAndGet();
                return true;
            } catch (InvalidInputException e) {
                return invalid(r, e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("{}: the effect of {}/{}/{} failed; partition paused, will read it again: {}", thread.getName(),
                        r.topic(), r.partition(), r.offset(), e.toString());
                return false;
            }
        }

        /**
         * A record that breaks its contract (or a rule of the handler): dead-lettered ({@link DeadLetters#send}) or, by a
         * reader that does not own its topics, skipped. Counted before the dead letter is written, so whoever sees it
         * sees it counted; false when the DLQ cannot be written (the record is read again, and not counted).
         */
        private boolean invalid(ConsumerRecord<String, byte[]> r, String reason) {
            invalid.incrementAndGet();
            if (!settings.deadLetters()) {
                LOG.debug("{} skips an invalid record {}/{}/{}: {}", thread.getName(), r.topic(), r.partition(), r.offset(), reason);
                return true;
            }
            try {
                DeadLetters.send(producer, r, reason);
            } catch (RuntimeException e) {
                invalid.decrementAndGet();
                LOG.error("{}: cannot dead-letter {}/{}/{}; will read it again: {}", thread.getName(), r.topic(),
                        r.partition(), r.offset(), e.getMessage());
                return false;
            }
            LOG.warn("{} dead-lettered {}/{}/{}: {}", thread.getName(), r.topic(), r.partition(), r.offset(), reason);
            return true;
        }

        private void resumeDue() {
            if (resumeAt.isEmpty()) {
                return;
            }
            long now = System.currentTimeMillis();
            List<TopicPartition> due = resumeAt.entrySet().stream().filter(e -> e.getValue() <= now).map(Map.Entry::getKey).toList();
            due.forEach(resumeAt::remove);
            List<TopicPartition> owned = due.stream().filter(consumer.assignment()::contains).toList();
            if (!owned.isEmpty()) {
                consumer.resume(owned);
            }
        }

        /** Makes the handler's effects durable, then commits what was handled (only the given partitions, if any). */
        private void commit(boolean sync, Collection<TopicPartition> only) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(pending);
            if (only != null) {
                offsets.keySet().retainAll(only);
            }
            if (offsets.isEmpty()) {
                return;
            }
            handler.beforeCommit();
            pending.keySet().removeAll(offsets.keySet());
            try {
                if (!sync) {
                    consumer.commitAsync(offsets, (o, e) -> {
                        if (e != null) {
                            LOG.warn("{}: committing {} failed (committed later or read again): {}", thread.getName(), o, e.toString());
                        }
                    });
                    return;
                }
                try {
                    consumer.commitSync(offsets, Duration.ofSeconds(5));
                } catch (WakeupException e) {
                    consumer.commitSync(offsets, Duration.ofSeconds(5));
                }
            } catch (RuntimeException e) {
                LOG.warn("{}: committing {} failed; those records may be read again: {}", thread.getName(), offsets, e.toString());
            }
        }

        private void commit(boolean sync) {
            commit(sync, null);
        }

        private void markReady() {
            if (!isReady) {
                isReady = true;
                ready.countDown();
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            commit(true, partitions);
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            pending.keySet().removeAll(partitions);
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            LOG.debug("{} assigned {}", thread.getName(), partitions);
            // where reading starts is settled before the consumer counts as ready (a new group at the end: from now on)
            try {
                partitions.forEach(consumer::position);
            } catch (TimeoutException e) {
                LOG.warn("{}: the starting positions of {} are not known yet: {}", thread.getName(), partitions, e.toString());
            }
            handler.assigned(partitions);
            markReady();
        }

        private void forget(Collection<TopicPartition> partitions) {
            resumeAt.keySet().removeAll(partitions);
            failures.keySet().removeAll(partitions);
            if (!partitions.isEmpty()) {
                handler.revoked(partitions);
            }
        }
    }
}
