package org.chainmarket.deploy.experiments;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import org.chainmarket.adapters.emulated.EmulatedDomain;
import org.chainmarket.broker.registry.MarketReadModel;
import org.chainmarket.deploy.DemoRequests;
import org.chainmarket.deploy.Marketplace;
import org.chainmarket.deploy.demo.DemoMarket;
import org.chainmarket.deploy.embedded.TopicTail;
import org.chainmarket.monitoring.policy.ThresholdPolicy;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.ChainEvent;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.Degradation;
import org.chainmarket.schemas.model.DomainAck.FlowEntry;
import org.chainmarket.schemas.model.Substitution;
import org.chainmarket.selection.topology.Topology;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Paper 003's second round of experiments (section 6.2, Table 4) on the emulated Abilene network: VNF clouds at 5 of
 * the 11 switches, each offering every VNF type the requests use; 100 requests with a random source and destination
 * and 4 VNFs, Poisson arrivals and exponential holding times (time-compressed), each chain deleted when its holding
 * time ends. The same seeded sequence runs twice: with redirection (the domains report telemetry, monitoring-ingest
 * detects hot instances and links, the broker substitutes) and without (no telemetry, no monitoring, no
 * substitution). For each VNF-cloud switch it integrates the bytes the switch transmits for the chains (each chain's
 * bandwidth for every time the switch forwards its traffic, to a neighbour, a VNF or the host, over the time that
 * path is the chain's current one: from ChainActivated, and from each HopSubstituted's completion) and prints their
 * mean, standard deviation and coefficient of variation beside the paper's numbers. A second measure reads the
 * emulated switches' flow tables every few milliseconds as a check of the first.
 */
@Command(name = "redirection-experiment", mixinStandardHelpOptions = true,
        description = "Paper 003 Table 4: switch load (transmitted bytes per VNF-cloud switch) with and without path redirection.")
public final class RedirectionExperiment implements Callable<Integer> {
    private static final String TOPOLOGY = "Abilene";
    private static final double MAX_LATENCY_MS = 500;
    private static final double MAX_PRICE_PER_HOUR = 100;
    private static final double PAPER_MEAN_ON = 23;
    private static final double PAPER_STD_ON = 5.56;
    private static final double PAPER_MEAN_OFF = 43;
    private static final double PAPER_STD_OFF = 34.43;

    @Option(names = "--requests", defaultValue = "100", description = "requests per run (default: ${DEFAULT-VALUE})")
    int requests;

    @Option(names = "--mean-interarrival-ms", defaultValue = "300",
            description = "mean of the exponential inter-arrival time (default: ${DEFAULT-VALUE}; the paper: 20 s)")
    double meanInterarrivalMs;

    @Option(names = "--mean-duration-ms", defaultValue = "3000",
            description = "mean of the exponential holding time (default: ${DEFAULT-VALUE}; the paper: 20 s)")
    double meanDurationMs;

    @Option(names = "--seed", defaultValue = "3", description = "seed of the request sequence, of the VNF-cloud choice and of the offers (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--clouds", split = ",", description = "switches hosting a VNF cloud (default: --cloud-count of the 11 chosen by --seed)")
    List<String> clouds;

    @Option(names = "--cloud-count", defaultValue = "5", description = "VNF clouds when --clouds is not given (default: ${DEFAULT-VALUE})")
    int cloudCount;

    @Option(names = "--vnf-types", split = ",", defaultValue = "firewall,dpi,nat,wan-optimizer",
            description = "VNF types every cloud offers; each request asks for all of them, in a random order (default: ${DEFAULT-VALUE})")
    List<String> vnfTypes;

    @Option(names = "--bandwidth-mbps", defaultValue = "100", description = "bandwidth of every request (default: ${DEFAULT-VALUE})")
    double bandwidthMbps;

    @Option(names = "--capacity-mbps", defaultValue = "300",
            description = "capacity of every VNF instance (default: ${DEFAULT-VALUE}: three requests fill one)")
    double capacityMbps;

    @Option(names = "--link-mbps", defaultValue = "10000",
            description = "capacity of every link (default: ${DEFAULT-VALUE}, the demo's; link utilization is what monitoring "
                    + "sees of a switch's load)")
    double linkMbps;

    @Option(names = "--max-chains", defaultValue = "100", description = "chain slots of every VNF instance (default: ${DEFAULT-VALUE})")
    int maxChains;

    @Option(names = "--providers", defaultValue = "1",
            description = "providers the network is split among by longitude (default: ${DEFAULT-VALUE}: one SDN domain, as in the paper)")
    int providers;

