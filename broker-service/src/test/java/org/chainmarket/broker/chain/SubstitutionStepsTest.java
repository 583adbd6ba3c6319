package org.chainmarket.broker.chain;

import org.chainmarket.schemas.model.Metric;
import org.chainmarket.schemas.model.SubjectKind;
import org.chainmarket.broker.registry.HealthBook;
import org.chainmarket.broker.registry.MarketReadModel;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.ChainState;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.InstanceStatus;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.Substitution;
import org.chainmarket.selection.SelectionResult;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.chainmarket.broker.chain.SagaFixtures.EAST;
import static org.chainmarket.broker.chain.SagaFixtures.T0;
import static org.chainmarket.broker.chain.SagaFixtures.TIMEOUT;
import static org.chainmarket.broker.chain.SagaFixtures.WEST;
import static org.chainmarket.broker.chain.SagaFixtures.ack;
import static org.chainmarket.broker.chain.SagaFixtures.lastTo;

/** Substitution on the chain itself, and the operator's checks, without Kafka or PostgreSQL. */
class SubstitutionStepsTest {
    private final ConcreteChain moved = SagaFixtures.chain("e-dpi2", "e2");

    @Test
    void aDegradationArrivingMidSetUpLeavesTheChainToFinishThenDegradesIt() {
        Effects fx = new Effects();
        ChainEntity c = SagaFixtures.settingUp(fx);
        assertThat(c.degrade(SagaFixtures.down("e-dpi"), T0.plusMillis(5), fx)).as("still setting up").isFalse();
        assertThat(c.state()).isEqualTo(ChainState.SETTING_UP);
        c.acknowledge(ack(lastTo(fx, WEST), true), T0.plusMillis(20), fx);
        c.acknowledge(ack(lastTo(fx, EAST), true), T0.plusMillis(30), fx);
        assertThat(c.state()).isEqualTo(ChainState.ACTIVE);
        assertThat(c.degrade(SagaFixtures.down("e-dpi"), T0.plusSeconds(2), fx)).as("what the reconcile loop then does").isTrue();
        assertThat(c.state()).isEqualTo(ChainState.DEGRADED);
        assertThat(c.reason()).isEqualTo("Instance e-dpi is down (heartbeat 5.000 over 3.000)");
        assertThat(c.degrade(SagaFixtures.down("w-other"), T0.plusSeconds(2), new Effects())).as("a subject it does not use").isFalse();
    }

    @Test
    void makeBeforeBreakHoldsBothHopsUntilTheNewPathIsActive() {
        Effects fx = new Effects();
        ChainEntity c = SagaFixtures.active(fx);
        c.degrade(SagaFixtures.down("e-dpi"), T0.plusSeconds(1), fx);
        Effects sub = new Effects();
        c.substitute(SagaFixtures.down("e-dpi"), moved, Substitution.Policy.AUTOMATIC, TIMEOUT, T0.plusSeconds(1), sub);
        assertThat(c.state()).isEqualTo(ChainState.SUBSTITUTING);
        assertThat(sub.reserved).extracting(Effects.Hop::offerId).containsExactly("e-dpi2");
        assertThat(sub.released).isEmpty();
        assertThat(sub.commands()).as("only east's segments change").extracting(DomainCommand::providerId).containsExactly(EAST);
        c.acknowledge(ack(lastTo(sub, EAST), true), T0.plusSeconds(2), sub);
        assertThat(c.state()).isEqualTo(ChainState.ACTIVE);
        assertThat(c.concrete().hops().get(1).offerId()).isEqualTo(OfferId.of("e-dpi2"));
        assertThat(sub.released).extracting(Effects.Hop::offerId).containsExactly("e-dpi");
        assertThat(sub.links.stream().mapToDouble(Effects.LinkChange::mbps).sum()).as("both paths cross the same links").isZero();
    }

    @Test
    void aStaleAcknowledgementOfTheOldSetUpDoesNotCompleteASubstitution() {
        Effects fx = new Effects();
        ChainEntity c = SagaFixtures.settingUp(fx);
        DomainCommand eastSetup = lastTo(fx, EAST);
        c.acknowledge(ack(lastTo(fx, WEST), true), T0.plusMillis(20), fx);
        c.acknowledge(ack(eastSetup, true), T0.plusMillis(30), fx);
        c.degrade(SagaFixtures.down("e-dpi"), T0.plusSeconds(1), fx);
        c.substitute(SagaFixtures.down("e-dpi"), moved, Substitution.Policy.AUTOMATIC, TIMEOUT, T0.plusSeconds(1), fx);
        assertThat(c.acknowledge(ack(eastSetup, true), T0.plusSeconds(2), fx)).isFalse();
        assertThat(c.state()).isEqualTo(ChainState.SUBSTITUTING);
    }

