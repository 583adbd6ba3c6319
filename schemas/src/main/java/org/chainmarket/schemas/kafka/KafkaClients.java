package org.chainmarket.schemas.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.HashMap;
import java.util.Map;

/**
 * The Kafka client settings of the marketplace's services, in one place. Producers: {@code acks=all}, idempotent,
 * no linger (events leave as soon as they are sent). Consumers: no auto-commit (offsets are committed after the
 * effect), {@code read_committed}, from the earliest offset when the group is new. {@code overrides} (a real cluster's
 * security settings, tuning) are applied last.
 */
public final class KafkaClients {
    /**
     * Metadata age (ms) of a consumer subscribed to a per-provider family by pattern: how soon a new provider's topic
     * is read (Kafka's default is five minutes).
     */
    public static final int PATTERN_METADATA_MAX_AGE_MS = 1000;

    private KafkaClients() {
    }

    /** Producer settings. */
    public static Map<String, Object> producerConfig(String bootstrapServers, String clientId, Map<String, ?> overrides) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.putAll(overrides);
        return p;
    }

    /** A producer of CloudEvents records (string keys, byte bodies) with {@link #producerConfig}. */
    public static KafkaProducer<String, byte[]> producer(String bootstrapServers, String clientId, Map<String, ?> overrides) {
        return new KafkaProducer<>(producerConfig(bootstrapServers, clientId, overrides), new StringSerializer(),
                new ByteArraySerializer());
    }

    /** Consumer settings; {@code groupId} null for a reader that assigns partitions itself and commits nothing. */
    public static Map<String, Object> consumerConfig(String bootstrapServers, String groupId, String clientId,
                                                     Map<String, ?> overrides) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        if (groupId != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.putAll(overrides);
        if (groupId == null) {
            p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        }
        return p;
    }
}
