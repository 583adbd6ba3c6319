package org.chainmarket.broker.chain;

import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.ChainState;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.SubjectKind;
import org.chainmarket.schemas.model.Substitution;
import org.chainmarket.broker.usage.Carriage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.chainmarket.broker.chain.SagaFixtures.EAST;
import static org.chainmarket.broker.chain.SagaFixtures.ORDER;
import static org.chainmarket.broker.chain.SagaFixtures.T0;
import static org.chainmarket.broker.chain.SagaFixtures.TIMEOUT;
import static org.chainmarket.broker.chain.SagaFixtures.WEST;
import static org.chainmarket.broker.chain.SagaFixtures.ack;
import static org.chainmarket.broker.chain.SagaFixtures.lastTo;

/** A buyer's change of a running chain on the chain itself: in place, or switched make-before-break; without Kafka or PostgreSQL. */
class ChainChangeStepsTest {
    private static final ChainOrder WIDER = new ChainOrder("acme", List.of("firewall", "dpi"), "w1", "e2", 150, 50, 20, List.of(), List.of());
    private final ConcreteChain moved = SagaFixtures.chain("e-dpi2", "e2");

    /** What every transition of {@code fx} left held, per offer (Mbit/s). */
    private static Map<String, Double> offers(Effects... all) {
        Map<String, Double> held = new TreeMap<>();
        for (Effects fx : all) {
            fx.reserved.forEach(h -> held.merge(h.offerId(), h.mbps(), Double::sum));
            fx.released.forEach(h -> held.merge(h.offerId(), -h.mbps(), Double::sum));
        }
        held.values().removeIf(v -> Math.abs(v) < 1e-9);
        return held;
    }

    /** What every transition of {@code fx} left held, per link (Mbit/s). */
    private static Map<String, Double> links(Effects... all) {
        Map<String, Double> held = new TreeMap<>();
        for (Effects fx : all) {
            fx.links.forEach(l -> held.merge(l.link(), l.mbps(), Double::sum));
        }
        held.values().removeIf(v -> Math.abs(v) < 1e-9);
        return held;
    }

    @Test
    void aWiderBandwidthThatFitsIsReReservedOnTheSameHopsWithoutCommandingTheDomains() {
        Effects fx = new Effects();
        ChainEntity c = SagaFixtures.active(fx);
        Effects change = new Effects();
        c.changeInPlace(WIDER, SagaFixtures.chain("e-dpi", "e1"), T0.plusSeconds(60), change);

        assertThat(c.state()).isEqualTo(ChainState.ACTIVE);
        assertThat(c.order().bandwidthMbps()).isEqualTo(150);
        assertThat(offers(fx, change)).containsExactlyInAnyOrderEntriesOf(Map.of("w-fw", 150.0, "e-dpi", 150.0));
        assertThat(links(fx, change)).hasSize(3).allSatisfy((link, mbps) -> assertThat(mbps).isEqualTo(150.0));
        assertThat(change.commands()).as("flow entries do not depend on bandwidth").isEmpty();
        assertThat(change.carrying).singleElement().satisfies(k -> {
            assertThat(k.mbps()).isEqualTo(150);
            assertThat(k.state()).isEqualTo(ChainState.ACTIVE);
        });
    }

