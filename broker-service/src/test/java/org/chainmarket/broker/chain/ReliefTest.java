package org.chainmarket.broker.chain;

import org.chainmarket.broker.registry.HealthBook;
import org.chainmarket.broker.registry.MarketReadModel;
import org.chainmarket.broker.registry.MarketReadModel.Health;
import org.chainmarket.schemas.model.Metric;
import org.chainmarket.schemas.model.SubjectKind;
import org.chainmarket.schemas.model.Substitution;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** How much a hot instance or link is relieved of, and which degradations empty a subject instead. */
class ReliefTest {
    private static final double RELIEVE_TO = 0.7;

    private static Substitution.Trigger trigger(String metric, double value, boolean fatal) {
        return new Substitution.Trigger(SubjectKind.INSTANCE, "east-fw-nyc", "east", Metric.of(metric), value, 0.85, fatal, Instant.now(), List.of());
    }

    @Test
    void aFullInstanceShedsDownToItsClearThreshold() {
        // three 100 Mbit/s chains fill 300 Mbit/s: load 1.0, cleared at 0.7, so 90 Mbit/s (one chain) must go
        double shed = Relief.mbpsToShed(trigger("load", 1.0, false), 0.7, RELIEVE_TO,
                new MarketReadModel.Load(300, 300, 1.0));
        assertThat(shed).isCloseTo(90, within(1e-9));
    }

    @Test
    void aClearThresholdUnderRelieveToWins() {
        double shed = Relief.mbpsToShed(trigger("utilization", 0.95, false), 0.5, RELIEVE_TO,
                new MarketReadModel.Load(1000, 950, 0.95));
        assertThat(shed).isCloseTo(450, within(1e-9));
    }

    @Test
    void loadFromOutsideTheMarketplaceMovesEveryChain() {
        // 30 Mbit/s of chains on an instance measured at 0.95: 0.85 is someone else's, more than the level to reach
        double shed = Relief.mbpsToShed(trigger("cpu", 0.95, false), 0.75, RELIEVE_TO,
                new MarketReadModel.Load(300, 30, 0.95));
        assertThat(shed).isCloseTo(30, within(1e-9));
    }

    @Test
    void aProcessingDelayIsJudgedByTheMeasuredLoad() {
        // the delay (ms) says nothing of the share in use: monitoring's measured load 0.9 does, relieved to 0.7
        double shed = Relief.mbpsToShed(trigger("processingDelayMs", 40, false), 15, RELIEVE_TO,
                new MarketReadModel.Load(300, 270, 0.9));
        assertThat(shed).isCloseTo(60, within(1e-9));
    }

    @Test
    void anInstanceAlreadyUnderTheLevelShedsNothing() {
        double shed = Relief.mbpsToShed(trigger("processingDelayMs", 40, false), 15, RELIEVE_TO,
                new MarketReadModel.Load(300, 150, 0.5));
        assertThat(shed).isNotPositive();
    }

    @Test
    void downOrUnfitSubjectsAreLeftOutAndHotOnesStayOpen() {
        assertThat(HealthBook.health(List.of())).isEqualTo(Health.OK);
        assertThat(HealthBook.health(List.of(trigger("load", 0.9, false), trigger("cpu", 0.9, false)))).isEqualTo(Health.HOT);
        assertThat(HealthBook.health(List.of(trigger("load", 0.9, false), trigger("heartbeat", 5, true)))).isEqualTo(Health.OUT);
        assertThat(HealthBook.health(List.of(trigger("loss", 0.05, false)))).as("loss is not cured by moving chains")
                .isEqualTo(Health.OUT);
    }
}
