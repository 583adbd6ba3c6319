package org.chainmarket.placement.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.chainmarket.placement.PlacementEngine;
import org.chainmarket.placement.model.PlacementProblem;
import org.chainmarket.placement.model.RunningInstance;
import org.chainmarket.placement.solver.SolverPlanner;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.DeadLetters;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.InvalidInputException;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.events.TopicInitializer;
import org.chainmarket.schemas.events.Topics;
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
import picocli.CommandLine;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The placement service (plain kafka-clients): keeps a {@link MarketView} from the domain, catalogue, offer, instance
 * context and demand topics (all read from the beginning), watches chain events and acknowledgements from the end,
 * and re-plans with the solver every {@code period}, and sooner when a trigger fires: capacity rejections since the
 * last plan reaching {@code rejectionThreshold} (counted from demand reports and {@code ChainRejected} events), or a
 * site failing (every instance at it {@code DOWN}). It publishes each feasible plan as {@code PlacementPlanned}; the
 * decisions of providers whose policy is automatic become commands at once, the others wait for approval over HTTP.
 * A start is one {@code InstanceStartRequested}; a stop or move of an instance that carries chains is an
 * {@code InstanceDrainRequested} (the broker moves its chains, make-before-break; a move's new instance is started
 * first), and its {@code InstanceStopRequested} follows only once a later demand report shows it carries none.
 * Every record it reads goes through {@link CloudEvents#decode}; a failing one goes to its topic's DLQ.
 */
public final class PlacementService implements AutoCloseable {
    /** The {@code ce_source} of everything the service publishes. */
    public static final String SOURCE = "/placement-engine";
    private static final Logger LOG = LoggerFactory.getLogger(PlacementService.class);
    private static final List<String> FROM_BEGINNING = List.of(Topics.PROVIDER_DOMAINS, Topics.CATALOGUE, Topics.OFFERS,
            Topics.INSTANCE_CONTEXT, Topics.PLACEMENT_DEMAND);
    private static final List<String> FROM_END = List.of(Topics.CHAIN_EVENTS, Topics.PLACEMENT_ACKS);

    /**
     * How the service runs.
     *
     * @param period              re-plan at least this often
     * @param minGap              no two plans closer than this (triggers wait)
     * @param rejectionThreshold  capacity rejections since the last plan that trigger a re-plan
     * @param needsApproval       providers whose decisions wait for approval (all others: automatic)
     * @param defaultMaxLatencyMs latency bound of demand that states none
     * @param httpPort            port of the approval API (0: any free port; negative: none)
     */
    public record Config(String bootstrapServers, Duration period, Duration minGap, int rejectionThreshold,
                         Set<ProviderId> needsApproval, double defaultMaxLatencyMs, PlacementEngine engine, int httpPort,
                         Map<String, ?> clientOverrides, Clock clock) {
        public Config {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            needsApproval = Set.copyOf(needsApproval);
            clientOverrides = clientOverrides == null ? Map.of() : Map.copyOf(clientOverrides);
            clock = clock == null ? Clock.systemUTC() : clock;
            if (rejectionThreshold < 1) {
                throw new IllegalArgumentException("rejectionThreshold must be >= 1, got " + rejectionThreshold);
            }
        }

        /** Every 5 minutes, at most every 5 s, 10 rejections, everybody automatic, 20 ms, API on port 8090. */
        public static Config defaults(String bootstrapServers) {
            return new Config(bootstrapServers, Duration.ofMinutes(5), Duration.ofSeconds(5), 10, Set.of(), 20,
                    PlacementEngine.defaults(), 8090, Map.of(), null);
        }

        public Config with(Duration period, Duration minGap, int rejectionThreshold, Set<ProviderId> needsApproval, int httpPort) {
            return new Config(bootstrapServers, period, minGap, rejectionThreshold, needsApproval, defaultMaxLatencyMs, engine,
                    httpPort, clientOverrides, clock);
        }
    }

    private final Config config;
    private final MarketView view = new MarketView();
    private final KafkaProducer<String, byte[]> producer;
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final Map<String, Pending> awaiting = new LinkedHashMap<>();
    private final Map<OfferId, Drain> drains = new LinkedHashMap<>();
    private final Deque<PlacementPlan> recent = new ArrayDeque<>();
    private final AtomicLong plans = new AtomicLong();
    private final AtomicLong commands = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile boolean running;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;
    private HttpServer http;
    private int rejections;
    private PlacementPlan.Trigger trigger;
    private long lastPlan;
    private int seq;

    private record Pending(String planId, PlacementPlan.Decision decision) {
    }

    private record Drain(InstanceCommand command, String vnfType, int reportsAtDrain) {
    }

    public PlacementService(Config config) {
        this.config = Objects.requireNonNull(config, "config");
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "placement-engine-out");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.putAll(config.clientOverrides());
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** Starts reading (returns once the compacted state has been read up to its end) and the approval API. */
    public void start() {
        running = true;
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "placement-engine-in");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.putAll(config.clientOverrides());
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        thread = new Thread(this::run, "placement-engine");
        thread.setDaemon(true);
        thread.start();
        if (config.httpPort() >= 0) {
            startHttp();
        }
        try {
            if (!caughtUp.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("placement-engine did not read its topics within 60 s from " + config.bootstrapServers());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting placement-engine", e);
        }
        LOG.info("placement-engine started on {}: period {}, rejection threshold {}, approval needed by {}",
                config.bootstrapServers(), config.period(), config.rejectionThreshold(), config.needsApproval());
    }

    /** Asks for a plan now (trigger {@code REQUESTED}). */
    public void requestPlan() {
        inbox.add(() -> fire(PlacementPlan.Trigger.REQUESTED));
    }

    /** Approves a decision waiting for its provider: its commands are sent. False if no such decision waits. */
    public boolean approve(String decisionId) {
        CountDownLatch done = new CountDownLatch(1);
        boolean[] found = new boolean[1];
        inbox.add(() -> {
            Pending p = awaiting.remove(decisionId);
            if (p != null) {
                execute(p.planId(), p.decision());
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

    public long plansPublished() {
        return plans.get();
    }

    public long commandsSent() {
        return commands.get();
    }

    public long deadLettered() {
        return deadLettered.get();
    }

    /** The approval API's port, or -1 without one. */
    public int httpPort() {
        return http == null ? -1 : http.getAddress().getPort();
    }

    @Override
    public void close() {
        running = false;
        if (http != null) {
            http.stop(0);
        }
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null && thread != Thread.currentThread()) {
            try {
                thread.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        producer.close(Duration.ofSeconds(10));
    }

    private void run() {
        KafkaConsumer<String, byte[]> c = consumer;
        try {
            List<TopicPartition> begin = partitions(c, FROM_BEGINNING);
            List<TopicPartition> end = partitions(c, FROM_END);
            List<TopicPartition> all = new ArrayList<>(begin);
            all.addAll(end);
            c.assign(all);
            c.seekToBeginning(begin);
            c.seekToEnd(end);
            end.forEach(c::position);
            Map<TopicPartition, Long> ends = c.endOffsets(begin);
            lastPlan = config.clock().millis();
            while (running) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
                    handle(r);
                }
                if (caughtUp.getCount() > 0 && begin.stream().allMatch(tp -> c.position(tp) >= ends.get(tp))) {
                    caughtUp.countDown();
                }
                for (Runnable task; (task = inbox.poll()) != null; ) {
                    task.run();
                }
                long now = config.clock().millis();
                if (trigger == null && now - lastPlan >= config.period().toMillis()) {
                    trigger = PlacementPlan.Trigger.PERIODIC;
                }
                if (trigger != null && caughtUp.getCount() == 0 && now - lastPlan >= config.minGap().toMillis()) {
                    plan(trigger);
                }
                stopDrained();
            }
        } catch (WakeupException e) {
            LOG.debug("placement-engine woken up to stop");
        } catch (RuntimeException e) {
            LOG.error("placement-engine stopped: {}", e.toString(), e);
        } finally {
            running = false;
            caughtUp.countDown();
            c.close();
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<String, byte[]> c, List<String> topics) {
        List<TopicPartition> out = new ArrayList<>();
        for (String t : topics) {
            c.partitionsFor(t).forEach(p -> out.add(new TopicPartition(t, p.partition())));
        }
        return out;
    }

    private void handle(ConsumerRecord<String, byte[]> r) {
        CloudEvents.Event e;
        try {
            e = CloudEvents.decode(r);
        } catch (InvalidInputException ex) {
            deadLettered.incrementAndGet();
            DeadLetters.send(producer, r, ex.getMessage());
            return;
        }
        switch (r.topic()) {
            case Topics.PROVIDER_DOMAINS -> {
                if (e.isTombstone()) {
                    view.domainWithdrawn(ProviderId.of(r.key()));
                } else {
                    view.domain(e.payload(ProviderDomain.class));
                }
            }
            case Topics.CATALOGUE -> {
                if (e.isTombstone()) {
                    view.catalogueEntryRemoved(r.key());
                } else {
                    view.catalogueEntry(e.payload(CatalogueEntry.class));
                }
            }
            case Topics.OFFERS -> {
                if (e.isTombstone()) {
                    view.offerWithdrawn(OfferId.of(r.key()));
                } else {
                    view.offer(e.payload(VnfOffer.class));
                }
            }
            case Topics.INSTANCE_CONTEXT -> {
                if (!e.isTombstone()) {
                    Set<String> before = view.failedSites();
                    view.context(e.payload(InstanceContext.class));
                    if (!before.containsAll(view.failedSites())) {
                        fire(PlacementPlan.Trigger.SITE_FAILURE);
                    }
                }
            }
            case Topics.PLACEMENT_DEMAND -> {
                VnfDemand d = e.payload(VnfDemand.class);
                view.demand(d);
                rejections += d.points().stream().mapToInt(VnfDemand.Point::rejectedCapacity).sum();
                checkRejections();
            }
            case Topics.CHAIN_EVENTS -> {
                ChainEvent ce = e.payload(ChainEvent.class);
                if (ce.state() == ChainState.REJECTED) {
                    rejections++;
                    checkRejections();
                }
            }
            case Topics.PLACEMENT_ACKS -> {
                InstanceAck ack = e.payload(InstanceAck.class);
                if (!ack.success()) {
                    LOG.warn("{} of {} failed at {}: {}", ack.operation(), ack.offerId(), ack.providerId(), ack.reason());
                    if (ack.operation() == InstanceCommand.Operation.START) {
                        view.startFailed(ack.offerId());
                    }
                }
            }
            default -> LOG.debug("placement-engine ignores a record of {}", r.topic());
        }
    }

    private void checkRejections() {
        if (rejections >= config.rejectionThreshold()) {
            fire(PlacementPlan.Trigger.CAPACITY_REJECTIONS);
        }
    }

    private void fire(PlacementPlan.Trigger t) {
        if (trigger == null || trigger == PlacementPlan.Trigger.PERIODIC) {
            trigger = t;
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
        PlacementPlan plan = out.plan();
        send(EventType.PLACEMENT_PLANNED, planId, plan);
        plans.incrementAndGet();
        synchronized (recent) {
            recent.addFirst(plan);
            while (recent.size() > 20) {
                recent.removeLast();
            }
        }
        LOG.info("{} ({}): {} decisions, {} unserved, objective {} EUR/h in {} ms", planId, why, plan.decisions().size(),
                plan.unserved().size(), String.format("%.2f", plan.objective()), out.planMillis());
        for (PlacementPlan.Decision d : plan.decisions()) {
            if (d.approval() == PlacementPlan.Approval.AUTOMATIC) {
                execute(planId, d);
            } else {
                awaiting.put(d.decisionId(), new Pending(planId, d));
            }
        }
    }

    private void execute(String planId, PlacementPlan.Decision d) {
        switch (d.action()) {
            case START -> start(planId, d, d.offerId());
            case MOVE -> {
                start(planId, d, d.newOfferId());
                retire(planId, d, d.fromSiteId());
            }
            case STOP -> retire(planId, d, d.siteId());
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

    private void stopDrained() {
        for (var it = drains.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            Drain drain = e.getValue();
            if (view.reportsOf(drain.vnfType()) > drain.reportsAtDrain() && view.chainsOn(e.getKey()) == 0) {
                InstanceCommand c = drain.command();
                send(EventType.INSTANCE_STOP_REQUESTED, c.providerId().value(), new InstanceCommand(UUID.randomUUID().toString(),
                        c.planId(), c.decisionId(), c.providerId(), InstanceCommand.Operation.STOP, c.offerId(), c.vnfType(),
                        c.siteId(), "drained: it carries no chains any more", null));
                commands.incrementAndGet();
                it.remove();
            }
        }
    }

    private InstanceCommand command(String planId, PlacementPlan.Decision d, InstanceCommand.Operation op, OfferId offerId, String siteId) {
        InstanceCommand c = new InstanceCommand(UUID.randomUUID().toString(), planId, d.decisionId(), d.providerId(), op,
                offerId, d.vnfType(), siteId, d.reason(), null);
        EventType type = switch (op) {
            case START -> EventType.INSTANCE_START_REQUESTED;
            case DRAIN -> EventType.INSTANCE_DRAIN_REQUESTED;
            case STOP -> EventType.INSTANCE_STOP_REQUESTED;
        };
        send(type, d.providerId().value(), c);
        commands.incrementAndGet();
        return c;
    }

    private void send(EventType type, String key, Object payload) {
        producer.send(CloudEvents.encode(type, key, payload, SOURCE), (m, ex) -> {
            if (ex != null) {
                LOG.error("placement-engine could not publish {} {}: {}", type.ceType(), key, ex.toString());
            }
        });
        producer.flush();
    }

    private void startHttp() {
        try {
            http = HttpServer.create(new InetSocketAddress("0.0.0.0", config.httpPort()), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the placement approval API on port " + config.httpPort() + ": " + e.getMessage(), e);
        }
        http.createContext("/api/v1/placement/plans", ex -> {
            List<PlacementPlan> list;
            synchronized (recent) {
                list = List.copyOf(recent);
            }
            reply(ex, 200, Json.bytes(list));
        });
        http.createContext("/api/v1/placement/decisions/", ex -> {
            String path = ex.getRequestURI().getPath();
            String prefix = "/api/v1/placement/decisions/";
            if (!"POST".equals(ex.getRequestMethod()) || !path.endsWith("/approve")) {
                reply(ex, 405, problem("only POST /api/v1/placement/decisions/{decisionId}/approve"));
                return;
            }
            String id = path.substring(prefix.length(), path.length() - "/approve".length());
            if (approve(id)) {
                reply(ex, 202, Json.bytes(Map.of("decisionId", id, "status", "APPROVED")));
            } else {
                reply(ex, 404, problem("no decision '" + id + "' waits for approval"));
            }
        });
        http.start();
    }

    private static byte[] problem(String detail) {
        return Json.bytes(Map.of("title", "Placement decision", "detail", detail));
    }

    private static void reply(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().add("Content-Type", status >= 400 ? "application/problem+json" : "application/json");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    /** Runs the service until it is stopped (Ctrl-C / SIGTERM). */
    public static void main(String[] args) {
        System.exit(new CommandLine(new Cli()).execute(args));
    }

    /** The command line of {@link #main}. */
    @CommandLine.Command(name = "placement-engine", mixinStandardHelpOptions = true,
            description = "Demand, capacity and instance state -> placement plans and instance start/drain/stop commands.")
    static final class Cli implements Callable<Integer> {
        @CommandLine.Option(names = "--bootstrap-servers", description = "Kafka (default: $KAFKA_BOOTSTRAP_SERVERS or ${DEFAULT-VALUE})",
                defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}")
        String bootstrapServers;

        @CommandLine.Option(names = "--period-seconds", description = "re-plan at least this often (default: ${DEFAULT-VALUE})", defaultValue = "300")
        long periodSeconds;

        @CommandLine.Option(names = "--min-gap-seconds", description = "no two plans closer than this (default: ${DEFAULT-VALUE})", defaultValue = "5")
        long minGapSeconds;

        @CommandLine.Option(names = "--rejection-threshold", description = "capacity rejections that trigger a re-plan (default: ${DEFAULT-VALUE})", defaultValue = "10")
        int rejectionThreshold;

        @CommandLine.Option(names = "--approval", split = ",", description = "providers whose decisions wait for approval")
        List<String> approval = new ArrayList<>();

        @CommandLine.Option(names = "--http-port", description = "approval API port, -1 for none (default: ${DEFAULT-VALUE})", defaultValue = "8090")
        int httpPort;

        @CommandLine.Option(names = "--create-topics", description = "create missing topics with this many partitions")
        Integer partitions;

        @Override
        public Integer call() throws Exception {
            if (partitions != null) {
                TopicInitializer.ensureTopics(bootstrapServers, partitions, (short) 1);
            }
            Set<ProviderId> needs = new LinkedHashSet<>();
            approval.forEach(p -> needs.add(ProviderId.of(p)));
            PlacementService service = new PlacementService(Config.defaults(bootstrapServers).with(Duration.ofSeconds(periodSeconds),
                    Duration.ofSeconds(minGapSeconds), rejectionThreshold, needs, httpPort));
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                service.close();
                stopped.countDown();
            }, "placement-engine-shutdown"));
            service.start();
            System.out.println("placement-engine running on " + bootstrapServers + (service.httpPort() >= 0
                    ? "; approvals at http://localhost:" + service.httpPort() + "/api/v1/placement/plans" : "") + "; Ctrl-C stops");
            while (!stopped.await(30, TimeUnit.SECONDS)) {
                System.out.printf("plans %d, commands %d, dead-lettered %d%n", service.plansPublished(), service.commandsSent(),
                        service.deadLettered());
            }
            return 0;
        }
    }
}