    @Test
    void approvingAfterTheChainEndedIsRefused() {
        Effects fx = new Effects();
        ChainEntity c = SagaFixtures.active(fx);
        c.degrade(SagaFixtures.hot("e-dpi"), T0.plusSeconds(1), fx);
        assertThat(c.propose(SagaFixtures.hot("e-dpi"), moved, T0.plusSeconds(1), fx)).isTrue();
        String proposal = c.substitutionId();
        c.requestTeardown(TIMEOUT, T0.plusSeconds(2), fx);
        assertThat(fx.messages).filteredOn(m -> m.payload() instanceof Substitution s && s.substitutionId().equals(proposal))
                .extracting(m -> ((Substitution) m.payload()).status()).last().isEqualTo(Substitution.Status.SUPERSEDED);
        assertThatThrownBy(() -> c.approve(proposal, moved, TIMEOUT, T0.plusSeconds(3), new Effects()))
                .isInstanceOf(OperationConflictException.class).hasMessageContaining("TEARING_DOWN");
        c.acknowledge(ack(lastTo(fx, WEST), true), T0.plusSeconds(4), fx);
        c.acknowledge(ack(lastTo(fx, EAST), true), T0.plusSeconds(4), fx);
        assertThat(c.state()).isEqualTo(ChainState.TERMINATED);
        assertThatThrownBy(() -> c.substitute(SagaFixtures.hot("e-dpi"), moved, Substitution.Policy.AUTOMATIC, TIMEOUT, T0.plusSeconds(5), new Effects()))
                .isInstanceOf(OperationConflictException.class);
    }

    @Test
    void noAlternativeFailsAChainWhoseHopIsDownAndKeepsOneThatIsOnlyHot() {
        Effects fx = new Effects();
        ChainEntity hot = SagaFixtures.active(fx);
        hot.degrade(SagaFixtures.hot("e-dpi"), T0.plusSeconds(1), fx);
        hot.noAlternative(SagaFixtures.hot("e-dpi"), Substitution.Policy.AUTOMATIC, "nothing fits", T0.plusSeconds(1), fx);
        assertThat(hot.state()).isEqualTo(ChainState.DEGRADED);
        Effects fx2 = new Effects();
        ChainEntity down = SagaFixtures.active(fx2);
        down.degrade(SagaFixtures.down("e-dpi"), T0.plusSeconds(1), fx2);
        down.noAlternative(SagaFixtures.down("e-dpi"), Substitution.Policy.AUTOMATIC, "nothing fits", T0.plusSeconds(1), fx2);
        assertThat(down.state()).isEqualTo(ChainState.FAILED);
        assertThat(down.reason()).contains("is down").contains("no substitute fits");
    }

    @Test
    void rollingBackOntoASubjectStillDegradedOrDownIsRefused() {
        HealthBook health = new HealthBook(new MarketReadModel());
        ConcreteChain before = SagaFixtures.chain("e-dpi", "e1");
        Substitution completed = new Substitution("s-1", ChainId.of("c-1"), "acme", Substitution.Policy.AUTOMATIC, Substitution.Status.COMPLETED,
                "done", SagaFixtures.hot("e-dpi"), before, moved, List.of(1), T0, T0, T0, 10L, null, null, null);
        health.degraded(SagaFixtures.hot("e-dpi"));
        assertThat(Proposals.refusal(completed, moved.hops(), health)).hasValueSatisfying(why -> assertThat(why).contains("still degraded"));
        health.cleared(SubjectKind.INSTANCE, "e-dpi", "load");
        assertThat(Proposals.refusal(completed, moved.hops(), health)).isEmpty();
        health.reported(SubjectKind.INSTANCE, "e-dpi", InstanceStatus.DOWN, List.of());
        assertThat(Proposals.refusal(completed, moved.hops(), health)).as("monitoring's context says down").isPresent();
        health.reported(SubjectKind.INSTANCE, "e-dpi", InstanceStatus.UP, List.of());
        health.degraded(new Substitution.Trigger(SubjectKind.LINK, "e1|w2", null, Metric.of("loss"), 0.1, 0.01, false, T0, List.of()));
        assertThat(Proposals.refusal(completed, moved.hops(), health)).hasValueSatisfying(why -> assertThat(why).contains("e1|w2"));
        assertThat(Proposals.refusal(completed, before.hops(), health)).as("the chain changed since")
                .hasValueSatisfying(why -> assertThat(why).contains("changed since"));
    }