    @Option(names = "--telemetry-interval", defaultValue = "200ms",
            description = "telemetry interval of the emulated domains in the run with redirection (default: ${DEFAULT-VALUE})")
    String telemetryInterval;

    @Option(names = "--policy", description = "monitoring policy setting key=value for the run with redirection, repeatable "
            + "(e.g. instance.load=0.7/0.55, window.seconds=2, dwell.seconds=0.5; default: monitoring-ingest's defaults)")
    Map<String, String> policySettings = new LinkedHashMap<>();

    @Option(names = "--modes", split = ",", defaultValue = "on,off",
            description = "runs, in this order: on (redirection), off (default: ${DEFAULT-VALUE})")
    List<String> modes;

    @Option(names = "--repeats", defaultValue = "1",
            description = "request sequences to run, seeded --seed, --seed+1, ... (the paper ran five; default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--warmup", defaultValue = "20",
            description = "orders placed one at a time (each deleted once ACTIVE) before each run's measured sequence, so "
                    + "neither run pays for a cold JVM or broker (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--verbose", description = "keep the marketplace's log output (default: errors only)")
    boolean verbose;

    @Option(names = "--sample-ms", defaultValue = "20", description = "flow-table sampling period of the check measure (default: ${DEFAULT-VALUE})")
    long sampleMs;

    public static void main(String[] args) {
        System.exit(new CommandLine(new RedirectionExperiment()).execute(args));
    }

    /** One request of the sequence: when it arrives and how long it holds (ms after the start), where, what. */
    record Request(int index, double arrivalMs, double holdingMs, String ingress, String egress, List<String> vnfTypes) {
    }

    /** One run's outcome. */
    record Result(String mode, long requestSeed, int requests, int served, int rejected, int failed, int cancelled, int errors, int substitutions,
                  Map<String, Integer> substitutionsNotApplied, int degradations, Map<String, Integer> rejections, Map<String, Integer> degradationsByMetric,
                  Map<String, Double> pathBytes, Map<String, Double> flowTableBytes, double meanArrivalLagMs, long maxArrivalLagMs,
                  double seconds) {
        Stats stats() {
            return Stats.of(pathBytes.values());
        }
    }

    /** Mean, population standard deviation and coefficient of variation, in MB. */
    record Stats(double meanMb, double stdMb) {
        static Stats of(java.util.Collection<Double> bytes) {
            double mean = bytes.stream().mapToDouble(b -> b / 1e6).average().orElse(0);
            double var = bytes.stream().mapToDouble(b -> Math.pow(b / 1e6 - mean, 2)).average().orElse(0);
            return new Stats(mean, Math.sqrt(var));
        }

        double cv() {
            return meanMb == 0 ? 0 : stdMb / meanMb;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (!verbose) {
            // the tables go to stdout, where the marketplace logs too: keep only its errors
            for (ch.qos.logback.classic.Logger logger : ((LoggerContext) LoggerFactory.getILoggerFactory()).getLoggerList()) {
                if (logger.getLevel() != null || logger.getName().equals(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
                    logger.setLevel(Level.ERROR);
                }
            }
        }
        Topology topology = Topology.bundled(TOPOLOGY);
        List<String> switches = topology.nodes().stream().map(Topology.Node::id).sorted().toList();
        List<String> cloudSwitches = clouds == null || clouds.isEmpty() ? chooseClouds(switches, cloudCount, seed) : List.copyOf(clouds);
        for (String m : modes) {
            if (!m.equals("on") && !m.equals("off")) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--modes takes on and/or off, not '" + m + "'");
            }
        }
        if (repeats < 1 || requests < 1 || warmup < 0 || sampleMs < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--repeats, --requests and --sample-ms must be 1 or more, "
                    + "--warmup 0 or more");
        }
        if (!(meanInterarrivalMs > 0 && meanDurationMs > 0 && bandwidthMbps > 0 && capacityMbps > 0)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--mean-interarrival-ms, --mean-duration-ms, "
                    + "--bandwidth-mbps and --capacity-mbps must be more than 0");
        }
        ThresholdPolicy policy = ThresholdPolicy.defaults();
        for (Map.Entry<String, String> e : policySettings.entrySet()) {
            policy = policy.with(e.getKey(), e.getValue());
        }
        DemoMarket demo = DemoMarket.withVnfClouds(topology, providers, cloudSwitches, vnfTypes, capacityMbps, maxChains,
                linkMbps, seed);

