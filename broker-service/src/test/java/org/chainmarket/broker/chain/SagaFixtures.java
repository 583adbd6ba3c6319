package org.chainmarket.broker.chain;

import org.chainmarket.schemas.model.Metric;

import org.chainmarket.schemas.model.SubjectKind;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.DomainSegment;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.Substitution;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A firewall → DPI chain from west's switch w1 to east's switch e2, 100 Mbit/s: the firewall on west's w2, the DPI
 * on east's e1 (offer e-dpi) or, as a substitute, on e2 (offer e-dpi2). Domains answer with {@link #ack}.
 */
final class SagaFixtures {
    static final ProviderId WEST = ProviderId.of("west");
    static final ProviderId EAST = ProviderId.of("east");
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final ChainOrder ORDER = new ChainOrder("acme", List.of("firewall", "dpi"), "w1", "e2", 100, 50, 20, List.of(), List.of());

    private SagaFixtures() {
    }

    static ConcreteChain chain(String dpiOffer, String dpiSwitch) {
        List<ConcreteChain.Hop> hops = List.of(
                new ConcreteChain.Hop(0, "firewall", OfferId.of("w-fw"), WEST, "w-site", "w2", 0.1, 1),
                new ConcreteChain.Hop(1, "dpi", OfferId.of(dpiOffer), EAST, "e-site-" + dpiSwitch, dpiSwitch, 0.2, 2));
        List<ConcreteChain.PathNode> path = dpiSwitch.equals("e1")
                ? List.of(node("w1", WEST, null), node("w2", WEST, 0), node("e1", EAST, 1), node("e2", EAST, null))
                : List.of(node("w1", WEST, null), node("w2", WEST, 0), node("e1", EAST, null), node("e2", EAST, 1));
        List<DomainSegment> segments = List.of(
                new DomainSegment(WEST, 0, 0, new DomainSegment.Attachment("w1", null),
                        List.of(new DomainSegment.Waypoint(0, OfferId.of("w-fw"), "w2")), new DomainSegment.Attachment("w2", "e1")),
                new DomainSegment(EAST, 1, 1, new DomainSegment.Attachment("e1", "w2"),
                        List.of(new DomainSegment.Waypoint(1, OfferId.of(dpiOffer), dpiSwitch)), new DomainSegment.Attachment("e2", null)));
        return new ConcreteChain(hops, path, segments, 12.5, 3);
    }

    private static ConcreteChain.PathNode node(String sw, ProviderId p, Integer hop) {
        return new ConcreteChain.PathNode(sw, p, hop);
    }

    static ChainEntity settingUp(Effects fx) {
        return ChainEntity.settingUp(ChainId.of("c-1"), ORDER, chain("e-dpi", "e1"), TIMEOUT, T0, fx);
    }

    /** The last command sent to {@code provider}. */
    static DomainCommand lastTo(Effects fx, ProviderId provider) {
        List<DomainCommand> to = fx.commands().stream().filter(c -> c.providerId().equals(provider)).toList();
        return to.get(to.size() - 1);
    }

    static DomainAck ack(DomainCommand c, boolean success) {
        return new DomainAck(c.commandId(), c.chainId(), c.providerId(), c.operation(), success, success ? null : "no room",
                List.of(), T0.plusMillis(10));
    }

    /** A chain set up and ACTIVE. */
    static ChainEntity active(Effects fx) {
        ChainEntity c = settingUp(fx);
        c.acknowledge(ack(lastTo(fx, WEST), true), T0.plusMillis(20), fx);
        c.acknowledge(ack(lastTo(fx, EAST), true), T0.plusMillis(30), fx);
        return c;
    }

    static final Duration PATIENCE = Duration.ofSeconds(60);

    /** The delivery clock with every command of {@code fx} handed to Kafka at {@code at}, and Kafka reachable. */
    static Delivery sent(Effects fx, Instant at) {
        return new Delivery(TIMEOUT, PATIENCE, true, Instant.EPOCH,
                fx.commands().stream().collect(java.util.stream.Collectors.toMap(DomainCommand::commandId, c -> at)));
    }

    static Substitution.Trigger down(String offer) {
        return new Substitution.Trigger(SubjectKind.INSTANCE, offer, "east", Metric.HEARTBEAT, 5.0, 3.0, true, T0.plusSeconds(1), List.of());
    }

    static Substitution.Trigger hot(String offer) {
        return new Substitution.Trigger(SubjectKind.INSTANCE, offer, "east", Metric.LOAD, 0.95, 0.85, false, T0.plusSeconds(1), List.of());
    }
}
