package org.chainmarket.broker.kafka;

import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.chainmarket.schemas.events.TopicInitializer;

import java.util.Map;

/**
 * The broker's one Kafka producer (idempotent, acks=all, no linger: events leave as soon as they are
 * committed). Creating it makes sure the marketplace's topics exist.
 */
@Singleton
public class EventProducer {
    private final Producer<String, byte[]> producer;

    public EventProducer(@Value("${kafka.bootstrap.servers}") String bootstrapServers) {
        TopicInitializer.ensureTopics(bootstrapServers, 3, (short) 1);
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.CLIENT_ID_CONFIG, "chainmarket-broker"),
                new StringSerializer(), new ByteArraySerializer());
    }

    public Producer<String, byte[]> producer() {
        return producer;
    }

    @PreDestroy
    void close() {
        producer.close();
    }
}
