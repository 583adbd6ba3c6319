package org.chainmarket.placement.service;

import org.chainmarket.placement.model.RunningInstance;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.model.InstanceAck;
import org.chainmarket.schemas.model.InstanceCommand;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.PlacementPlan;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns a plan's decisions into instance commands: START → {@code InstanceStartRequested}; MOVE → a start of the new
 * instance, then the old one retired; STOP → the instance retired. An instance that carries no chains is stopped at
 * once; one that does is drained, and stopped ({@link #stopDrained}) only once a demand report that came after the
 * drain shows it empty; a stop the domain refuses (the instance still carries chains) waits for the next report
 * again. Not thread-safe: the service's planning thread owns it, as it owns the {@link MarketView}.
 *
 * <p><b>Across a restart</b> the service's own commands and the domains' answers are read again from their topics
 * ({@link #recorded}, {@link #acknowledged} before {@link #resume}); each instance's last command then says what was
 * under way: a start not answered yet counts as starting (so the next plan does not start another), a drain not
 * followed by a stop is resumed (stopped once a report after the restart shows it empty), a stop not answered yet
 * waits for its answer, and a refused stop drains again. After {@link #resume} the commands read back are this
 * service's own, already known, and are ignored.
 */
final class InstanceCommands {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceCommands.class);
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
    /** False while the commands and answers sent before this start are read again. */
    private boolean resumed;
    private final Map<OfferId, InstanceCommand> lastCommand = new LinkedHashMap<>();
    private final Map<String, InstanceAck> answers = new HashMap<>();
    /** The decisions whose commands were read again at start: carried out before this start. */
    private final Set<String> carriedOut = new HashSet<>();

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

    /**
     * A domain's answer: a refused stop of a drained instance waits for the next demand report and is sent again.
     * False (nothing done yet) for an answer read again at start, before {@link #resume}.
     */
    boolean acknowledged(InstanceAck ack) {
        if (!resumed) {
            answers.put(ack.commandId(), ack);
            return false;
        }
        Drain drain = stopping.remove(ack.commandId());
        if (drain != null && !ack.success()) {
            redrain(drain.command());
        }
        return true;
    }

    /** A command read from a provider's command topic: at start, one this service sent before it stopped. */
    void recorded(InstanceCommand c) {
        if (!resumed) {
            carriedOut.add(c.decisionId());
            lastCommand.remove(c.offerId()); // the newest last, whatever came before
            lastCommand.put(c.offerId(), c);
        }
    }

    /** Whether a command of decision {@code decisionId} was sent before this start (read again before {@link #resume}). */
    boolean carriedOutBefore(String decisionId) {
        return carriedOut.contains(decisionId);
    }

    /** Once the topics were read up to their end at start: takes up what the commands sent before left under way. */
    void resume() {
        resumed = true;
        int starts = 0;
        int draining = 0;
        int stops = 0;
        for (InstanceCommand c : lastCommand.values()) {
            InstanceAck answer = answers.get(c.commandId());
            boolean advertised = view.advertises(c.offerId());
            switch (c.operation()) {
                case START -> {
                    if (answer == null && !advertised) {
                        view.starting(new RunningInstance(c.offerId(), c.providerId(), c.siteId(), c.vnfType()));
                        starts++;
                    }
                }
                case DRAIN -> {
                    if (advertised) {
                        redrain(c);
                        draining++;
                    }
                }
                case STOP -> {
                    if (answer == null && advertised) {
                        stopping.put(c.commandId(), new Drain(c, c.vnfType(), view.reportsOf(c.vnfType())));
                        stops++;
                    } else if (answer != null && !answer.success() && advertised) {
                        redrain(c);
                        draining++;
                    }
                }
            }
        }
        lastCommand.clear();
        answers.clear();
        if (starts + draining + stops > 0) {
            LOG.info("placement-engine resumed what it had under way: {} starts not answered yet, {} drains, {} stops not answered yet",
                    starts, draining, stops);
        }
    }

    /** Drains {@code c}'s instance (again): stopped once a demand report from now on shows it empty. */
    private void redrain(InstanceCommand c) {
        view.draining(c.offerId());
        drains.put(c.offerId(), new Drain(c, c.vnfType(), view.reportsOf(c.vnfType())));
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
