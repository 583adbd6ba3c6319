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
        Map<String, Instant> first = AckHearing.heard(group(GroupState.STABLE, "west"), Map.of(), T0);
        assertThat(first).containsExactlyEntriesOf(Map.of("west", T0));
        Map<String, Instant> second = AckHearing.heard(group(GroupState.STABLE, "west", "east"), first, T0.plusSeconds(1));
        assertThat(second).isEqualTo(Map.of("west", T0, "east", T0.plusSeconds(1)));
        assertThat(AckHearing.heard(group(GroupState.STABLE, "east"), second, T0.plusSeconds(2)))
                .as("a topic no member holds any more is not heard").isEqualTo(Map.of("east", T0.plusSeconds(1)));
    }

    @Test
    void nobodyIsHeardWhileTheGroupRebalancesAndEveryClockStartsAgainAfter() {
        Map<String, Instant> before = Map.of("west", T0, "east", T0);
        // members keep their last assignment in the description while the group waits for them to rejoin, but none reads
        assertThat(AckHearing.heard(group(GroupState.PREPARING_REBALANCE, "west", "east"), before, T0.plusSeconds(5))).isEmpty();
        assertThat(AckHearing.heard(group(GroupState.COMPLETING_REBALANCE, "west", "east"), Map.of(), T0.plusSeconds(6))).isEmpty();
        assertThat(AckHearing.heard(group(GroupState.STABLE, "west", "east", "south"), Map.of(), T0.plusSeconds(7)))
                .isEqualTo(Map.of("west", T0.plusSeconds(7), "east", T0.plusSeconds(7), "south", T0.plusSeconds(7)));
        assertThat(AckHearing.heard(group(GroupState.EMPTY), before, T0.plusSeconds(8))).as("no consumer at all").isEmpty();
    }

    private static ConsumerGroupDescription group(GroupState state, String... providers) {
        List<MemberDescription> members = java.util.Arrays.stream(providers).map(p -> new MemberDescription("m-" + p, Optional.empty(),
                "broker-ack-listener", "/127.0.0.1", new MemberAssignment(Set.of(new TopicPartition(Topics.DOMAIN_ACKS + "." + p, 0)))))
                .toList();
        return new ConsumerGroupDescription(AckListener.GROUP, false, members, "range", GroupType.CLASSIC, state,
                new Node(1, "localhost", 9092), Set.of(), Optional.empty(), Optional.empty());
    }
}
