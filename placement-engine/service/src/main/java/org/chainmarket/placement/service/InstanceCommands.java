package org.chainmarket.placement.service;

import org.chainmarket.placement.model.RunningInstance;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.model.InstanceAck;
import org.chainmarket.schemas.model.InstanceCommand;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.PlacementPlan;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns a plan's decisions into instance commands: START → {@code InstanceStartRequested}; MOVE → a start of the new
 * instance, then the old one retired; STOP → the instance retired. An instance that carries no chains is stopped at
 * once; one that does is drained, and stopped ({@link #stopDrained}) only once a demand report that came after the
 * drain shows it empty; a stop the domain refuses (the instance still carries chains) waits for the next report
 * again. Not thread-safe: the service's planning thread owns it, as it owns the {@link MarketView}.
 */
final class InstanceCommands {
    /** Publishes one event (keyed) and makes it durable. */
    @FunctionalInterface
    interface Publisher {
        void publish(EventType type, String key, Object payload);
    }

    private record Drain(InstanceCommand command, String vnfType, int reportsAtDrain) {
    }

    private final MarketView view;
    private final Publisher publisher;
    private final Map<OfferId, Drain> drains = new LinkedHashMap<>();
    private final Map<String, Drain> stopping = new LinkedHashMap<>();
    private final AtomicLong sent = new AtomicLong();

    InstanceCommands(MarketView view, Publisher publisher) {
        this.view = view;
        this.publisher = publisher;
    }

    /** Commands sent so far (any thread may ask). */
    long sent() {
        return sent.get();
    }

    /** Sends the commands of one decision of plan {@code planId}. */
    void execute(String planId, PlacementPlan.Decision d) {
        switch (d.action()) {
            case START -> start(planId, d, d.offerId());
            case MOVE -> {
                start(planId, d, d.newOfferId());
                retire(planId, d, d.fromSiteId());
            }
            case STOP -> retire(planId, d, d.siteId());
        }
    }

    /** Stops every drained instance a later demand report shows empty. */
    void stopDrained() {
        for (var it = drains.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            Drain drain = e.getValue();
            if (view.reportsOf(drain.vnfType()) > drain.reportsAtDrain() && view.chainsOn(e.getKey()) == 0) {
                InstanceCommand c = drain.command();
                InstanceCommand stop = new InstanceCommand(UUID.randomUUID().toString(), c.planId(), c.decisionId(), c.providerId(),
                        InstanceCommand.Operation.STOP, c.offerId(), c.vnfType(), c.siteId(), "drained: it carries no chains any more", null);
                publisher.publish(EventType.INSTANCE_STOP_REQUESTED, c.providerId().value(), stop);
                sent.incrementAndGet();
                stopping.put(stop.commandId(), drain);
                if (stopping.size() > 1000) {
                    stopping.remove(stopping.keySet().iterator().next());
                }
                it.remove();
            }
        }
    }

    /** A domain's answer: a refused stop of a drained instance waits for the next demand report and is sent again. */
    void acknowledged(InstanceAck ack) {
        Drain drain = stopping.remove(ack.commandId());
        if (drain != null && !ack.success()) {
            drains.put(ack.offerId(), new Drain(drain.command(), drain.vnfType(), view.reportsOf(drain.vnfType())));
        }
    }

    private void start(String planId, PlacementPlan.Decision d, OfferId offerId) {
        view.starting(new RunningInstance(offerId, d.providerId(), d.siteId(), d.vnfType()));
        command(planId, d, InstanceCommand.Operation.START, offerId, d.siteId());
    }

    /** Stops an instance: at once when it carries no chains, else drains it and stops it once it is empty. */
    private void retire(String planId, PlacementPlan.Decision d, String siteId) {
        if (d.chainsToMove() == 0 && view.chainsOn(d.offerId()) == 0) {
            command(planId, d, InstanceCommand.Operation.STOP, d.offerId(), siteId);
            return;
        }
        InstanceCommand drain = command(planId, d, InstanceCommand.Operation.DRAIN, d.offerId(), siteId);
        view.draining(d.offerId());
        drains.put(d.offerId(), new Drain(drain, d.vnfType(), view.reportsOf(d.vnfType())));
    }

    private InstanceCommand command(String planId, PlacementPlan.Decision d, InstanceCommand.Operation op, OfferId offerId,
                                    String siteId) {
        InstanceCommand c = new InstanceCommand(UUID.randomUUID().toString(), planId, d.decisionId(), d.providerId(), op,
                offerId, d.vnfType(), siteId, d.reason(), null);
        EventType type = switch (op) {
            case START -> EventType.INSTANCE_START_REQUESTED;
            case DRAIN -> EventType.INSTANCE_DRAIN_REQUESTED;
            case STOP -> EventType.INSTANCE_STOP_REQUESTED;
        };
        publisher.publish(type, d.providerId().value(), c);
        sent.incrementAndGet();
        return c;
    }
}