    @Test
    void oneOwnerOfHealthNeitherStreamOverwritesTheOther() {
        MarketReadModel market = new MarketReadModel();
        HealthBook health = new HealthBook(market);
        health.degraded(SagaFixtures.down("e-dpi"));
        health.reported(SubjectKind.INSTANCE, "e-dpi", InstanceStatus.UP, List.of());
        assertThat(health.health(SubjectKind.INSTANCE, "e-dpi")).as("context UP does not undo a fatal degradation").isEqualTo(MarketReadModel.Health.OUT);
        assertThat(market.isOfferDegraded(OfferId.of("e-dpi"))).isTrue();
        health.cleared(SubjectKind.INSTANCE, "e-dpi", "heartbeat");
        assertThat(market.isOfferDegraded(OfferId.of("e-dpi"))).isFalse();
        health.reported(SubjectKind.INSTANCE, "e-dpi", InstanceStatus.DOWN, List.of());
        health.degraded(SagaFixtures.hot("e-dpi"));
        health.cleared(SubjectKind.INSTANCE, "e-dpi", "load");
        assertThat(health.health(SubjectKind.INSTANCE, "e-dpi")).as("a cleared metric does not undo context DOWN").isEqualTo(MarketReadModel.Health.OUT);
    }

    /**
     * A replica that never read a link's degradation event (another replica's partition, or before its restart) has
     * monitoring's context of it: degraded, with the metrics degraded now. A lossy link is left out of selection as
     * the loss event would leave it out, a link hot from its utilization is only priced by its load.
     */
    @Test
    void theContextsDegradedMetricsWeighAsTheirDegradationEventsWould() {
        MarketReadModel market = new MarketReadModel();
        HealthBook health = new HealthBook(market);
        health.reported(SubjectKind.LINK, "e1|w2", InstanceStatus.DEGRADED, List.of(Metric.of("loss")));
        assertThat(health.health(SubjectKind.LINK, "e1|w2")).as("lossy").isEqualTo(MarketReadModel.Health.OUT);
        health.reported(SubjectKind.LINK, "e1|w2", InstanceStatus.DEGRADED, List.of(Metric.of("utilization")));
        assertThat(health.health(SubjectKind.LINK, "e1|w2")).as("busy").isEqualTo(MarketReadModel.Health.HOT);
        health.reported(SubjectKind.LINK, "e1|w2", InstanceStatus.UP, List.of());
        assertThat(health.health(SubjectKind.LINK, "e1|w2")).isEqualTo(MarketReadModel.Health.OK);
        assertThat(market.isLinkDegraded("e1|w2")).isFalse();
    }

    @Test
    void aReselectionThatChangesNothingIsNoSubstitute() {
        ConcreteChain now = SagaFixtures.chain("e-dpi", "e1");
        assertThat(Reselection.changesNothing(now, new SelectionResult.Selected(now, 1, null))).isTrue();
        assertThat(Reselection.changesNothing(now, new SelectionResult.Selected(moved, 1, null))).isFalse();
    }

    /** A chain over its 20 ms bound, measured at 35 ms, its DPI the slowest part. */
    private static Substitution.Trigger overBound() {
        return new Substitution.Trigger(SubjectKind.SLA, "instance e-dpi", "east", null, 35.0, 20.0, false, T0.plusSeconds(1), List.of());
    }

    @Test
    void aChainOverItsBoundIsSwitchedFromActiveMakeBeforeBreakAndStaysRunning() {
        Effects fx = new Effects();
        ChainEntity c = SagaFixtures.active(fx);
        Effects sub = new Effects();
        SubstitutionEntity s = c.substituteOverBound(overBound(), moved, Substitution.Policy.AUTOMATIC, TIMEOUT, T0.plusSeconds(1), sub);
        assertThat(c.state()).as("switched from ACTIVE, never DEGRADED").isEqualTo(ChainState.SUBSTITUTING);
        assertThat(s.toRecord().trigger().kind()).isEqualTo(SubjectKind.SLA);
        assertThat(sub.reserved).extracting(Effects.Hop::offerId).containsExactly("e-dpi2");
        c.acknowledge(ack(lastTo(sub, EAST), true), T0.plusSeconds(2), sub);
        assertThat(c.state()).isEqualTo(ChainState.ACTIVE);
        assertThat(c.concrete().hops().get(1).offerId()).isEqualTo(OfferId.of("e-dpi2"));
        assertThat(s.status()).isEqualTo(Substitution.Status.COMPLETED);
        assertThat(sub.released).extracting(Effects.Hop::offerId).containsExactly("e-dpi");
    }

    @Test
    void aChainOverItsBoundNeedingApprovalIsDegradedWithAProposal() {
        Effects fx = new Effects();
        ChainEntity c = SagaFixtures.active(fx);
        Effects sub = new Effects();
        SubstitutionEntity s = c.substituteOverBound(overBound(), moved, Substitution.Policy.APPROVAL, TIMEOUT, T0.plusSeconds(1), sub);
        assertThat(c.state()).isEqualTo(ChainState.DEGRADED);
        assertThat(c.reason()).isEqualTo("The chain measured 35.00 ms end to end, over its 20.00 ms bound; slowest part instance e-dpi");
        assertThat(s.status()).isEqualTo(Substitution.Status.PROPOSED);
        assertThat(sub.reserved).as("nothing reserved before approval").isEmpty();
    }

