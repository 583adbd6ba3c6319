package org.chainmarket.broker.chain;

import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberAssignment;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.chainmarket.schemas.events.Topics;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What the broker counts as heard from the acknowledgement group's description (pure: descriptions built by hand). */
class AckHearingTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aProviderIsHeardSinceTheFirstReadingThatShowsItsTopicHeld() {
        AckHearing.Reading first = read(group(GroupState.STABLE, "west"), Map.of(), Map.of(), AckHearing.Reading.NONE, T0);
        assertThat(first.heard()).containsExactlyEntriesOf(Map.of("west", T0));
        AckHearing.Reading second = read(group(GroupState.STABLE, "west", "east"), Map.of(), Map.of(), first, T0.plusSeconds(1));
        assertThat(second.heard()).isEqualTo(Map.of("west", T0, "east", T0.plusSeconds(1)));
        assertThat(read(group(GroupState.STABLE, "east"), Map.of(), Map.of(), second, T0.plusSeconds(2)).heard())
                .as("a topic no member holds any more is not heard").isEqualTo(Map.of("east", T0.plusSeconds(1)));
    }

    @Test
    void nobodyIsHeardWhileTheGroupRebalancesAndEveryClockStartsAgainAfter() {
        AckHearing.Reading before = new AckHearing.Reading(Map.of("west", T0, "east", T0), Map.of());
        // members keep their last assignment in the description while the group waits for them to rejoin, but none reads
        AckHearing.Reading preparing = read(group(GroupState.PREPARING_REBALANCE, "west", "east"), Map.of(), Map.of(), before,
                T0.plusSeconds(5));
        assertThat(preparing.heard()).isEmpty();
        AckHearing.Reading completing = read(group(GroupState.COMPLETING_REBALANCE, "west", "east"), Map.of(), Map.of(), preparing,
                T0.plusSeconds(6));
        assertThat(completing.heard()).isEmpty();
        assertThat(read(group(GroupState.STABLE, "west", "east", "south"), Map.of(), Map.of(), completing, T0.plusSeconds(7)).heard())
                .isEqualTo(Map.of("west", T0.plusSeconds(7), "east", T0.plusSeconds(7), "south", T0.plusSeconds(7)));
        assertThat(read(group(GroupState.EMPTY), Map.of(), Map.of(), before, T0.plusSeconds(8)).heard()).as("no consumer at all").isEmpty();
    }

    @Test
    void answersWaitingWithoutTheCommittedOffsetMovingForASecondStopThatProvidersClockUntilItMovesAgain() {
        // a member that died keeps its partitions (and the group stays stable) until its session times out
        ConsumerGroupDescription stable = group(GroupState.STABLE, "west", "east");
        AckHearing.Reading r0 = read(stable, Map.of(WEST, 4L, EAST, 7L), Map.of(WEST, 4L, EAST, 7L), AckHearing.Reading.NONE, T0);
        assertThat(r0.heard()).isEqualTo(Map.of("west", T0, "east", T0));
        // an answer arrives on west's topic: waiting, but not yet for a second
        AckHearing.Reading r1 = read(stable, Map.of(WEST, 4L, EAST, 7L), Map.of(WEST, 5L, EAST, 7L), r0, T0.plusMillis(1000));
        assertThat(r1.heard()).as("just arrived").isEqualTo(Map.of("west", T0, "east", T0));
        AckHearing.Reading r2 = read(stable, Map.of(WEST, 4L, EAST, 7L), Map.of(WEST, 6L, EAST, 7L), r1, T0.plusMillis(2000));
        assertThat(r2.heard()).as("west's answers wait a second and the group has not moved").isEqualTo(Map.of("east", T0));
        AckHearing.Reading r3 = read(stable, Map.of(WEST, 4L, EAST, 7L), Map.of(WEST, 6L, EAST, 7L), r2, T0.plusMillis(3000));
        assertThat(r3.heard()).isEqualTo(Map.of("east", T0));
        // the partition is read again (the dead member left, a live one took over): west's clock starts again
        AckHearing.Reading r4 = read(stable, Map.of(WEST, 5L, EAST, 7L), Map.of(WEST, 6L, EAST, 7L), r3, T0.plusMillis(4000));
        assertThat(r4.heard()).as("moving again, though still behind").isEqualTo(Map.of("west", T0.plusMillis(4000), "east", T0));
        AckHearing.Reading r5 = read(stable, Map.of(WEST, 6L, EAST, 7L), Map.of(WEST, 6L, EAST, 7L), r4, T0.plusMillis(5000));
        assertThat(r5.heard()).isEqualTo(Map.of("west", T0.plusMillis(4000), "east", T0));
        assertThat(r5.waiting()).as("nothing waits").isEmpty();
    }

    @Test
    void aPartitionWithAnswersButNoCommittedOffsetIsWaitingFromZero() {
        ConsumerGroupDescription stable = group(GroupState.STABLE, "west");
        AckHearing.Reading r0 = read(stable, Map.of(), Map.of(WEST, 2L), AckHearing.Reading.NONE, T0);
        assertThat(r0.heard()).containsOnlyKeys("west");
        assertThat(read(stable, Map.of(), Map.of(WEST, 2L), r0, T0.plusSeconds(1)).heard()).isEmpty();
        assertThat(read(stable, Map.of(WEST, 2L), Map.of(WEST, 2L), r0, T0.plusSeconds(1)).heard()).containsOnlyKeys("west");
    }

    private static final TopicPartition WEST = new TopicPartition(Topics.DOMAIN_ACKS + ".west", 0);
    private static final TopicPartition EAST = new TopicPartition(Topics.DOMAIN_ACKS + ".east", 0);

    private static AckHearing.Reading read(ConsumerGroupDescription group, Map<TopicPartition, Long> committed,
                                           Map<TopicPartition, Long> ends, AckHearing.Reading before, Instant now) {
        return AckHearing.heard(group, committed, ends, before, now);
    }

    private static ConsumerGroupDescription group(GroupState state, String... providers) {
        List<MemberDescription> members = java.util.Arrays.stream(providers).map(p -> new MemberDescription("m-" + p, Optional.empty(),
                "broker-ack-listener", "/127.0.0.1", new MemberAssignment(Set.of(new TopicPartition(Topics.DOMAIN_ACKS + "." + p, 0)))))
                .toList();
        return new ConsumerGroupDescription(AckListener.GROUP, false, members, "range", GroupType.CLASSIC, state,
                new Node(1, "localhost", 9092), Set.of(), Optional.empty(), Optional.empty());
    }
}
