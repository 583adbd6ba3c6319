package org.chainmarket.placement.service;

import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.model.InstanceAck;
import org.chainmarket.schemas.model.InstanceCommand;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfDemand;
import org.chainmarket.schemas.model.VnfOffer;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a restarted service takes up from the commands and answers it reads back: a stop the domain refused (the
 * instance still carried chains) drains the instance again, and its stop goes out once a report after the restart
 * shows it empty; a stop still unanswered waits for its answer, and a refusal read after the restart drains again.
 */
class InstanceCommandsTest {
    private static final ProviderId WEST = ProviderId.of("west");
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private final MarketView view = new MarketView();
    private final List<InstanceCommand> sent = new ArrayList<>();
    private final InstanceCommands commands = new InstanceCommands(view, (EventType type, String key, Object payload) ->
            sent.add((InstanceCommand) payload));

    private static InstanceCommand command(String id, InstanceCommand.Operation op, OfferId offer) {
        return new InstanceCommand(id, "plan-1", "d-1", WEST, op, offer, "nat", "west-1", "site west-1 failed", null);
    }

    private static InstanceAck answer(InstanceCommand c, boolean success) {
        return new InstanceAck(c.commandId(), WEST, c.operation(), c.offerId(), success, success ? null : "still carries 1 chain", T0);
    }

    private void advertise(OfferId offer) {
        view.offer(new VnfOffer(offer, WEST, "nat", "west-1", 1000, 10, 0.4, 1.0, 0.001, 0.999, true, false, null, null));
    }

    private void reportEmpty(OfferId offer) {
        view.demand(new VnfDemand("nat", T0, T0.plusSeconds(300), List.of(),
                List.of(new VnfDemand.InstanceLoad(offer, WEST, "west-1", List.of()))));
    }

    @Test
    void aStopRefusedBeforeTheRestartDrainsAgainAndStopsOnceAReportAfterItShowsTheInstanceEmpty() {
        OfferId old = OfferId.of("west-nat-a");
        advertise(old);
        InstanceCommand drain = command("c-1", InstanceCommand.Operation.DRAIN, old);
        InstanceCommand stop = command("c-2", InstanceCommand.Operation.STOP, old);
        commands.recorded(drain);
        commands.recorded(stop);
        assertThat(commands.acknowledged(answer(stop, false))).as("an answer read back is not acted on before resume").isFalse();
        commands.resume();

        commands.stopDrained();
        assertThat(sent).as("no report since the restart: nothing sent").isEmpty();
        reportEmpty(old);
        commands.stopDrained();
        assertThat(sent).singleElement().satisfies(c -> {
            assertThat(c.operation()).isEqualTo(InstanceCommand.Operation.STOP);
            assertThat(c.offerId()).isEqualTo(old);
        });
    }

    @Test
    void aStopUnansweredAtTheRestartWaitsForItsAnswerAndARefusalDrainsAgain() {
        OfferId old = OfferId.of("west-nat-b");
        advertise(old);
        InstanceCommand stop = command("c-3", InstanceCommand.Operation.STOP, old);
        commands.recorded(command("c-1", InstanceCommand.Operation.DRAIN, old));
        commands.recorded(stop);
        commands.resume();
        reportEmpty(old);
        commands.stopDrained();
        assertThat(sent).as("the stop is under way: not sent again").isEmpty();

        assertThat(commands.acknowledged(answer(stop, false))).isTrue();
        commands.stopDrained();
        assertThat(sent).as("drained again: waits for a report after the refusal").isEmpty();
        reportEmpty(old);
        commands.stopDrained();
        assertThat(sent).singleElement().satisfies(c -> assertThat(c.operation()).isEqualTo(InstanceCommand.Operation.STOP));
    }
}
