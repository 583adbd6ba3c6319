package org.chainmarket.schemas.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How an {@link EventConsumer} reads.
 *
 * @param name             names its threads and Kafka client ids ({@code <name>-<n>})
 * @param bootstrapServers Kafka
 * @param groupId          its consumer group; null: no group, every partition from the beginning, nothing committed
 * @param topics           what it reads
 * @param threads          consumers in the group, each on its own thread with its own handler (1 without a group)
 * @param maxRecordAge     records older than this (by their Kafka timestamp) are shed, counted and not decoded; null:
 *                         none is
 * @param retryBackoff     the first pause of a partition whose record must be read again (it doubles, up to 10 s)
 * @param clientOverrides  applied last to the consumers' settings (security, tuning)
 * @param deadLetters      whether a record that breaks its contract goes to {@code <topic>.dlq}; false: it is skipped
 *                         and counted. Always so in a group; a reader without one dead-letters only the topics it owns
 *                         (it is their only reader), else the group that owns them does
 * @param newGroupAtEnd    a group without committed offsets starts at the end of each partition (only what arrives from
 *                         now on) instead of the beginning; no effect without a group
 */
public record ConsumerSettings(String name, String bootstrapServers, String groupId, List<String> topics, int threads,
                               Duration maxRecordAge, Duration retryBackoff, Map<String, ?> clientOverrides,
                               boolean deadLetters, boolean newGroupAtEnd) {
    public ConsumerSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        topics = List.copyOf(topics);
        if (topics.isEmpty()) {
            throw new IllegalArgumentException("a consumer needs at least one topic");
        }
        if (threads < 1 || (groupId == null && threads != 1)) {
            throw new IllegalArgumentException("threads must be at least 1 (exactly 1 without a group) but was " + threads);
        }
        if (maxRecordAge != null && (maxRecordAge.isNegative() || maxRecordAge.isZero())) {
            throw new IllegalArgumentException("maxRecordAge must be positive but was " + maxRecordAge);
        }
        if (groupId != null && !deadLetters) {
            throw new IllegalArgumentException("a consumer in a group dead-letters what breaks its contract");
        }
        retryBackoff = retryBackoff == null ? Duration.ofMillis(200) : retryBackoff;
        clientOverrides = clientOverrides == null ? Map.of() : Map.copyOf(clientOverrides);
    }

    /** Dead letters in a group, none without; a new group starts at the beginning. */
    public ConsumerSettings(String name, String bootstrapServers, String groupId, List<String> topics, int threads,
                            Duration maxRecordAge, Duration retryBackoff, Map<String, ?> clientOverrides) {
        this(name, bootstrapServers, groupId, topics, threads, maxRecordAge, retryBackoff, clientOverrides, groupId != null, false);
    }

    /** One consumer thread in group {@code groupId}, no record too old, 200 ms first backoff. */
    public static ConsumerSettings group(String name, String bootstrapServers, String groupId, List<String> topics) {
        return new ConsumerSettings(name, bootstrapServers, Objects.requireNonNull(groupId, "groupId"), topics, 1, null,
                null, Map.of());
    }

    /** A reader of whole topics from the beginning, in no group (a compacted table kept in memory). */
    public static ConsumerSettings table(String name, String bootstrapServers, List<String> topics) {
        return new ConsumerSettings(name, bootstrapServers, null, topics, 1, null, null, Map.of());
    }

    public ConsumerSettings withThreads(int threads) {
        return new ConsumerSettings(name, bootstrapServers, groupId, topics, threads, maxRecordAge, retryBackoff,
                clientOverrides, deadLetters, newGroupAtEnd);
    }

    public ConsumerSettings withMaxRecordAge(Duration maxRecordAge) {
        return new ConsumerSettings(name, bootstrapServers, groupId, topics, threads, maxRecordAge, retryBackoff,
                clientOverrides, deadLetters, newGroupAtEnd);
    }

    public ConsumerSettings withRetryBackoff(Duration retryBackoff) {
        return new ConsumerSettings(name, bootstrapServers, groupId, topics, threads, maxRecordAge, retryBackoff,
                clientOverrides, deadLetters, newGroupAtEnd);
    }

    public ConsumerSettings withClientOverrides(Map<String, ?> clientOverrides) {
        return new ConsumerSettings(name, bootstrapServers, groupId, topics, threads, maxRecordAge, retryBackoff,
                clientOverrides, deadLetters, newGroupAtEnd);
    }

    /** A reader without a group that dead-letters invalid records: it is the only reader of its topics. */
    public ConsumerSettings withDeadLetters() {
        return new ConsumerSettings(name, bootstrapServers, groupId, topics, threads, maxRecordAge, retryBackoff,
                clientOverrides, true, newGroupAtEnd);
    }

    /** A new group (no committed offsets) starts at the end of each partition: it reads only what arrives from now on. */
    public ConsumerSettings withNewGroupAtEnd() {
        return new ConsumerSettings(name, bootstrapServers, groupId, topics, threads, maxRecordAge, retryBackoff,
                clientOverrides, deadLetters, true);
    }
}
