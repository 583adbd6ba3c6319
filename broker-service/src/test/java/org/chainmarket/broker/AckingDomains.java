package org.chainmarket.broker;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.kafka.KafkaClients;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainCommand;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;

/**
 * Domains that carry out every command addressed to providers named {@code <prefix>-…} and answer it, as an honest
 * adapter that installs nothing would: enough for the broker's saga to run to its end without a data plane. A
 * {@link Reply} rule can make them refuse a command, never answer it, or answer it only when {@link #release()}d.
 */
final class AckingDomains implements AutoCloseable {
    /** What a domain does with a command. */
    enum Reply {
        /** Carries it out and says so. */
        ACK,
        /** Answers that it could not. */
        REFUSE,
        /** Never answers. */
        SILENT,
        /** Carries it out and says so only once {@link #release()} is called (a domain slow to answer). */
        HOLD
    }

    private final String prefix;
    private final Function<DomainCommand, Reply> rule;
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final Thread thread;
    private final String commandTopics;
    /** Owned by the consumer's thread (the constructor's first look happens before it starts). */
    private Set<TopicPartition> assigned = Set.of();
    private long nextLook;
    private volatile boolean running = true;
    private final List<DomainCommand> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean released;

    AckingDomains(String bootstrapServers, String prefix) {
        this(bootstrapServers, prefix, c -> Reply.ACK);
    }

    AckingDomains(String bootstrapServers, String prefix, Function<DomainCommand, Reply> rule) {
        this.prefix = prefix + "-";
        this.rule = rule;
        // the super user stands in for every provider's adapter: it reads the command topics of the providers named
        // <prefix>-… from their beginning as soon as the broker makes them (assigned by hand, looked for every 100 ms:
        // no consumer group to join, so no rebalance can hold a command back past the broker's delivery timeout) and
        // answers on each one's acknowledgement topic
        Map<String, Object> settings = new HashMap<>(Infra.admin());
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        this.consumer = new KafkaConsumer<>(settings, new StringDeserializer(), new ByteArrayDeserializer());
        this.producer = KafkaClients.producer(bootstrapServers, "acking-domains", Infra.admin());
        this.commandTopics = Topics.DOMAIN_COMMANDS + "." + this.prefix;
        assignNewTopics();
        this.thread = new Thread(this::run, "acking-domains");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Assigns the command topics of the test's providers made since the last look, each read from its beginning. */
    private void assignNewTopics() {
        Set<TopicPartition> all = new HashSet<>();
        consumer.listTopics(Duration.ofSeconds(10)).forEach((topic, partitions) -> {
            if (topic.startsWith(commandTopics)) {
                partitions.forEach(p -> all.add(new TopicPartition(topic, p.partition())));
            }
        });
        if (!assigned.containsAll(all)) {
            Set<TopicPartition> added = new HashSet<>(all);
            added.removeAll(assigned);
            consumer.assign(all);
            consumer.seekToBeginning(added);
            assigned = all;
        }
        nextLook = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
    }

    private void run() {
        while (running) {
            if (System.nanoTime() >= nextLook) {
                assignNewTopics();
            }
            if (assigned.isEmpty()) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                DomainCommand c = CloudEvents.decode(r).payload(DomainCommand.class);
                Reply reply = c.providerId().value().startsWith(prefix) ? rule.apply(c) : Reply.SILENT;
                if (reply == Reply.HOLD && !released) {
                    held.add(c);
                } else if (reply != Reply.SILENT) {
                    answer(c, reply != Reply.REFUSE);
                }
            }
            if (released) {
                held.forEach(c -> answer(c, true));
                held.clear();
            }
        }
        consumer.close();
    }

    private void answer(DomainCommand c, boolean done) {
        DomainAck ack = new DomainAck(c.commandId(), c.chainId(), c.providerId(), c.operation(), done,
                done ? null : "no room on the data plane", List.of(), Instant.now());
        producer.send(CloudEvents.toProvider(CloudEvents.encode("ack:" + c.providerId() + ":" + c.commandId(),
                EventType.DOMAIN_ACKNOWLEDGED, c.chainId().value(), Json.bytes(ack), "/test/" + c.providerId()), c.providerId()));
    }

    /** How many commands wait for {@link #release()}. */
    int held() {
        return held.size();
    }

    /** Answers the held commands (carried out) and every later {@link Reply#HOLD} one at once. */
    void release() {
        released = true;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5000);
        producer.close();
    }
}
