package org.chainmarket.broker.chain;

import org.chainmarket.schemas.model.ChainState;
import org.chainmarket.schemas.model.DomainCommand;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chainmarket.broker.chain.SagaFixtures.EAST;
import static org.chainmarket.broker.chain.SagaFixtures.PATIENCE;
import static org.chainmarket.broker.chain.SagaFixtures.T0;
import static org.chainmarket.broker.chain.SagaFixtures.TIMEOUT;
import static org.chainmarket.broker.chain.SagaFixtures.WEST;
import static org.chainmarket.broker.chain.SagaFixtures.ack;
import static org.chainmarket.broker.chain.SagaFixtures.lastTo;

/**
 * A domain that is slow because Kafka is slow or down is not a domain that refused: the delivery timeout counts from when the
 * command reached Kafka (and from no earlier than the broker hears the domain's answers), the chain waits (bounded by
 * the patience) while it has not, and a refusal still fails at once.
 */
class PatientSagaTest {

    @Test
    void commandsStillInTheOutboxWaitPastTheTimeoutUpToThePatience() {
        Effects fx = new Effects();
        ChainEntity c = SagaFixtures.settingUp(fx);
        Delivery nothingSent = new Delivery(TIMEOUT, PATIENCE, false, Instant.EPOCH, Map.of());
        assertThat(c.expire(T0.plus(TIMEOUT).plusSeconds(5), nothingSent, fx)).isFalse();
        assertThat(c.state()).isEqualTo(ChainState.SETTING_UP);
        assertThat(c.expire(T0.plus(PATIENCE).plusMillis(1), nothingSent, fx)).isTrue();
        assertThat(c.state()).isEqualTo(ChainState.FAILED);
        assertThat(c.reason()).isEqualTo("Provider east, west did not acknowledge the set-up within 60.0 s "
                + "(Kafka did not deliver the command and its answer in time)");
    }

    @Test
    void theTimeoutCountsFromWhenTheCommandReachedKafka() {
        Effects fx = new Effects();
        ChainEntity c = SagaFixtures.settingUp(fx);
        c.acknowledge(ack(lastTo(fx, WEST), true), T0.plusMillis(20), fx);
        Instant published = T0.plusSeconds(30);
        Delivery sentLate = new Delivery(TIMEOUT, PATIENCE, true, Instant.EPOCH, Map.of(lastTo(fx, EAST).commandId(), published));
        assertThat(c.expire(published.plus(TIMEOUT).minusMillis(1), sentLate, fx)).isFalse();
        assertThat(c.expire(published.plus(TIMEOUT), sentLate, fx)).isTrue();
        assertThat(c.reason()).isEqualTo("Provider east did not acknowledge the set-up within 5.0 s");
    }

    @Test
    void whileKafkaIsUnreachableASentCommandWaitsAndItsClockRestartsWhenKafkaIsBack() {
        Effects fx = new Effects();
        ChainEntity c = SagaFixtures.settingUp(fx);
        DomainCommand east = lastTo(fx, EAST);
        c.acknowledge(ack(lastTo(fx, WEST), true), T0.plusMillis(20), fx);
        Map<String, Instant> sent = Map.of(east.commandId(), T0.plusMillis(5));
        Delivery down = new Delivery(TIMEOUT, PATIENCE, false, Instant.EPOCH, sent);
        assertThat(c.expire(T0.plusSeconds(20), down, fx)).isFalse();
        Instant back = T0.plusSeconds(25);
        Delivery up = new Delivery(TIMEOUT, PATIENCE, true, back, sent);
        assertThat(c.expire(back.plusSeconds(4), up, fx)).isFalse();
        c.acknowledge(ack(east, true), back.plusSeconds(4), fx);
        assertThat(c.state()).isEqualTo(ChainState.ACTIVE);
    }

    @Test
    void aNewProvidersDomainIsGivenItsTimeoutFromWhenTheBrokerHearsItsAnswers() {
        Effects fx = new Effects();
        ChainEntity c = SagaFixtures.settingUp(fx);
        DomainCommand east = lastTo(fx, EAST);
        c.acknowledge(ack(lastTo(fx, WEST), true), T0.plusMillis(20), fx);
        Map<String, Instant> sent = Map.of(east.commandId(), T0.plusMillis(5));
        // the acknowledgement consumers have not joined east's topic yet: its answer may be on its way, unread
        Delivery unheard = new Delivery(TIMEOUT, PATIENCE, true, Instant.EPOCH, sent, Map.of(WEST.value(), T0.minusSeconds(60)));
        assertThat(c.expire(T0.plus(TIMEOUT).plusSeconds(3), unheard, fx)).isFalse();
        assertThat(c.state()).isEqualTo(ChainState.SETTING_UP);
        Instant joined = T0.plusSeconds(9);
        Delivery heard = new Delivery(TIMEOUT, PATIENCE, true, Instant.EPOCH, sent, Map.of(WEST.value(), T0.minusSeconds(60), EAST.value(), joined));
        assertThat(c.expire(joined.plus(TIMEOUT).minusMillis(1), heard, fx)).isFalse();
        c.acknowledge(ack(east, true), joined.plusMillis(50), fx);
        assertThat(c.state()).isEqualTo(ChainState.ACTIVE);

        // a domain heard all along that does not answer still fails at its timeout, named as before
        Effects fx2 = new Effects();
        ChainEntity silent = SagaFixtures.settingUp(fx2);
        silent.acknowledge(ack(lastTo(fx2, WEST), true), T0.plusMillis(20), fx2);
        Delivery heardAll = new Delivery(TIMEOUT, PATIENCE, true, Instant.EPOCH, Map.of(lastTo(fx2, EAST).commandId(), T0.plusMillis(5)),
                Map.of(WEST.value(), T0.minusSeconds(60), EAST.value(), T0.minusSeconds(60)));
        assertThat(silent.expire(T0.plusMillis(5).plus(TIMEOUT), heardAll, fx2)).isTrue();
        assertThat(silent.reason()).isEqualTo("Provider east did not acknowledge the set-up within 5.0 s");
    }

    @Test
    void aRefusalStillFailsAtOnceAndRollsBack() {
        Effects fx = new Effects();
        ChainEntity c = SagaFixtures.settingUp(fx);
        c.acknowledge(ack(lastTo(fx, EAST), false), T0.plusMillis(10), fx);
        assertThat(c.state()).isEqualTo(ChainState.FAILED);
        assertThat(lastTo(fx, WEST).operation()).isEqualTo(DomainCommand.Operation.TEARDOWN);
        assertThat(fx.released).hasSize(2);
    }

    @Test
    void aTearDownWaitsForKafkaTooAndIsForcedOnlyAfterThePatience() {
        Effects fx = new Effects();
        ChainEntity c = SagaFixtures.active(fx);
        c.requestTeardown(TIMEOUT, T0.plusSeconds(1), fx);
        Delivery nothingSent = new Delivery(TIMEOUT, PATIENCE, true, Instant.EPOCH, Map.of());
        assertThat(c.expire(T0.plusSeconds(30), nothingSent, fx)).isFalse();
        assertThat(c.state()).isEqualTo(ChainState.TEARING_DOWN);
        assertThat(c.expire(T0.plusSeconds(1).plus(PATIENCE), nothingSent, fx)).isTrue();
        assertThat(c.state()).isEqualTo(ChainState.TERMINATED);
        assertThat(c.reason()).startsWith("Provider east, west did not confirm removal within 60.0 s");
    }
}
