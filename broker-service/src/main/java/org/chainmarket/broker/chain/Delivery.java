package org.chainmarket.broker.chain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How long a chain waits for a domain's answer, as the deadline sweep sees it now. A domain has {@code timeout} to
 * answer once its command reached Kafka (or once Kafka came back, if it was unreachable since); while the command is
 * still in the outbox, or Kafka does not take events, it waits, but never longer than {@code patience} after the
 * command was written. Nor does the timeout run while the broker cannot hear the domain's answers (its
 * acknowledgement consumers do not hold the provider's topic yet, {@link AckHearing}): it counts from when they do. A
 * refusal does not wait at all (it is an answer).
 *
 * @param published when each command id (of those asked about) was handed to Kafka
 * @param hearing   provider id → since when its answers are heard (absent: not now); null: every provider, always
 */
record Delivery(Duration timeout, Duration patience, boolean kafkaReachable, Instant kafkaBackAt, Map<String, Instant> published,
                Map<String, Instant> hearing) {

    /** Every provider's answers heard all along. */
    Delivery(Duration timeout, Duration patience, boolean kafkaReachable, Instant kafkaBackAt, Map<String, Instant> published) {
        this(timeout, patience, kafkaReachable, kafkaBackAt, published, null);
    }

    /** When domain {@code d}'s wait for its command ends. */
    Instant deadline(ChainDomainEntity d) {
        return deadline(d.commandId(), d.providerId(), d.commandedAt());
    }

    /** When the wait of {@code provider}'s domain for {@code commandId}, written at {@code commandedAt}, ends. */
    Instant deadline(String commandId, String provider, Instant commandedAt) {
        Instant bound = commandedAt.plus(patience);
        Optional<Instant> sent = Optional.ofNullable(published.get(commandId));
        Instant heard = hearing == null ? Instant.EPOCH : hearing.get(provider);
        if (sent.isEmpty() || !kafkaReachable || heard == null) {
            return bound;
        }
        Instant from = latest(sent.get(), latest(kafkaBackAt, heard));
        Instant deadline = from.plus(timeout);
        return deadline.isBefore(bound) ? deadline : bound;
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /** Whether {@code provider}'s answers are heard now. */
    boolean heard(String provider) {
        return hearing == null || hearing.containsKey(provider);
    }

    boolean late(ChainDomainEntity d, Instant now) {
        return !now.isBefore(deadline(d));
    }

    /**
     * When the sweep looks at the chain again: the earliest deadline of the domains it waits on, or in a second
     * while a command is still in the outbox, Kafka does not take events or a domain's answers are not heard yet (the
     * deadline moves once they are).
     */
    Instant nextCheck(List<ChainDomainEntity> waitingOn, Instant now) {
        boolean held = !kafkaReachable || waitingOn.stream().anyMatch(d -> !sent(d.commandId()) || !heard(d.providerId()));
        return held ? now.plusSeconds(1) : waitingOn.stream().map(this::deadline)
                .min(Instant::compareTo).orElse(now.plusSeconds(1));
    }

    /** How long the {@code late} domains were waited for, as the chain's reason says it. */
    String within(List<ChainDomainEntity> late) {
        return late.stream().allMatch(d -> sent(d.commandId()) && heard(d.providerId())) && kafkaReachable
                ? " within " + Prose.seconds(timeout)
                : " within " + Prose.seconds(patience) + " (Kafka did not deliver the command and its answer in time)";
    }

    /** Whether the command reached Kafka. */
    boolean sent(String commandId) {
        return published.containsKey(commandId);
    }
}
