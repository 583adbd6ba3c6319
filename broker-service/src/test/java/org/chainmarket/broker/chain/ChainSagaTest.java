package org.chainmarket.broker.chain;

import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.model.ChainState;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainCommand;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chainmarket.broker.chain.SagaFixtures.EAST;
import static org.chainmarket.broker.chain.SagaFixtures.T0;
import static org.chainmarket.broker.chain.SagaFixtures.WEST;
import static org.chainmarket.broker.chain.SagaFixtures.ack;
import static org.chainmarket.broker.chain.SagaFixtures.lastTo;

/** The set-up and tear-down saga on the chain itself, without Kafka or PostgreSQL. */
class ChainSagaTest {

    @Test
    void anOrderReservesEveryHopAndLinkAndCommandsEachDomainOnce() {
        Effects fx = new Effects();
        ChainEntity c = SagaFixtures.settingUp(fx);
        assertThat(c.state()).isEqualTo(ChainState.SETTING_UP);
        assertThat(fx.reserved).extracting(Effects.Hop::offerId).containsExactly("w-fw", "e-dpi");
        assertThat(fx.links).extracting(Effects.LinkChange::link).containsExactlyInAnyOrder("w1|w2", "e1|w2", "e1|e2");
        assertThat(fx.links).allSatisfy(l -> assertThat(l.mbps()).isEqualTo(100));
        assertThat(fx.commands()).extracting(DomainCommand::providerId, DomainCommand::operation)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(WEST, DomainCommand.Operation.SETUP),
                        org.assertj.core.groups.Tuple.tuple(EAST, DomainCommand.Operation.SETUP));
        assertThat(fx.messages).extracting(Effects.Message::type).contains(EventType.CHAIN_SETUP_STARTED);
    }

    @Test
    void everyDomainAcknowledgedMakesTheChainActive() {
        Effects fx = new Effects();
        ChainEntity c = SagaFixtures.settingUp(fx);
        assertThat(c.acknowledge(ack(lastTo(fx, WEST), true), T0.plusMillis(20), fx)).isTrue();
        assertThat(c.state()).as("east has not answered").isEqualTo(ChainState.SETTING_UP);
        assertThat(c.acknowledge(ack(lastTo(fx, EAST), true), T0.plusMillis(30), fx)).isTrue();
        assertThat(c.state()).isEqualTo(ChainState.ACTIVE);
        assertThat(c.activatedAt()).isEqualTo(T0.plusMillis(30));
    }

    @Test
    void aDuplicateAcknowledgementChangesNothing() {
        Effects fx = new Effects();
        ChainEntity c = SagaFixtures.settingUp(fx);
        DomainAck west = ack(lastTo(fx, WEST), true);
        c.acknowledge(west, T0.plusMillis(20), fx);
        Effects again = new Effects();
        assertThat(c.acknowledge(west, T0.plusMillis(25), again)).isFalse();
        assertThat(again.messages).isEmpty();
        assertThat(c.state()).isEqualTo(ChainState.SETTING_UP);
    }

    @Test
    void aDuplicateRefusalAfterActivationDoesNotFailTheChain() {
        Effects fx = new Effects();
        ChainEntity c = SagaFixtures.settingUp(fx);
        DomainCommand westSetup = lastTo(fx, WEST);
        c.acknowledge(ack(westSetup, true), T0.plusMillis(20), fx);
        c.acknowledge(ack(lastTo(fx, EAST), true), T0.plusMillis(30), fx);
        Effects late = new Effects();
        assertThat(c.acknowledge(ack(westSetup, false), T0.plusMillis(40), late)).isFalse();
        assertThat(c.state()).isEqualTo(ChainState.ACTIVE);
        assertThat(late.released).isEmpty();
    }

    @Test
    void aStaleSetUpAcknowledgementAfterTheBuyerEndedTheChainIsIgnored() {
        Effects fx = new Effects();
        ChainEntity c = SagaFixtures.settingUp(fx);
        DomainCommand eastSetup = lastTo(fx, EAST);
        c.acknowledge(ack(lastTo(fx, WEST), true), T0.plusMillis(20), fx);
        assertThat(c.requestTeardown(SagaFixtures.TIMEOUT, T0.plusMillis(30), fx)).isTrue();
        Effects stale = new Effects();
        assertThat(c.acknowledge(ack(eastSetup, true), T0.plusMillis(40), stale)).as("answers the set-up, not the tear-down").isFalse();
        assertThat(c.state()).isEqualTo(ChainState.TEARING_DOWN);
        c.acknowledge(ack(lastTo(fx, WEST), true), T0.plusMillis(50), fx);
        assertThat(c.state()).isEqualTo(ChainState.TEARING_DOWN);
        c.acknowledge(ack(lastTo(fx, EAST), true), T0.plusMillis(60), fx);
        assertThat(c.state()).isEqualTo(ChainState.TERMINATED);
        assertThat(fx.released).extracting(Effects.Hop::offerId).containsExactly("w-fw", "e-dpi");
    }

    @Test
    void outOfOrderAnswersCountOnlyForTheCommandTheDomainWaitsOn() {
        Effects fx = new Effects();
        ChainEntity c = SagaFixtures.settingUp(fx);
        DomainCommand westSetup = lastTo(fx, WEST);
        DomainCommand eastSetup = lastTo(fx, EAST);
        // a tear-down answer carrying the set-up's command id, before any set-up answer: not what west waits for
        DomainAck wrongOperation = new DomainAck(westSetup.commandId(), westSetup.chainId(), WEST, DomainCommand.Operation.TEARDOWN,
                true, null, List.of(), T0);
        assertThat(c.acknowledge(wrongOperation, T0.plusMillis(5), fx)).isFalse();
        // east refuses: the chain fails and west is told to tear down; west's set-up answer then arrives late
        c.acknowledge(ack(eastSetup, false), T0.plusMillis(10), fx);
        assertThat(c.state()).isEqualTo(ChainState.FAILED);
        assertThat(c.reason()).isEqualTo("Provider east could not set up its segment: no room");
        assertThat(lastTo(fx, WEST).operation()).isEqualTo(DomainCommand.Operation.TEARDOWN);
        assertThat(c.acknowledge(ack(westSetup, true), T0.plusMillis(20), fx)).isFalse();
        assertThat(c.acknowledge(ack(lastTo(fx, WEST), true), T0.plusMillis(30), fx)).isTrue();
        assertThat(c.state()).isEqualTo(ChainState.FAILED);
    }

    @Test
    void aRefusalReleasesEveryHopAndLinkOnce() {
        Effects fx = new Effects();
        ChainEntity c = SagaFixtures.settingUp(fx);
        c.acknowledge(ack(lastTo(fx, EAST), false), T0.plusMillis(10), fx);
        assertThat(fx.released).extracting(Effects.Hop::offerId).containsExactly("w-fw", "e-dpi");
        double net = fx.links.stream().mapToDouble(Effects.LinkChange::mbps).sum();
        assertThat(net).as("links taken and given back").isZero();
        assertThat(c.requestTeardown(SagaFixtures.TIMEOUT, T0.plusMillis(20), fx)).as("a failed chain holds nothing to end").isFalse();
    }

    @Test
    void aSilentDomainFailsTheChainAtTheDeadlineNamingIt() {
        Effects fx = new Effects();
        ChainEntity c = SagaFixtures.settingUp(fx);
        c.acknowledge(ack(lastTo(fx, WEST), true), T0.plusMillis(20), fx);
        Delivery sent = SagaFixtures.sent(fx, T0);
        assertThat(c.expire(T0.plusSeconds(4), sent, fx)).isFalse();
        assertThat(c.expire(T0.plusSeconds(6), sent, fx)).isTrue();
        assertThat(c.state()).isEqualTo(ChainState.FAILED);
        assertThat(c.reason()).isEqualTo("Provider east did not acknowledge the set-up within 5.0 s");
    }
}
