package org.chainmarket.broker;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
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
import java.util.UUID;
import java.util.Collection;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.HashMap;

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
        // <prefix>-… (found by pattern as the broker makes them) and answers on each one's acknowledgement topic
        Map<String, Object> settings = new HashMap<>(Infra.admin());
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, "acking-" + UUID.randomUUID());
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 200);
        this.consumer = new KafkaConsumer<>(settings, new StringDeserializer(), new ByteArrayDeserializer());
        this.producer = KafkaClients.producer(bootstrapServers, "acking-domains", Infra.admin());
        CountDownLatch joined = new CountDownLatch(1);
        consumer.subscribe(Pattern.compile(Pattern.quote(Topics.DOMAIN_COMMANDS + "." + this.prefix) + ".*"), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                joined.countDown();
            }
        });
        this.thread = new Thread(this::run, "acking-domains");
        this.thread.setDaemon(true);
        this.thread.start();
        // answer from the first command on: a domain that joins its group only after the broker's delivery clock
        // started would look silent to it
        try {
            if (!joined.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test's domains did not join their consumer group within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void run() {
        while (running) {
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
