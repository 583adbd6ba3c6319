package org.chainmarket.deploy.embedded;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Reads topics on a background thread, for tests and tools that observe (no consumer group): every record from the
 * beginning, kept in {@link #records()}, or from the end on, each handed to a callback as it arrives (benchmarks take
 * their timestamps there).
 */
public final class TopicTail implements AutoCloseable {
    /** Where reading starts. */
    public enum From { BEGINNING, END }

    private final List<ConsumerRecord<String, byte[]>> records = new CopyOnWriteArrayList<>();
    private final KafkaConsumer<String, byte[]> consumer;
    private final Consumer<ConsumerRecord<String, byte[]>> onRecord;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    /** Keeps every record of {@code topic}, from the beginning (a cluster without authentication). */
    public TopicTail(String bootstrapServers, String topic) {
        this(bootstrapServers, List.of(topic), From.BEGINNING, null);
    }

    /**
     * Hands every record of {@code topics} read from {@code from} to {@code onRecord} (null: keeps them in
     * {@link #records()}). Once constructed, the positions are fixed: any record produced afterwards is read.
     */
    public TopicTail(String bootstrapServers, List<String> topics, From from, Consumer<ConsumerRecord<String, byte[]>> onRecord) {
        this(bootstrapServers, Map.of(), topics, from, onRecord);
    }

    /** Keeps every record of {@code topic}, from the beginning, as a client with {@code clientSettings} (its credentials). */
    public TopicTail(String bootstrapServers, Map<String, ?> clientSettings, String topic) {
        this(bootstrapServers, clientSettings, List.of(topic), From.BEGINNING, null);
    }

    /** As {@link #TopicTail(String, List, From, Consumer)}, as a client with {@code clientSettings} (its credentials). */
    public TopicTail(String bootstrapServers, Map<String, ?> clientSettings, List<String> topics, From from,
                     Consumer<ConsumerRecord<String, byte[]>> onRecord) {
        this.onRecord = onRecord == null ? records::add : onRecord;
        Map<String, Object> config = new java.util.HashMap<>(clientSettings);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // a fetch returns as soon as a record arrives; the wait bounds only idle fetches (Kafka's default)
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        if (from == From.END) {
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
        } else {
            consumer.seekToBeginning(partitions);
        }
        thread = new Thread(this::run, "tail-" + String.join(",", topics));
        thread.setDaemon(true);
        thread.start();
    }

    public List<ConsumerRecord<String, byte[]>> records() {
        return List.copyOf(records);
    }

    private void run() {
        try {
            while (running) {
                consumer.poll(Duration.ofMillis(50)).forEach(onRecord);
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            consumer.close();
        }
    }

    /** Stops reading; throws what stopped it early, if anything did (a failing callback, say). */
    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5_000);
        if (failure != null) {
            throw new IllegalStateException("reading the topics failed: " + failure, failure);
        }
    }
}
