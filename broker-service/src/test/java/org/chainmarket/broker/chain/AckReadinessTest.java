package org.chainmarket.broker.chain;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Orders wait for the acknowledgement consumers to hold partitions, and only as long as configured. */
class AckReadinessTest {

    @Test
    void withoutPartitionsAnOrderWaitsItsTimeAndIsRefused() {
        AckReadiness readiness = new AckReadiness(Duration.ofMillis(50));

        assertThat(readiness.ready()).isFalse();
        assertThat(readiness.awaitReady()).as("no consumer holds a partition within the wait").isFalse();
    }

    @Test
    void anOrderWaitingIsLetThroughAsSoonAsPartitionsAreAssigned() throws Exception {
        AckReadiness readiness = new AckReadiness(Duration.ofMinutes(5));
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(readiness::awaitReady);

        readiness.assigned(3);

        assertThat(waiting.get(1, TimeUnit.MINUTES)).as("the waiting order goes on, long before its five minutes").isTrue();
        assertThat(readiness.ready()).isTrue();
    }

    @Test
    void readinessFollowsAssignmentsAndRevocationsOfEveryConsumer() {
        AckReadiness readiness = new AckReadiness(Duration.ofMillis(10));
        readiness.assigned(2);
        readiness.assigned(1);

        readiness.revoked(2);
        assertThat(readiness.ready()).as("one consumer still holds a partition").isTrue();

        readiness.revoked(1);
        assertThat(readiness.ready()).isFalse();

        readiness.revoked(4);
        readiness.assigned(1);
        assertThat(readiness.ready()).as("more revoked than held counts as none, not below").isTrue();
    }

    @Test
    void aConsumerThatJoinedWithNoPartitionCountsUntilItLeaves() {
        AckReadiness readiness = new AckReadiness(Duration.ofMillis(10));
        readiness.assigned(0);
        assertThat(readiness.ready()).as("no provider yet: the consumer is in its group all the same").isTrue();

        readiness.revoked(0);
        assertThat(readiness.ready()).isFalse();
        readiness.revoked(0);
        readiness.assigned(2);
        readiness.revoked(2);
        assertThat(readiness.ready()).as("a member without partitions leaving twice counts once").isFalse();
    }
}
