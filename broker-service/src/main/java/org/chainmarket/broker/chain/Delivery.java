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
 * command was written. A refusal does not wait at all (it is an answer).
 *
 * @param published when each command id (of those asked about) was handed to Kafka
 */
record Delivery(Duration timeout, Duration patience, boolean kafkaReachable, Instant kafkaBackAt, Map<String, Instant> published) {

    /** When the domain's wait for {@code commandId}, written at {@code commandedAt}, ends. */
    Instant deadline(String commandId, Instant commandedAt) {
        Instant bound = commandedAt.plus(patience);
        Optional<Instant> sent = Optional.ofNullable(published.get(commandId));
        if (sent.isEmpty() || !kafkaReachable) {
            return bound;
        }
        Instant from = sent.get().isAfter(kafkaBackAt) ? sent.get() : kafkaBackAt;
        Instant deadline = from.plus(timeout);
        return deadline.isBefore(bound) ? deadline : bound;
    }

    boolean late(ChainDomainEntity d, Instant now) {
        return !now.isBefore(deadline(d.commandId(), d.commandedAt()));
    }

    /**
     * When the sweep looks at the chain again: the earliest deadline of the domains it waits on, or in a second
     * while a command is still in the outbox or Kafka does not take events (the deadline moves once it does).
     */
    Instant nextCheck(List<ChainDomainEntity> waitingOn, Instant now) {
        boolean held = !kafkaReachable || waitingOn.stream().anyMatch(d -> !sent(d.commandId()));
        return held ? now.plusSeconds(1) : waitingOn.stream().map(d -> deadline(d.commandId(), d.commandedAt()))
                .min(Instant::compareTo).orElse(now.plusSeconds(1));
    }

    /** How long the {@code late} domains were waited for, as the chain's reason says it. */
    String within(List<ChainDomainEntity> late) {
        return late.stream().allMatch(d -> sent(d.commandId())) && kafkaReachable
                ? " within " + Prose.seconds(timeout)
                : " within " + Prose.seconds(patience) + " (Kafka did not deliver the command and its answer in time)";
    }

    /** Whether the command reached Kafka. */
    boolean sent(String commandId) {
        return published.containsKey(commandId);
    }
}
