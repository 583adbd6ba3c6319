package org.chainmarket.broker.kafka;

import io.micronaut.configuration.kafka.config.KafkaDefaultConfiguration;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.chainmarket.schemas.events.TopicInitializer;
import org.chainmarket.schemas.model.ProviderId;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The broker's one Kafka producer (idempotent, acks=all, no linger: events leave as soon as they are
 * committed). Creating it makes sure the marketplace's topics exist (replicated as the cluster allows:
 * {@code TopicInitializer.Replication}). Its clients authenticate with the {@code kafka.*}
 * settings every micronaut-kafka consumer gets too ({@code kafka.security.protocol}, {@code kafka.sasl.mechanism},
 * {@code kafka.sasl.jaas.config}: the broker's own principal).
 */
@Singleton
public class EventProducer {
    private final Producer<String, byte[]> producer;
    private final String bootstrapServers;
    private final Map<String, Object> clientSettings;
    private final Set<ProviderId> providersWithTopics = ConcurrentHashMap.newKeySet();

    public EventProducer(KafkaDefaultConfiguration kafka) {
        this.clientSettings = clientSettings(kafka);
        this.bootstrapServers = String.valueOf(clientSettings.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
        TopicInitializer.ensureTopics(bootstrapServers, 3, clientSettings);
        Map<String, Object> p = new HashMap<>(clientSettings);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "chainmarket-broker");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** The {@code kafka.*} settings that apply to every client (bootstrap servers and security), without the consumers' own. */
    static Map<String, Object> clientSettings(KafkaDefaultConfiguration kafka) {
        Map<String, Object> out = new HashMap<>();
        kafka.getConfig().forEach((k, v) -> out.put(String.valueOf(k), v));
        out.keySet().removeIf(k -> k.startsWith("consumers.") || k.startsWith("producers.") || k.startsWith("streams.")
                || k.startsWith("health") || k.equals("enabled"));
        return out;
    }

    public Producer<String, byte[]> producer() {
        return producer;
    }

    /** The settings every Kafka client of the broker starts from (bootstrap servers and the broker's credentials). */
    public Map<String, Object> clientSettings() {
        return clientSettings;
    }

    /**
     * Makes sure {@code provider}'s own topics exist before a command goes to it (once per provider and process): a
     * provider registered over the REST API may have no adapter that made them.
     */
    public void ensureProviderTopics(ProviderId provider) {
        if (!providersWithTopics.contains(provider)) {
            TopicInitializer.ensureProviderTopics(bootstrapServers, provider, 3, clientSettings);
            providersWithTopics.add(provider);
        }
    }

    @PreDestroy
    void close() {
        producer.close();
    }
}