    @Test
    void onlyAnActiveChainChangesAndOnlyOnItsOwnHops() {
        Effects fx = new Effects();
        ChainEntity c = SagaFixtures.settingUp(fx);
        assertThatThrownBy(() -> c.changeInPlace(WIDER, SagaFixtures.chain("e-dpi", "e1"), T0, new Effects()))
                .isInstanceOf(OperationConflictException.class).hasMessageContaining("SETTING_UP");
        ChainEntity a = SagaFixtures.active(new Effects());
        assertThatThrownBy(() -> a.changeInPlace(WIDER, moved, T0, new Effects()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aChangeTheHopsCannotMeetIsSwitchedMakeBeforeBreakAndRecordedAsTheBuyersSubstitution() {
        Effects fx = new Effects();
        ChainEntity c = SagaFixtures.active(fx);
        Effects start = new Effects();
        c.changeBySubstitution(WIDER, moved, TIMEOUT, T0.plusSeconds(60), start);

        assertThat(c.state()).isEqualTo(ChainState.SUBSTITUTING);
        assertThat(c.order().bandwidthMbps()).as("the old order runs until the new path is active").isEqualTo(100);
        // old hops at the old bandwidth, the new one at the new, the kept firewall at the larger of both
        assertThat(offers(fx, start)).containsExactlyInAnyOrderEntriesOf(Map.of("w-fw", 150.0, "e-dpi", 100.0, "e-dpi2", 150.0));
        assertThat(lastTo(start, EAST).bandwidthMbps()).isEqualTo(150);
        assertThat(start.messages).extracting(Effects.Message::payload).filteredOn(Substitution.class::isInstance)
                .singleElement().satisfies(s -> {
                    Substitution sub = (Substitution) s;
                    assertThat(sub.trigger().kind()).isEqualTo(SubjectKind.BUYER);
                    assertThat(sub.trigger().subjectId()).isEqualTo("c-1");
                    assertThat(sub.status()).isEqualTo(Substitution.Status.APPLYING);
                });

        Effects done = new Effects();
        c.acknowledge(ack(lastTo(start, EAST), true), T0.plusSeconds(61), done);
        assertThat(c.state()).isEqualTo(ChainState.ACTIVE);
        assertThat(c.order().bandwidthMbps()).isEqualTo(150);
        assertThat(c.concrete().hops().get(1).offerId().value()).isEqualTo("e-dpi2");
        assertThat(offers(fx, start, done)).containsExactlyInAnyOrderEntriesOf(Map.of("w-fw", 150.0, "e-dpi2", 150.0));
        assertThat(links(fx, start, done)).hasSize(3).allSatisfy((link, mbps) -> assertThat(mbps).isEqualTo(150.0));
        assertThat(done.carrying).last().satisfies(k -> assertThat(k.mbps()).isEqualTo(150));
    }

    @Test
    void aRefusedSwitchFailsTheChainAndGivesBackEverythingItHeld() {
        Effects fx = new Effects();
        ChainEntity c = SagaFixtures.active(fx);
        Effects start = new Effects();
        c.changeBySubstitution(WIDER, moved, TIMEOUT, T0.plusSeconds(60), start);
        Effects refused = new Effects();
        c.acknowledge(ack(lastTo(start, EAST), false), T0.plusSeconds(61), refused);
        assertThat(c.state()).isEqualTo(ChainState.FAILED);
        assertThat(offers(fx, start, refused)).isEmpty();
        assertThat(links(fx, start, refused)).isEmpty();
    }

    @Test
    void endingTheChainWhileItSwitchesGivesBackEverythingItHeld() {
        Effects fx = new Effects();
        ChainEntity c = SagaFixtures.active(fx);
        Effects start = new Effects();
        c.changeBySubstitution(WIDER, moved, TIMEOUT, T0.plusSeconds(60), start);
        Effects end = new Effects();
        c.requestTeardown(TIMEOUT, T0.plusSeconds(61), end);
        for (DomainCommand cmd : List.of(lastTo(end, WEST), lastTo(end, EAST))) {
            c.acknowledge(ack(cmd, true), T0.plusSeconds(62), end);
        }
        assertThat(c.state()).isEqualTo(ChainState.TERMINATED);
        assertThat(c.order().bandwidthMbps()).isEqualTo(100);
        assertThat(offers(fx, start, end)).isEmpty();
        assertThat(links(fx, start, end)).isEmpty();
        assertThat(end.carrying).last().satisfies(k -> assertThat(k.state()).isEqualTo(ChainState.TERMINATED));
    }

    @Test
    void whatAChainCarriesIsToldAtEveryStep() {
        Effects fx = new Effects();
        SagaFixtures.active(fx);
        assertThat(fx.carrying).extracting(Carriage::state).containsExactly(ChainState.SETTING_UP, ChainState.ACTIVE);
        assertThat(fx.carrying.get(1).chain().hops()).hasSize(2);
    }
}
