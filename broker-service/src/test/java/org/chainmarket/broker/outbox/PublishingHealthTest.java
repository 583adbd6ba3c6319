package org.chainmarket.broker.outbox;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the relay tells the delivery deadlines: Kafka is unreachable while publishing fails or a batch is slow, and the
 * clocks restart when it is back, also after a slow batch that got through in the end (a partition leader that died
 * and was replaced: the commands already in Kafka could not be fetched meanwhile either).
 */
class PublishingHealthTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aQuickBatchLeavesKafkaReachableAndTheClocksAlone() {
        PublishingHealth health = new PublishingHealth();
        health.started(T0);
        assertThat(health.kafkaReachable(T0.plusMillis(999))).isTrue();
        health.succeeded(T0.plusMillis(999));
        assertThat(health.kafkaReachable(T0.plusSeconds(2))).isTrue();
        assertThat(health.kafkaBackAt()).isEqualTo(Instant.EPOCH);
    }

    @Test
    void aBatchSlowerThanOneSecondIsAnOutageAndItsEndRestartsTheClocks() {
        PublishingHealth health = new PublishingHealth();
        health.started(T0);
        assertThat(health.kafkaReachable(T0.plus(PublishingHealth.SLOW))).isFalse();
        Instant through = T0.plusSeconds(9);
        health.succeeded(through);
        assertThat(health.kafkaReachable(through)).isTrue();
        assertThat(health.kafkaBackAt()).isEqualTo(through);
    }

    @Test
    void failuresMakeKafkaUnreachableUntilABatchGoesThrough() {
        PublishingHealth health = new PublishingHealth();
        health.started(T0);
        health.failed(T0.plusMillis(10));
        assertThat(health.kafkaReachable(T0.plusMillis(20))).isFalse();
        health.started(T0.plusSeconds(3));
        assertThat(health.kafkaReachable(T0.plusSeconds(3))).isFalse();
        health.succeeded(T0.plusSeconds(3).plusMillis(5));
        assertThat(health.kafkaReachable(T0.plusSeconds(4))).isTrue();
        assertThat(health.kafkaBackAt()).isEqualTo(T0.plusSeconds(3).plusMillis(5));
    }
}