    @Test
    void aChainNothingBringsWithinItsBoundIsRecordedAndRunsOnActive() {
        Effects fx = new Effects();
        ChainEntity c = SagaFixtures.active(fx);
        Effects none = new Effects();
        SubstitutionEntity s = c.noneMeetsBound(overBound(), Substitution.Policy.AUTOMATIC, "no chain that avoids instance e-dpi fits", T0.plusSeconds(1), none);
        assertThat(c.state()).isEqualTo(ChainState.ACTIVE);
        assertThat(c.reason()).isNull();
        assertThat(s.toRecord().status()).isEqualTo(Substitution.Status.NO_ALTERNATIVE);
        assertThat(s.toRecord().outcome()).isEqualTo("no chain that avoids instance e-dpi fits");
        assertThat(none.commands()).isEmpty();
        assertThat(none.reserved).isEmpty();
        assertThat(none.released).isEmpty();
        c.degrade(SagaFixtures.down("e-dpi"), T0.plusSeconds(2), new Effects());
        assertThatThrownBy(() -> c.noneMeetsBound(overBound(), Substitution.Policy.AUTOMATIC, "x", T0.plusSeconds(3), new Effects()))
                .as("only a running ACTIVE chain").isInstanceOf(OperationConflictException.class);
    }

    /**
     * A chain turned DEGRADED awaits a decision from then on (the reconcile loop decides for it once that is older than
     * its grace); a proposal, a substitution, no alternative, a recovery or the chain's end each clear it, so a chain
     * with a decision is not re-selected again.
     */
    @Test
    void aDegradedChainAwaitsADecisionUntilOneIsRecordedOrItLeavesDegraded() {
        java.util.function.Supplier<ChainEntity> degraded = () -> {
            ChainEntity c = SagaFixtures.active(new Effects());
            assertThat(c.awaitingDecisionSince()).as("ACTIVE").isNull();
            assertThat(c.degrade(SagaFixtures.hot("e-dpi"), T0.plusSeconds(1), new Effects())).isTrue();
            assertThat(c.awaitingDecisionSince()).isEqualTo(T0.plusSeconds(1));
            assertThat(c.undecidedSince(T0.plusSeconds(1))).as("within the grace").isFalse();
            assertThat(c.undecidedSince(T0.plusSeconds(7))).as("past it").isTrue();
            return c;
        };

        ChainEntity proposed = degraded.get();
        proposed.propose(SagaFixtures.hot("e-dpi"), moved, T0.plusSeconds(1), new Effects());
        assertThat(proposed.awaitingDecisionSince()).isNull();
        assertThat(proposed.undecidedSince(T0.plusSeconds(7))).as("a proposal waits for an operator, not for re-selection").isFalse();
        proposed.degrade(SagaFixtures.down("e-dpi"), T0.plusSeconds(8), new Effects());
        assertThat(proposed.awaitingDecisionSince()).as("degraded again by a new trigger: re-selected again").isEqualTo(T0.plusSeconds(8));

        ChainEntity none = degraded.get();
        none.noAlternative(SagaFixtures.hot("e-dpi"), Substitution.Policy.AUTOMATIC, "nothing fits", T0.plusSeconds(1), new Effects());
        assertThat(none.state()).isEqualTo(ChainState.DEGRADED);
        assertThat(none.undecidedSince(T0.plusSeconds(7))).as("no alternative is a decision").isFalse();

        ChainEntity substituting = degraded.get();
        substituting.substitute(SagaFixtures.hot("e-dpi"), moved, Substitution.Policy.AUTOMATIC, TIMEOUT, T0.plusSeconds(1), new Effects());
        assertThat(substituting.state()).isEqualTo(ChainState.SUBSTITUTING);
        assertThat(substituting.awaitingDecisionSince()).isNull();

        ChainEntity recovered = degraded.get();
        recovered.recover(SubjectKind.INSTANCE, "e-dpi", false, T0.plusSeconds(2), new Effects());
        assertThat(recovered.state()).isEqualTo(ChainState.ACTIVE);
        assertThat(recovered.awaitingDecisionSince()).isNull();

        ChainEntity ended = degraded.get();
        ended.requestTeardown(TIMEOUT, T0.plusSeconds(2), new Effects());
        assertThat(ended.awaitingDecisionSince()).isNull();

        ChainEntity failed = degraded.get();
        failed.noAlternative(SagaFixtures.down("e-dpi"), Substitution.Policy.AUTOMATIC, "nothing fits", T0.plusSeconds(1), new Effects());
        assertThat(failed.state()).isEqualTo(ChainState.FAILED);
        assertThat(failed.awaitingDecisionSince()).isNull();
    }
}