        System.out.printf(Locale.ROOT, "Redirection experiment (paper 003, Table 4) on %s: %d switches, VNF clouds at %s%n",
                TOPOLOGY, switches.size(), cloudSwitches);
        System.out.printf(Locale.ROOT, "  %d requests of %d VNFs %s, %.0f Mbit/s each; instances of %.0f Mbit/s; links of %.0f Mbit/s; "
                + "%d provider(s); seed %d%n", requests, vnfTypes.size(), vnfTypes, bandwidthMbps, capacityMbps, linkMbps, providers, seed);
        System.out.printf(Locale.ROOT, "  Poisson arrivals, mean inter-arrival %.0f ms; exponential holding, mean %.0f ms (paper: 20 s and 20 s)%n",
                meanInterarrivalMs, meanDurationMs);
        System.out.printf(Locale.ROOT, "  redirection on: telemetry every %s, monitoring policy %s%n", telemetryInterval,
                policySettings.isEmpty() ? "monitoring-ingest defaults (instance.load 0.85/0.7, processing delay 5x/3x nominal, "
                        + "window 10 s, dwell 2 s, ...)" : policy);
        System.out.println();

        List<Result> results = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            long requestSeed = seed + r;
            List<Request> sequence = sequence(switches, requestSeed);
            for (String mode : modes) {
                System.out.printf("running with redirection %s, request seed %d ...%n", mode, requestSeed);
                Result result = run(mode.equals("on"), demo, cloudSwitches, requestSeed, sequence, policy);
                results.add(result);
                System.out.printf(Locale.ROOT, "  done in %.1f s: %d served, %d rejected, %d substitutions%n", result.seconds(),
                        result.served(), result.rejected(), result.substitutions());
            }
        }
        report(results, cloudSwitches);
        return 0;
    }

    /** The seeded request sequence both runs replay. */
    List<Request> sequence(List<String> switches, long requestSeed) {
        Random random = new Random(requestSeed);
        List<Request> out = new ArrayList<>();
        double at = 0;
        for (int i = 0; i < requests; i++) {
            at += exponential(random, meanInterarrivalMs);
            double holding = exponential(random, meanDurationMs);
            String ingress = switches.get(random.nextInt(switches.size()));
            String egress;
            do {
                egress = switches.get(random.nextInt(switches.size()));
            } while (egress.equals(ingress));
            List<String> types = new ArrayList<>(vnfTypes);
            Collections.shuffle(types, random);
            out.add(new Request(i, at, holding, ingress, egress, List.copyOf(types)));
        }
        return out;
    }

    static List<String> chooseClouds(List<String> switches, int count, long seed) {
        if (count < 1 || count > switches.size()) {
            throw new IllegalArgumentException("--cloud-count must be 1.." + switches.size() + " but was " + count);
        }
        List<String> shuffled = new ArrayList<>(switches);
        Collections.shuffle(shuffled, new Random(seed));
        return shuffled.subList(0, count).stream().sorted().toList();
    }

    private static double exponential(Random random, double mean) {
        return -mean * Math.log(1 - random.nextDouble());
    }

    // ---- one run ----

    private Result run(boolean redirection, DemoMarket demo, List<String> cloudSwitches, long requestSeed, List<Request> sequence,
                       ThresholdPolicy policy) throws Exception {
        Map<String, String> properties = new HashMap<>(Map.of("micronaut.server.port", "-1"));
        if (redirection) {
            properties.put(Marketplace.TELEMETRY_INTERVAL, telemetryInterval);
        }
        long began = System.nanoTime();
        try (Marketplace market = Marketplace.start(demo, properties, policy)) {
            awaitDomains(market, demo.providers().size());
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String url = market.url() + "/api/v1/chains";
            List<String> switches = demo.providers().stream().flatMap(p -> p.domain().switches().stream())
                    .map(sw -> sw.switchId()).sorted().toList();
            warmUp(http, url, sequence(switches, requestSeed ^ 0x5EED).subList(0, Math.min(warmup, requests)));
            Recorder recorder = new Recorder(market.bootstrapServers(), market.kafka().admin());
            recorder.start();
            FlowTableSampler sampler = new FlowTableSampler(market.domains().values(), cloudSwitches, bandwidthMbps, sampleMs);
            sampler.start();

            ScheduledExecutorService deleter = Executors.newScheduledThreadPool(4, r -> {
                Thread t = new Thread(r, "chain-deleter");
                t.setDaemon(true);
                return t;
            });
            Map<String, Integer> rejections = new ConcurrentHashMap<>();
            AtomicInteger errors = new AtomicInteger();
            List<String> created = Collections.synchronizedList(new ArrayList<>());
            List<CompletableFuture<Void>> answers = new ArrayList<>();
            long maxLag = 0;
            long totalLag = 0;
            long start = System.nanoTime();
            for (Request q : sequence) {
                long due = start + (long) (q.arrivalMs() * 1e6);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                long lag = Math.max(0, System.nanoTime() - due);
                totalLag += lag;
                maxLag = Math.max(maxLag, lag / 1_000_000);
                String body = Json.text(Map.of("vnfTypes", q.vnfTypes(), "ingress", q.ingress(),
                        "egress", q.egress(), "bandwidthMbps", bandwidthMbps, "maxLatencyMs", MAX_LATENCY_MS,
                        "maxPricePerHour", MAX_PRICE_PER_HOUR));
                // sent without waiting for the answer, so a slow answer does not delay the next arrival
                answers.add(http.sendAsync(DemoRequests.to(URI.create(url)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).thenAccept(r -> {
                    JsonNode answer = Json.read(r.body(), JsonNode.class);
                    if (r.statusCode() == 201) {
                        String id = answer.get("chainId").asText();
                        created.add(id);
                        recorder.track(id);
                        long end = start + (long) ((q.arrivalMs() + q.holdingMs()) * 1e6);
                        deleter.schedule(() -> delete(http, url, id, recorder, errors), Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                    } else if (r.statusCode() == 422) {
                        rejections.merge(answer.path("constraint").asText("UNKNOWN"), 1, Integer::sum);
                    } else {
                        errors.incrementAndGet();
                        System.err.printf("request %d answered %d: %s%n", q.index(), r.statusCode(), r.body());
                    }
                }).exceptionally(e -> {
                    errors.incrementAndGet();
                    System.err.printf("request %d failed: %s%n", q.index(), e);
                    return null;
                }));
            }
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            deleter.shutdown();
            if (!deleter.awaitTermination((long) (meanDurationMs * 20) + 60_000, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the chains' deletions did not finish");
            }
            recorder.awaitEnded(created, Duration.ofSeconds(30));
            sampler.stop();
            recorder.stop();

            Map<String, Double> pathBytes = new LinkedHashMap<>();
            cloudSwitches.forEach(s -> pathBytes.put(s, 0.0));
            int served = 0;
            int failed = 0;
            int cancelled = 0;
            for (String id : created) {
                Recorder.Track t = recorder.tracks.get(id);
                if (t.activated()) {
                    served++;
                } else if (t.failedAt == null) {
                    cancelled++;
                }
                if (t.failedAt != null) {
                    failed++;
                }
                t.integrate(bandwidthMbps, pathBytes);
            }
            Map<String, Double> flowBytes = new LinkedHashMap<>();
            cloudSwitches.forEach(s -> flowBytes.put(s, sampler.bytes.getOrDefault(s, 0.0)));
            int rejected = rejections.values().stream().mapToInt(Integer::intValue).sum();
            return new Result(redirection ? "on" : "off", requestSeed, sequence.size(), served, rejected, failed, cancelled, errors.get(),
                    recorder.substitutions.get(), new TreeMap<>(recorder.substitutionsNotApplied), recorder.degradations.get(),
                    new TreeMap<>(rejections), new TreeMap<>(recorder.degradationsByMetric), pathBytes, flowBytes,
                    totalLag / 1e6 / Math.max(1, sequence.size()), maxLag, (System.nanoTime() - began) / 1e9);
        }
    }

    /** Places each order, waits until it is ACTIVE (or refused), deletes it and waits until it is gone. */
    private void warmUp(HttpClient http, String url, List<Request> orders) throws Exception {
        for (Request q : orders) {
            String body = Json.text(Map.of("vnfTypes", q.vnfTypes(), "ingress", q.ingress(), "egress", q.egress(),
                    "bandwidthMbps", bandwidthMbps, "maxLatencyMs", MAX_LATENCY_MS, "maxPricePerHour", MAX_PRICE_PER_HOUR));
            HttpResponse<String> r = http.send(DemoRequests.to(URI.create(url)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                continue;
            }
            String id = Json.read(r.body(), JsonNode.class).get("chainId").asText();
            awaitState(http, url + "/" + id, List.of("ACTIVE", "FAILED"));
            http.send(DemoRequests.to(URI.create(url + "/" + id)).DELETE().build(), HttpResponse.BodyHandlers.discarding());
            awaitState(http, url + "/" + id, List.of("TERMINATED", "FAILED"));
        }
    }

    private static void awaitState(HttpClient http, String chainUrl, List<String> states) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            String state = Json.read(http.send(DemoRequests.to(URI.create(chainUrl)).build(), HttpResponse.BodyHandlers.ofString())
                    .body(), JsonNode.class).path("state").asText();
            if (states.contains(state)) {
                return;
            }
            if (System.nanoTime() > until) {
                throw new IllegalStateException("warm-up chain " + chainUrl + " stayed " + state + " for 30 s");
            }
            Thread.sleep(10);
        }
    }

    private static void delete(HttpClient http, String url, String id, Recorder recorder, AtomicInteger errors) {
        try {
            recorder.tracks.get(id).deletedAt = Instant.now();
            HttpResponse<String> r = http.send(DemoRequests.to(URI.create(url + "/" + id)).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 202) {
                errors.incrementAndGet();
                System.err.printf("DELETE of chain %s answered %d: %s%n", id, r.statusCode(), r.body());
            }
        } catch (Exception e) {
            errors.incrementAndGet();
            System.err.printf("DELETE of chain %s failed: %s%n", id, e);
        }
    }

    /** Waits until the broker knows every provider's network (a provider without offers is not awaited by start). */
    private static void awaitDomains(Marketplace market, int providers) throws InterruptedException {
        MarketReadModel model = market.brokerContext().getBean(MarketReadModel.class);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (model.domains().size() < providers) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("the broker registered " + model.domains().size() + " of " + providers + " domains in 60 s");
            }
            Thread.sleep(20);
        }
    }

    // ---- measuring ----

    /**
     * How many times each switch transmits a chain's traffic along {@code path} (as many as the flow entries the
     * domain installs for it there): a node with a VNF sends the traffic into that VNF, and a node after which the
     * traffic leaves the switch sends it on (to the next switch, or to the host at the path's end). Consecutive nodes
     * at one switch are the traffic's arrival there and the VNFs it visits there in turn.
     */
    static Map<String, Integer> transmissions(List<ConcreteChain.PathNode> path) {
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i < path.size(); i++) {
            ConcreteChain.PathNode n = path.get(i);
            int times = n.hopIndex() != null ? 1 : 0;
            boolean leaves = i == path.size() - 1 || !path.get(i + 1).switchId().equals(n.switchId());
            if (leaves) {
                times++;
            }
            if (times > 0) {
                out.merge(n.switchId(), times, Integer::sum);
            }
        }
        return out;
    }

    /** Listens to chain events, substitutions and degradations from the run's start. */
    static final class Recorder {
        private final String bootstrapServers;
        final Map<String, Track> tracks = new ConcurrentHashMap<>();
        final AtomicInteger substitutions = new AtomicInteger();
        final Map<String, Integer> substitutionsNotApplied = new ConcurrentHashMap<>();
        final AtomicInteger degradations = new AtomicInteger();
        final Map<String, Integer> degradationsByMetric = new ConcurrentHashMap<>();
        private final AtomicLong invalid = new AtomicLong();
        private TopicTail tail;

        private final Map<String, Object> clientSettings;

        Recorder(String bootstrapServers, Map<String, Object> clientSettings) {
            this.bootstrapServers = bootstrapServers;
            this.clientSettings = clientSettings;
        }

        /** One chain: its paths by the time each became current, and when it ended. */
        static final class Track {
            private final TreeMap<Instant, List<ConcreteChain.PathNode>> paths = new TreeMap<>();
            volatile Instant deletedAt;
            volatile Instant failedAt;
            volatile Instant endedAt;

            synchronized void path(Instant from, List<ConcreteChain.PathNode> path) {
                paths.put(from, path);
            }

            synchronized boolean activated() {
                return !paths.isEmpty();
            }

            /** Adds to {@code bytes} (only its switches) what each switch transmitted for this chain. */
            synchronized void integrate(double mbps, Map<String, Double> bytes) {
                Instant end = deletedAt;
                if (failedAt != null && (end == null || failedAt.isBefore(end))) {
                    end = failedAt;
                }
                if (end == null) {
                    end = endedAt;
                }
                List<Map.Entry<Instant, List<ConcreteChain.PathNode>>> segments = new ArrayList<>(paths.entrySet());
                for (int i = 0; i < segments.size(); i++) {
                    Instant from = segments.get(i).getKey();
                    Instant to = i + 1 < segments.size() ? segments.get(i + 1).getKey() : end;
                    if (to == null || end == null) {
                        throw new IllegalStateException("a chain's end is unknown");
                    }
                    if (to.isAfter(end)) {
                        to = end;
                    }
                    if (!to.isAfter(from)) {
                        continue;
                    }
                    double seconds = Duration.between(from, to).toNanos() / 1e9;
                    double perTransmission = mbps * 1e6 / 8 * seconds;
                    transmissions(segments.get(i).getValue()).forEach((sw, n) -> bytes.computeIfPresent(sw, (k, b) -> b + n * perTransmission));
                }
            }
        }

        void track(String chainId) {
            tracks.computeIfAbsent(chainId, k -> new Track());
        }

        void start() {
            tail = new TopicTail(bootstrapServers, clientSettings, List.of(Topics.CHAIN_EVENTS, Topics.SUBSTITUTIONS, Topics.DEGRADATIONS),
                    TopicTail.From.END, r -> {
                        try {
                            handle(CloudEvents.decode(r));
                        } catch (RuntimeException e) {
                            invalid.incrementAndGet();
                        }
                    });
        }

        void stop() throws InterruptedException {
            tail.close();
            if (invalid.get() > 0) {
                System.err.printf("  the recorder skipped %d records it could not decode%n", invalid.get());
            }
        }

        /** Waits until every chain has ended (terminated or failed), as the events say. */
        void awaitEnded(List<String> chains, Duration timeout) throws InterruptedException {
            long until = System.nanoTime() + timeout.toNanos();
            while (chains.stream().anyMatch(id -> tracks.get(id).endedAt == null)) {
                if (System.nanoTime() > until) {
                    long open = chains.stream().filter(id -> tracks.get(id).endedAt == null).count();
                    System.err.printf("  %d chains had not ended %d s after their deletion; their bytes count until deleted%n",
                            open, timeout.toSeconds());
                    return;
                }
                Thread.sleep(50);
            }
        }

        private void handle(CloudEvents.Event e) {
            if (e.isTombstone()) {
                return;
            }
            switch (e.type()) {
                case CHAIN_ACTIVATED -> {
                    ChainEvent c = e.payload(ChainEvent.class);
                    track(c.chainId().value());
                    tracks.get(c.chainId().value()).path(c.at(), c.chain().path());
                }
                case CHAIN_FAILED -> {
                    ChainEvent c = e.payload(ChainEvent.class);
                    track(c.chainId().value());
                    Track t = tracks.get(c.chainId().value());
                    t.failedAt = c.at();
                    t.endedAt = c.at();
                }
                case CHAIN_TERMINATED -> {
                    ChainEvent c = e.payload(ChainEvent.class);
                    track(c.chainId().value());
                    tracks.get(c.chainId().value()).endedAt = c.at();
                }
                case HOP_SUBSTITUTED -> {
                    Substitution s = e.payload(Substitution.class);
                    track(s.chainId().value());
                    tracks.get(s.chainId().value()).path(s.completedAt(), s.after().path());
                    substitutions.incrementAndGet();
                }
                case SUBSTITUTION_FAILED -> substitutionsNotApplied.merge(e.payload(Substitution.class).status().name(), 1, Integer::sum);
                case DEGRADATION_DETECTED -> {
                    Degradation d = e.payload(Degradation.class);
                    degradations.incrementAndGet();
                    degradationsByMetric.merge(d.subjectKind().name().toLowerCase(Locale.ROOT) + " " + d.metric(), 1, Integer::sum);
                }
                default -> {
                }
            }
        }
    }

    /**
     * The check measure: reads the flow tables of the VNF-cloud switches every {@code periodMs} and adds, for every
     * entry, the chain's bandwidth over the period (each entry outputs the chain's traffic once).
     */
    static final class FlowTableSampler {
        private final Map<String, EmulatedDomain> domainOf = new HashMap<>();
        private final double bytesPerSecond;
        private final long periodMs;
        final Map<String, Double> bytes = new ConcurrentHashMap<>();
        private volatile boolean running = true;
        private Thread thread;

        FlowTableSampler(java.util.Collection<EmulatedDomain> domains, List<String> switches, double mbps, long periodMs) {
            for (EmulatedDomain d : domains) {
                d.domain().switches().stream().filter(s -> switches.contains(s.switchId())).forEach(s -> domainOf.put(s.switchId(), d));
            }
            this.bytesPerSecond = mbps * 1e6 / 8;
            this.periodMs = periodMs;
        }

        void start() {
            thread = new Thread(this::sample, "flow-table-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(5_000);
        }

        private void sample() {
            long last = System.nanoTime();
            Map<String, Integer> entries = count();
            while (running) {
                try {
                    Thread.sleep(periodMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                long now = System.nanoTime();
                double seconds = (now - last) / 1e9;
                entries.forEach((sw, n) -> bytes.merge(sw, n * bytesPerSecond * seconds, Double::sum));
                last = now;
                entries = count();
            }
        }

        private Map<String, Integer> count() {
            Map<String, Integer> out = new HashMap<>();
            domainOf.forEach((sw, d) -> {
                int n = 0;
                for (FlowEntry e : d.flowTable(sw)) {
                    n += (int) e.actions().stream().filter(a -> a.startsWith("output:")).count();
                }
                out.put(sw, n);
            });
            return out;
        }
    }

    // ---- report ----

    private void report(List<Result> results, List<String> cloudSwitches) {
        System.out.println();
        System.out.printf(Locale.ROOT, "Switch load: bytes transmitted by each VNF-cloud switch for the chains (%d switches: %s)%n",
                cloudSwitches.size(), String.join(", ", cloudSwitches));
        String format = "| %-22s | %8s | %6s | %8s | %6s | %13s | %9s | %12s | %6s |%n";
        String header = String.format(Locale.ROOT, format, "redirection", "requests", "served", "rejected", "failed", "substitutions",
                "mean (MB)", "std dev (MB)", "CV");
        System.out.print(header);
        System.out.println(header.strip().replaceAll("[^|]", "-"));
        for (Result r : results) {
            Stats s = r.stats();
            String label = r.mode() + (repeats > 1 ? ", seed " + r.requestSeed() : "") + " (measured)";
            System.out.printf(Locale.ROOT, format, label, r.requests(), r.served(), r.rejected(), r.failed(), r.substitutions(),
                    mb(s.meanMb()), mb(s.stdMb()), String.format(Locale.ROOT, "%.2f", s.cv()));
        }
        if (repeats > 1) {
            for (String mode : modes) {
                List<Result> runs = results.stream().filter(r -> r.mode().equals(mode)).toList();
                System.out.printf(Locale.ROOT, format, mode + ", mean of " + runs.size(), average(runs, r -> r.requests()),
                        average(runs, r -> r.served()), average(runs, r -> r.rejected()), average(runs, r -> r.failed()),
                        average(runs, r -> r.substitutions()), mb(runs.stream().mapToDouble(r -> r.stats().meanMb()).average().orElse(0)),
                        mb(runs.stream().mapToDouble(r -> r.stats().stdMb()).average().orElse(0)),
                        String.format(Locale.ROOT, "%.2f", meanCv(runs)));
            }
        }
        System.out.printf(Locale.ROOT, format, "on (paper 003)", 100, "-", "-", "-", "-", mb(PAPER_MEAN_ON),
                String.format(Locale.ROOT, "%.2f", PAPER_STD_ON), String.format(Locale.ROOT, "%.2f", PAPER_STD_ON / PAPER_MEAN_ON));
        System.out.printf(Locale.ROOT, format, "off (paper 003)", 100, "-", "-", "-", "-", mb(PAPER_MEAN_OFF),
                String.format(Locale.ROOT, "%.2f", PAPER_STD_OFF), String.format(Locale.ROOT, "%.2f", PAPER_STD_OFF / PAPER_MEAN_OFF));
        System.out.println("served: chains that became ACTIVE; std dev: population standard deviation over the VNF-cloud switches; "
                + "CV = std dev / mean. The runs are time-compressed, so compare CVs with the paper, not MB.");

        System.out.println();
        System.out.println("Per VNF-cloud switch, MB (path: integrated from the broker's events; flow tables: sampled check)");
        StringBuilder h = new StringBuilder(String.format("| %-30s |", "run"));
        cloudSwitches.forEach(sw -> h.append(String.format(" %12s |", sw)));
        System.out.println(h);
        System.out.println(h.toString().replaceAll("[^|]", "-"));
        for (Result r : results) {
            String run = r.mode() + (repeats > 1 ? ", seed " + r.requestSeed() : "");
            for (boolean flowTables : new boolean[]{false, true}) {
                StringBuilder row = new StringBuilder(String.format("| %-30s |", run + (flowTables ? ": flow tables" : ": path")));
                Map<String, Double> bytes = flowTables ? r.flowTableBytes() : r.pathBytes();
                cloudSwitches.forEach(sw -> row.append(String.format(" %12s |", mb(bytes.get(sw) / 1e6))));
                System.out.println(row);
            }
        }

        System.out.println();
        for (Result r : results) {
            double path = r.pathBytes().values().stream().mapToDouble(Double::doubleValue).sum();
            double flows = r.flowTableBytes().values().stream().mapToDouble(Double::doubleValue).sum();
            System.out.printf(Locale.ROOT, "redirection %s%s: rejections %s; deleted before ACTIVE %d; degradations detected %d%s; "
                            + "substitutions completed %d, not applied %s; errors %d; arrivals late by %.1f ms on average, %d ms at most; flow-table total %+.1f%% "
                            + "of the path total%n",
                    r.mode(), repeats > 1 ? " (seed " + r.requestSeed() + ")" : "", r.rejections().isEmpty() ? "none" : r.rejections(),
                    r.cancelled(),
                    r.degradations(), r.degradationsByMetric().isEmpty() ? "" : " " + r.degradationsByMetric(), r.substitutions(),
                    r.substitutionsNotApplied().isEmpty() ? "0" : r.substitutionsNotApplied(), r.errors(), r.meanArrivalLagMs(), r.maxArrivalLagMs(), path == 0 ? 0 : (flows - path) / path * 100);
        }
        List<Result> on = results.stream().filter(r -> r.mode().equals("on")).toList();
        List<Result> off = results.stream().filter(r -> r.mode().equals("off")).toList();
        if (on.isEmpty() || off.isEmpty()) {
            return;
        }
        double cvOn = meanCv(on);
        double cvOff = meanCv(off);
        double stdOn = on.stream().mapToDouble(r -> r.stats().stdMb()).average().orElse(0);
        double stdOff = off.stream().mapToDouble(r -> r.stats().stdMb()).average().orElse(0);
        int substitutions = on.stream().mapToInt(Result::substitutions).sum();
        int sequences = Math.min(on.size(), off.size());
        int lower = 0;
        for (int i = 0; i < sequences; i++) {
            if (on.get(i).stats().cv() < off.get(i).stats().cv()) {
                lower++;
            }
        }
        String mean = sequences > 1 ? "mean " : "";
        System.out.println();
        System.out.printf(Locale.ROOT, "Verdict: %sCV of switch load %.2f without redirection, %.2f with it (paper 003: 0.80 and 0.24); "
                + "lower with redirection in %d of %d sequence(s).%n", mean, cvOff, cvOn, lower, sequences);
        if (substitutions == 0) {
            System.out.println("  No substitution happened with redirection on, so redirection did not act on these chains; the runs "
                    + "differ only through monitoring's measured load in the selection of new chains, and timing.");
        } else if (sequences < 3) {
            System.out.printf(Locale.ROOT, "  %s One sequence's CV moves by a few hundredths between runs of the same seed (run "
                    + "timing decides which instance a chain lands on); run --repeats 5 before drawing a conclusion.%n",
                    lower == 0 ? "Redirection did NOT reduce the spread in this run." : "Lower in this run.");
        } else if (lower == sequences) {
            System.out.println("  Redirection reduced the spread in every sequence.");
        } else if (lower == 0) {
            System.out.println("  Redirection did NOT reduce the spread in any sequence.");
        } else {
            System.out.println("  Not a consistent reduction: redirection lowered the spread in some sequences and not in others.");
        }
        int servedOn = on.stream().mapToInt(Result::served).sum();
        int servedOff = off.stream().mapToInt(Result::served).sum();
        System.out.printf(Locale.ROOT, "  Served: %d of %d requests with redirection, %d without; %sstd dev %.1f MB with, %.1f MB without%s.%n",
                servedOn, on.stream().mapToInt(Result::requests).sum(), servedOff, mean, stdOn, stdOff,
                servedOn < servedOff ? " (with fewer chains carried, the MB figures shrink with the volume, so the CV is the measure of spread)" : "");
    }

    private static double meanCv(List<Result> runs) {
        return runs.stream().mapToDouble(r -> r.stats().cv()).average().orElse(0);
    }

    private static String average(List<Result> runs, java.util.function.ToIntFunction<Result> f) {
        return String.format(Locale.ROOT, "%.1f", runs.stream().mapToInt(f).average().orElse(0));
    }

    private static String mb(double mb) {
        return String.format(Locale.ROOT, "%.1f", mb);
    }
}
