package org.chainmarket.placement.service;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.chainmarket.placement.PlacementEngine;
import org.chainmarket.placement.model.PlacementProblem;
import org.chainmarket.placement.solver.SolverPlanner;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.FieldError;
import org.chainmarket.schemas.events.InvalidInputException;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.kafka.ConsumerSettings;
import org.chainmarket.schemas.kafka.EventConsumer;
import org.chainmarket.schemas.kafka.KafkaClients;
import org.chainmarket.schemas.model.CatalogueEntry;
import org.chainmarket.schemas.model.ChainEvent;
import org.chainmarket.schemas.model.ChainState;
import org.chainmarket.schemas.model.InstanceAck;
import org.chainmarket.schemas.model.InstanceCommand;
import org.chainmarket.schemas.model.InstanceContext;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.PlacementPlan;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfDemand;
import org.chainmarket.schemas.model.VnfOffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The placement service: keeps a {@link MarketView} from the domain, catalogue, offer, instance context and demand
 * topics (read from the beginning at every start, with its own instance commands, the domains' answers and its own
 * plans, so that it takes up what it had under way: {@link InstanceCommands#resume}, and the decisions that waited
 * for approval), watches chain events (consumer group
 * {@value #GROUP_ID}, from the end when the group is new), and re-plans with the solver every {@code period}, and
 * sooner when a trigger fires: capacity rejections since the last plan reaching {@code rejectionThreshold} (counted
 * from demand reports and {@code ChainRejected} events), or a site failing (every instance at it {@code DOWN}). It
 * publishes each feasible plan as {@code PlacementPlanned}; the decisions of providers whose policy is automatic become
 * commands at once ({@link InstanceCommands}), the others wait for approval ({@link #approve}, over the
 * {@link ApprovalApi}): always the newest plan's, a decision proposed again keeping its id.
 *
 * <p>Reading is the shared {@link EventConsumer}: every record is validated, and an invalid one goes to its topic's DLQ
 * (catalogue, demand and the domains' answers, which only this service reads, by its table reader; chain events by its
 * group; the domains, offers and contexts the broker dead-letters, and the commands the adapters do, so this service
 * skips and counts them). The
 * consumers' threads only decode; each event becomes a task on one queue, and one planning thread applies the tasks in
 * order, plans and sends commands, so the view and the planner's state have a single owner.
 */
public final class PlacementService implements AutoCloseable {
    /** The {@code ce_source} of everything the service publishes. */
    public static final String SOURCE = "/placement-engine";
    /** The consumer group that reads chain events and acknowledgements. */
    public static final String GROUP_ID = "placement-engine";
    private static final Logger LOG = LoggerFactory.getLogger(PlacementService.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** How many plans {@link #recentPlans} keeps. */
    private static final int RECENT = 20;
    /** How long an instance carries no chain before a plan may stop it, unless configured. */
    public static final Duration DEFAULT_IDLE_GRACE = Duration.ofMinutes(2);

    /**
     * How the service runs.
     *
     * @param period              re-plan at least this often
     * @param minGap              no two plans closer than this (triggers wait)
     * @param rejectionThreshold  capacity rejections since the last plan that trigger a re-plan
     * @param needsApproval       providers whose decisions wait for approval (all others: automatic)
     * @param defaultMaxLatencyMs latency bound of demand that states none
     * @param httpPort            port of the approval API (0: any free port; negative: none)
     * @param clientOverrides     applied last to every Kafka client (a real cluster's security settings)
     * @param demandHorizon       rejected demand no plan has used yet is dropped when older than this
     * @param idleGrace           an instance is stopped only once it has carried no chain (nor started) for this long
     */
    public record Config(String bootstrapServers, Duration period, Duration minGap, int rejectionThreshold,
                         Set<ProviderId> needsApproval, double defaultMaxLatencyMs, PlacementEngine engine, int httpPort,
                         Map<String, ?> clientOverrides, Clock clock, Duration demandHorizon, Duration idleGrace) {
        public Config {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            demandHorizon = demandHorizon == null ? MarketView.DEFAULT_DEMAND_HORIZON : demandHorizon;
            idleGrace = idleGrace == null ? DEFAULT_IDLE_GRACE : idleGrace;
            needsApproval = Set.copyOf(needsApproval);
            clientOverrides = clientOverrides == null ? Map.of() : Map.copyOf(clientOverrides);
            clock = clock == null ? Clock.systemUTC() : clock;
            if (rejectionThreshold < 1) {
                throw new IllegalArgumentException("rejectionThreshold must be >= 1, got " + rejectionThreshold);
            }
        }

        /**
         * Every 5 minutes, at most every 5 s, 10 rejections, everybody automatic, 20 ms, API on port 8090, rejections
         * kept 15 minutes, idle grace 2 minutes.
         */
        public static Config defaults(String bootstrapServers) {
            return new Config(bootstrapServers, Duration.ofMinutes(5), Duration.ofSeconds(5), 10, Set.of(), 20,
                    PlacementEngine.defaults(), 8090, Map.of(), null, null, null);
        }

        public Config with(Duration period, Duration minGap, int rejectionThreshold, Set<ProviderId> needsApproval, int httpPort) {
            return new Config(bootstrapServers, period, minGap, rejectionThreshold, needsApproval, defaultMaxLatencyMs, engine,
                    httpPort, clientOverrides, clock, demandHorizon, idleGrace);
        }

        public Config withClientOverrides(Map<String, ?> clientOverrides) {
            return new Config(bootstrapServers, period, minGap, rejectionThreshold, needsApproval, defaultMaxLatencyMs, engine,
                    httpPort, clientOverrides, clock, demandHorizon, idleGrace);
        }

        /** The same with this demand horizon and idle grace. */
        public Config withDemandHorizonAndIdleGrace(Duration demandHorizon, Duration idleGrace) {
            return new Config(bootstrapServers, period, minGap, rejectionThreshold, needsApproval, defaultMaxLatencyMs, engine,
                    httpPort, clientOverrides, clock, demandHorizon, idleGrace);
        }
    }

    private record Pending(String planId, PlacementPlan.Decision decision) {
    }

    private final Config config;
    private final KafkaProducer<String, byte[]> producer;
    private final EventConsumer othersTables;
    private final EventConsumer ownTables;
    private final EventConsumer events;
    private final BlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
    private final Deque<PlacementPlan> recent = new ArrayDeque<>();
    private final AtomicLong plans = new AtomicLong();
    private final Thread planner = new Thread(this::planLoop, "placement-engine");
    private volatile boolean running;
    private ApprovalApi api;
    // owned by the planning thread
    private final MarketView view;
    private final InstanceCommands commands;
    private final Map<String, Pending> awaiting = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private int rejections;
    private PlacementPlan.Trigger trigger;
    private long lastPlan;
    private int seq;
    /** False while what was published before this start is read again. */
    private boolean resumed;
    /** The capacity rejections of the demand reports read again at start. */
    private final List<Rejections> readBack = new ArrayList<>();

    public PlacementService(Config config) {
        this.config = Objects.requireNonNull(config, "config");
        String kafka = config.bootstrapServers();
        view = new MarketView(config.clock(), config.demandHorizon(), config.idleGrace());
        producer = KafkaClients.producer(kafka, "placement-engine-out", config.clientOverrides());
        commands = new InstanceCommands(view, this::send);
        // the instance commands this service sent before (read back at start to resume what was under way; the adapters
        // dead-letter an invalid one) and the domains' answers are tables too
        othersTables = consumer(ConsumerSettings.table("placement-engine-market", kafka, List.of(Topics.PROVIDER_DOMAINS,
                Topics.OFFERS, Topics.INSTANCE_CONTEXT, Topics.PLACEMENT_COMMANDS)));
        // its own plans are read back at start too: the last one's decisions still waiting for approval wait again
        ownTables = consumer(ConsumerSettings.table("placement-engine-demand", kafka, List.of(Topics.CATALOGUE,
                Topics.PLACEMENT_DEMAND, Topics.PLACEMENT_ACKS, Topics.PLACEMENT_PLANS)).withDeadLetters());
        events = consumer(ConsumerSettings.group("placement-engine-events", kafka, GROUP_ID, List.of(Topics.CHAIN_EVENTS))
                .withNewGroupAtEnd());
        planner.setDaemon(true);
    }

    private EventConsumer consumer(ConsumerSettings settings) {
        return new EventConsumer(settings.withClientOverrides(config.clientOverrides()), producer, () -> this::receive);
    }

    /**
     * Starts reading and returns once the topics read from the beginning have been read up to their end, the group
     * has its partitions and what was under way before this start is taken up (commands, decisions waiting for
     * approval); then starts planning and the approval API.
     *
     * @throws IllegalStateException when Kafka does not answer within 60 s
     */
    public void start() {
        running = true;
        List<EventConsumer> consumers = List.of(othersTables, ownTables, events);
        consumers.forEach(EventConsumer::start);
        for (EventConsumer c : consumers) {
            if (!c.awaitReady(START_TIMEOUT)) {
                close();
                throw new IllegalStateException("placement-engine did not read " + c.settings().topics() + " within "
                        + START_TIMEOUT.toSeconds() + " s from " + config.bootstrapServers());
            }
        }
        // everything sent before this start has been read (and queued ahead of this): take up what it left under way
        CountDownLatch resumedNow = new CountDownLatch(1);
        inbox.add(() -> {
            resume();
            resumedNow.countDown();
        });
        lastPlan = config.clock().millis();
        planner.start();
        try {
            if (!resumedNow.await(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                LOG.warn("placement-engine took over {} s to take up what was under way", START_TIMEOUT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (config.httpPort() >= 0) {
            api = new ApprovalApi(this, config.httpPort());
        }
        LOG.info("placement-engine started on {}: period {}, rejection threshold {}, approval needed by {}",
                config.bootstrapServers(), config.period(), config.rejectionThreshold(), config.needsApproval());
    }

    /** Asks for a plan now (trigger {@code REQUESTED}). */
    public void requestPlan() {
        inbox.add(() -> fire(PlacementPlan.Trigger.REQUESTED));
    }

    /**
     * Approves a decision waiting for its provider: its commands are sent. False if no such decision waits (unknown,
     * approved already, or superseded by a newer plan).
     */
    public boolean approve(String decisionId) {
        CountDownLatch done = new CountDownLatch(1);
        boolean[] found = new boolean[1];
        inbox.add(() -> {
            Pending p = awaiting.remove(decisionId);
            if (p != null) {
                commands.execute(p.planId(), p.decision());
                found[0] = true;
            }
            done.countDown();
        });
        try {
            done.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return found[0];
    }

    /** The ids of the decisions waiting for approval, oldest first (any thread may ask). */
    public List<String> awaitingApproval() {
        synchronized (awaiting) {
            return List.copyOf(awaiting.keySet());
        }
    }

    /** The last 20 plans, newest first. */
    public List<PlacementPlan> recentPlans() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    public long plansPublished() {
        return plans.get();
    }

    public long commandsSent() {
        return commands.sent();
    }

    /** Records sent to a DLQ: invalid catalogue entries, demand reports, chain events and acknowledgements. */
    public long deadLettered() {
        return ownTables.invalid() + events.invalid();
    }

    /** Invalid domain, offer and context records skipped (the broker dead-letters them). */
    public long skipped() {
        return othersTables.invalid();
    }

    /** Whether it reads every topic and plans. */
    public boolean isRunning() {
        return running && planner.isAlive() && othersTables.isRunning() && ownTables.isRunning() && events.isRunning();
    }

    /** The approval API's port, or -1 without one. */
    public int httpPort() {
        return api == null ? -1 : api.port();
    }

    @Override
    public void close() {
        running = false;
        if (api != null) {
            api.close();
        }
        List.of(events, ownTables, othersTables).forEach(EventConsumer::close);
        try {
            planner.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(10));
        LOG.info("placement-engine stopped: {} plans, {} commands, {} dead-lettered", plansPublished(), commandsSent(), deadLettered());
    }

    /** On a consumer thread: decodes the event and hands its effect to the planning thread. */
    private void receive(CloudEvents.Event e, ConsumerRecord<String, byte[]> r) {
        switch (Topics.familyOf(r.topic())) {
            case Topics.PROVIDER_DOMAINS -> inbox.add(e.isTombstone() ? withdrawn(r, ProviderId::of, view::domainWithdrawn)
                    : effect(e.payload(ProviderDomain.class), view::domain));
            case Topics.CATALOGUE -> inbox.add(e.isTombstone() ? withdrawn(r, key -> key, view::catalogueEntryRemoved)
                    : effect(e.payload(CatalogueEntry.class), view::catalogueEntry));
            case Topics.OFFERS -> inbox.add(e.isTombstone() ? withdrawn(r, OfferId::of, id -> view.offerWithdrawn(id, topicOwner(r)))
                    : effect(e.payload(VnfOffer.class), view::offer));
            case Topics.INSTANCE_CONTEXT -> {
                if (!e.isTombstone()) {
                    inbox.add(effect(e.payload(InstanceContext.class), this::context));
                }
            }
            case Topics.PLACEMENT_DEMAND -> {
                VnfDemand d = e.payload(VnfDemand.class);
                inbox.add(() -> demand(d, Instant.ofEpochMilli(r.timestamp())));
            }
            case Topics.CHAIN_EVENTS -> {
                if (e.payload(ChainEvent.class).state() == ChainState.REJECTED) {
                    inbox.add(() -> rejected(1));
                }
            }
            case Topics.PLACEMENT_ACKS -> inbox.add(effect(e.payload(InstanceAck.class), this::acknowledged));
            case Topics.PLACEMENT_COMMANDS -> inbox.add(effect(e.payload(InstanceCommand.class), commands::recorded));
            case Topics.PLACEMENT_PLANS -> inbox.add(effect(e.payload(PlacementPlan.class), this::planReadBack));
            default -> LOG.debug("placement-engine ignores a record of {}", r.topic());
        }
    }

    /** The provider whose own topic carried {@code r}. */
    private static ProviderId topicOwner(ConsumerRecord<String, byte[]> r) {
        return ProviderId.of(Topics.providerOf(r.topic()).orElseThrow(() -> new IllegalStateException(r.topic() + " is no provider's topic")));
    }

    private static <T> Runnable effect(T payload, Consumer<T> effect) {
        return () -> effect.accept(payload);
    }

    /** The effect of a tombstone, whose key must be a valid id. */
    private static <K> Runnable withdrawn(ConsumerRecord<String, byte[]> r, Function<String, K> id, Consumer<K> effect) {
        try {
            return effect(id.apply(r.key()), effect);
        } catch (IllegalArgumentException ex) {
            throw new InvalidInputException("tombstone", List.of(new FieldError("key", ex.getMessage())));
        }
    }

    /**
     * Capacity rejections of a demand report read again at start, published at {@code at}.
     */
    private record Rejections(Instant at, int count) {
    }

    /**
     * A plan read from the plans topic: at start, one this service published before (kept as one of the recent plans,
     * the newest as the one whose waiting decisions wait again); after {@link #resume}, its own, already known.
     */
    private void planReadBack(PlacementPlan p) {
        if (resumed) {
            return;
        }
        // the plans of this start are numbered on from those before it: no plan, decision or new instance id is reused
        seq++;
        synchronized (recent) {
            recent.addFirst(p);
            List<PlacementPlan> newestFirst = recent.stream()
                    .sorted(java.util.Comparator.comparing(PlacementPlan::at).reversed()).limit(RECENT).toList();
            recent.clear();
            recent.addAll(newestFirst);
        }
    }

    /**
     * Once everything published before this start has been read: takes up the commands under way
     * ({@link InstanceCommands#resume}), and the last plan's decisions that were waiting for approval wait again, unless
     * a command of theirs was sent (approved before the stop) or their provider's policy is no longer to ask.
     */
    private void resume() {
        commands.resume();
        resumed = true;
        PlacementPlan last;
        synchronized (recent) {
            last = recent.peekFirst();
        }
        // the rejections a plan published before this start counted do not trigger another
        rejected(readBack.stream().filter(r -> last == null || r.at().isAfter(last.at())).mapToInt(Rejections::count).sum());
        readBack.clear();
        if (last == null) {
            return;
        }
        for (PlacementPlan.Decision d : last.decisions()) {
            if (d.approval() == PlacementPlan.Approval.AWAITING_APPROVAL && config.needsApproval().contains(d.providerId())
                    && !commands.carriedOutBefore(d.decisionId())) {
                awaiting.put(d.decisionId(), new Pending(last.planId(), d));
            }
        }
        if (!awaiting.isEmpty()) {
            LOG.info("placement-engine: {} decisions of {} wait for approval again", awaiting.size(), last.planId());
        }
    }

    private void context(InstanceContext c) {
        Set<String> before = view.failedSites();
        view.context(c);
        if (!before.containsAll(view.failedSites())) {
            fire(PlacementPlan.Trigger.SITE_FAILURE);
        }
    }

    /** A demand report published at {@code at}: its capacity rejections count towards the next plan's trigger. */
    private void demand(VnfDemand d, Instant at) {
        view.demand(d);
        int count = d.points().stream().mapToInt(VnfDemand.Point::rejectedCapacity).sum();
        if (resumed) {
            rejected(count);
        } else {
            readBack.add(new Rejections(at, count));
        }
    }

    private void acknowledged(InstanceAck ack) {
        if (commands.acknowledged(ack) && !ack.success()) {
            LOG.warn("{} of {} failed at {}: {}", ack.operation(), ack.offerId(), ack.providerId(), ack.reason());
            if (ack.operation() == InstanceCommand.Operation.START) {
                view.startFailed(ack.offerId());
            }
        }
    }

    private void rejected(int count) {
        rejections += count;
        if (rejections >= config.rejectionThreshold()) {
            fire(PlacementPlan.Trigger.CAPACITY_REJECTIONS);
        }
    }

    private void fire(PlacementPlan.Trigger t) {
        if (trigger == null || trigger == PlacementPlan.Trigger.PERIODIC) {
            trigger = t;
        }
    }

    /** The planning thread: applies what was read, in order, then plans when due and stops drained instances. */
    private void planLoop() {
        while (running) {
            try {
                for (Runnable task = inbox.poll(100, TimeUnit.MILLISECONDS); task != null; task = inbox.poll()) {
                    task.run();
                }
                long now = config.clock().millis();
                if (trigger == null && now - lastPlan >= config.period().toMillis()) {
                    trigger = PlacementPlan.Trigger.PERIODIC;
                }
                if (trigger != null && now - lastPlan >= config.minGap().toMillis()) {
                    plan(trigger);
                }
                commands.stopDrained();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("placement-engine: {}", e.toString(), e);
            }
        }
    }

    private void plan(PlacementPlan.Trigger why) {
        trigger = null;
        rejections = 0;
        lastPlan = config.clock().millis();
        PlacementProblem problem = view.problem(config.defaultMaxLatencyMs());
        if (problem.sites().isEmpty()) {
            return;
        }
        String planId = "plan-" + Instant.ofEpochMilli(lastPlan).getEpochSecond() + "-" + (++seq);
        PlacementEngine.Outcome out = config.engine().plan(problem, new SolverPlanner(), planId, why,
                Instant.ofEpochMilli(lastPlan), p -> config.needsApproval().contains(p)
                        ? PlacementPlan.Approval.AWAITING_APPROVAL : PlacementPlan.Approval.AUTOMATIC);
        if (!out.score().feasible()) {
            LOG.warn("placement-engine found no feasible plan ({}): {}; nothing published", why, out.score().hardTotals());
            return;
        }
        PlacementPlan plan = stillProposed(out.plan());
        send(EventType.PLACEMENT_PLANNED, planId, plan);
        boolean asks = plan.decisions().stream().anyMatch(d -> d.approval() == PlacementPlan.Approval.AWAITING_APPROVAL);
        if (!asks) {
            // the rejections it counted are used up; while a decision waits, the demand it serves stays for the next plan
            view.planned();
        }
        plans.incrementAndGet();
        synchronized (recent) {
            recent.addFirst(plan);
            while (recent.size() > RECENT) {
                recent.removeLast();
            }
        }
        LOG.info("{} ({}): {} decisions, {} unserved, objective {} EUR/h in {} ms", planId, why, plan.decisions().size(),
                plan.unserved().size(), String.format("%.2f", plan.objective()), out.planMillis());
        // the decisions waiting are the newest plan's: one it proposes again keeps its id, the others are superseded
        awaiting.clear();
        for (PlacementPlan.Decision d : plan.decisions()) {
            if (d.approval() == PlacementPlan.Approval.AUTOMATIC) {
                commands.execute(planId, d);
            } else {
                awaiting.put(d.decisionId(), new Pending(planId, d));
            }
        }
    }

    /**
     * {@code plan} with each decision waiting for approval that proposes again what a decision already waiting proposes
     * (same provider, action, type and sites, and the same instance unless it starts one) replaced by that decision,
     * so that its id (and the id of the instance it starts) stays what operators saw.
     */
    private PlacementPlan stillProposed(PlacementPlan plan) {
        Map<List<Object>, PlacementPlan.Decision> waiting = new java.util.HashMap<>();
        synchronized (awaiting) {
            awaiting.values().forEach(p -> waiting.put(proposal(p.decision()), p.decision()));
        }
        if (waiting.isEmpty()) {
            return plan;
        }
        List<PlacementPlan.Decision> decisions = plan.decisions().stream()
                .map(d -> d.approval() == PlacementPlan.Approval.AWAITING_APPROVAL ? waiting.getOrDefault(proposal(d), d) : d)
                .toList();
        long kept = decisions.stream().filter(d -> waiting.containsValue(d)).count();
        if (kept < waiting.size()) {
            LOG.info("{} supersedes {} of the {} decisions waiting for approval", plan.planId(), waiting.size() - kept, waiting.size());
        }
        return new PlacementPlan(plan.planId(), plan.at(), plan.trigger(), plan.strategy(), plan.objective(), plan.breakdown(),
                decisions, plan.unserved());
    }

    /** What a decision proposes, without its id: the instance a start would create is new in every plan. */
    private static List<Object> proposal(PlacementPlan.Decision d) {
        return java.util.Arrays.asList(d.providerId(), d.action(), d.vnfType(), d.siteId(), d.fromSiteId(),
                d.action() == PlacementPlan.Action.START ? null : d.offerId());
    }

    private void send(EventType type, String key, Object payload) {
        ProducerRecord<String, byte[]> record = CloudEvents.encode(type, key, payload, SOURCE);
        if (Topics.PER_PROVIDER.contains(type.topic())) {
            // an instance command goes to its provider's own topic, which only that provider's adapter reads
            record = CloudEvents.toProvider(record, CloudEvents.providerOf(payload).orElseThrow());
        }
        producer.send(record, (m, ex) -> {
            if (ex != null) {
                LOG.error("placement-engine could not publish {} {}: {}", type.ceType(), key, ex.toString());
            }
        });
        producer.flush();
    }
}
