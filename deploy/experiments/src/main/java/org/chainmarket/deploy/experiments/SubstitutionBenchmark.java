package org.chainmarket.deploy.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.chainmarket.adapters.emulated.EmulatedDomain;
import org.chainmarket.deploy.DemoRequests;
import org.chainmarket.deploy.Marketplace;
import org.chainmarket.deploy.demo.DemoMarket;
import org.chainmarket.deploy.embedded.TopicTail;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.selection.topology.Topology;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Time from the degrading sample entering Kafka to the new path being ACTIVE, through the whole loop: an emulated
 * domain reports an instance DOWN (its telemetry batch is published at t0), monitoring-ingest raises the
 * degradation, the broker re-selects and substitutes make-before-break, the domains acknowledge, and the
 * substitution completes (its HopSubstituted event read from Kafka). One chain at a time, then 200 chains at
 * once when the site carrying them fails. Prints percentiles.
 */
@Command(name = "substitution-benchmark", mixinStandardHelpOptions = true)
public final class SubstitutionBenchmark implements Callable<Integer> {
    static final String SITE = "new-york";
    /** Between one-chain runs: the revived instance's recovery and the chain's tear-down settle. */
    static final long PAUSE_MS = 1500;

    @Option(names = "--single", defaultValue = "30", description = "one-chain substitutions to time (default: ${DEFAULT-VALUE})")
    int single;

    @Option(names = "--warmup", defaultValue = "20", description = "untimed one-chain substitutions first, so the JIT has compiled the path (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--chains", defaultValue = "200", description = "chains on the failing site (default: ${DEFAULT-VALUE})")
    int chains;

    @Option(names = "--site-rounds", defaultValue = "3", description = "site failures in a row; the first runs with the JIT cold (default: ${DEFAULT-VALUE})")
    int siteRounds;

    @Option(names = "--warm-up-rounds", description = "rounds of the marketplace's start-up warm-up; 0 turns it off (default: the marketplace's)")
    Integer warmUpRounds;

    /** The line that gives the first substitutions' and the warm ones' p50 and p99 (ms), for {@link StartupBenchmark}. */
    static final String FIRST_AND_WARM = "first and warm one-chain substitutions, p50 p99 p50 p99 (ms):";

    private final Map<String, Long> doneAt = new ConcurrentHashMap<>();
    private final Map<String, String> outcome = new ConcurrentHashMap<>();
    /** When the listener last saw a degradation event, and per chain its first command and last ack (ns). */
    private volatile long degradationSeenAt;
    /** When the marketplace had started (ns). */
    private long startedAt;
    private final Map<String, Long> firstCommandAt = new ConcurrentHashMap<>();
    private final Map<String, Long> lastAckAt = new ConcurrentHashMap<>();
    private final Map<String, Long> ackBeforeDone = new ConcurrentHashMap<>();
    /** Subjects (offer ids) whose degradation monitoring cleared. */
    private final Set<String> cleared = ConcurrentHashMap.newKeySet();

    public static void main(String[] args) {
        System.exit(new CommandLine(new SubstitutionBenchmark()).execute(args));
    }

    /** Substitutions, chain events, degradations, and every provider's commands and acknowledgements. */
    private static List<String> watched(Marketplace market) {
        List<String> topics = new ArrayList<>(List.of(Topics.SUBSTITUTIONS, Topics.CHAIN_EVENTS, Topics.DEGRADATIONS));
        market.providers().forEach(p -> {
            topics.add(Topics.forProvider(Topics.DOMAIN_COMMANDS, p));
            topics.add(Topics.forProvider(Topics.DOMAIN_ACKS, p));
        });
        return topics;
    }

    @Override
    public Integer call() throws Exception {
        DemoMarket demo = DemoMarket.of(Topology.bundled("Abilene"), 3, 3, 4000, 400, 3).withCheapSite(SITE);
        List<String[]> rows = new ArrayList<>();
        Map<String, String> properties = new java.util.HashMap<>(Map.of("micronaut.server.port", "-1", Marketplace.TELEMETRY_INTERVAL, "1s"));
        if (warmUpRounds != null) {
            properties.put(Marketplace.WARM_UP_ROUNDS, String.valueOf(warmUpRounds));
        }
        long started = System.nanoTime();
        try (Marketplace market = Marketplace.start(demo, properties);
             TopicTail events = new TopicTail(market.bootstrapServers(), market.kafka().admin(), watched(market),
                     TopicTail.From.END, this::onRecord)) {
            startedAt = System.nanoTime();
            HttpClient http = HttpClient.newHttpClient();
            String api = market.url() + "/api/v1";
            List<String> switches = Topology.bundled("Abilene").nodes().stream().map(Topology.Node::id).filter(s -> !s.equals(SITE)).toList();

            long[] cold = new long[warmup];
            long[] one = new long[single];
            long[][] stages = new long[4][single];
            Random random = new Random(7);
            for (int i = -warmup; i < single; i++) {
                String a = switches.get(random.nextInt(switches.size()));
                String b = switches.get(random.nextInt(switches.size()));
                JsonNode chain = buy(http, api, a, b, 20, 100);
                JsonNode hop = chain.get("hops").get(0);
                OfferId victim = OfferId.of(hop.get("offerId").asText());
                ProviderId provider = ProviderId.of(hop.get("providerId").asText());
                String id = chain.get("chainId").asText();
                firstCommandAt.remove(id);
                long t0 = kill(market, provider, List.of(victim));
                long done = await(id);
                if (i < 0) {
                    cold[warmup + i] = done - t0;
                } else {
                    one[i] = done - t0;
                    long detected = degradationSeenAt;
                    long commanded = firstCommandAt.getOrDefault(id, detected);
                    long acked = ackBeforeDone.getOrDefault(id, commanded);
                    stages[0][i] = detected - t0;
                    stages[1][i] = commanded - detected;
                    stages[2][i] = acked - commanded;
                    stages[3][i] = done - acked;
                }
                revive(market, provider, List.of(victim));
                http.send(DemoRequests.to(URI.create(api + "/chains/" + id)).DELETE().build(), HttpResponse.BodyHandlers.discarding());
                Thread.sleep(PAUSE_MS);
            }
            if (warmup > 0) {
                rows.add(row("1 chain, instance down, first " + warmup + " after start", cold, warmup));
            }
            rows.add(row("1 chain, instance down" + (warmup > 0 ? ", the " + single + " after those" : ""), one, single));
            rows.add(row("  stage: sample -> degradation event read", stages[0], single));
            rows.add(row("  stage: degradation -> first domain command", stages[1], single));
            rows.add(row("  stage: first command -> last domain ack", stages[2], single));
            rows.add(row("  stage: last ack -> HopSubstituted read", stages[3], single));

            for (int round = 0; round < siteRounds; round++) {
                SiteFailure f = failSite(market, http, api);
                long[] many = f.spans();
                String what = round == 0 ? " (first, JIT cold)" : " (round " + (round + 1) + ")";
                rows.add(row(many.length + " chains, site down" + what + ", " + f.moved() + " moved, " + (many.length - f.moved()) + " failed",
                        many, many.length));
                rows.add(new String[]{"  all " + many.length + " re-homed after", "", "", "", LatencySummary.ms(new LatencySummary(many).max()), "", ""});
            }
            System.out.println();
            System.out.println("Degrading sample into Kafka -> substitution complete (new path ACTIVE), Abilene demo with monitoring, ms");
            System.out.printf("%-64s %6s %8s %8s %8s %8s %8s%n", "case", "n", "p50", "p95", "p99", "max", "mean");
            rows.forEach(r -> System.out.printf("%-64s %6s %8s %8s %8s %8s %8s%n", (Object[]) r));
            System.out.println("paper 003: 0.3 s redirection time; targets: p99 < 100 ms for one chain, 200 chains re-homed < 2 s");
            System.out.println("(every instance at " + SITE + " failed; the site is restored and its chains ended between rounds)");
            if (warmup > 0 && single > 0) {
                LatencySummary f = new LatencySummary(cold);
                LatencySummary w = new LatencySummary(one);
                System.out.printf(Locale.ROOT, "marketplace started in %.1f s; first %d p99 / warm p99 = %.2f%n",
                        (startedAt - started) / 1e9, warmup, (double) f.percentile(99) / w.percentile(99));
                System.out.println(FIRST_AND_WARM + " " + LatencySummary.ms(f.percentile(50)) + " " + LatencySummary.ms(f.percentile(99))
                        + " " + LatencySummary.ms(w.percentile(50)) + " " + LatencySummary.ms(w.percentile(99)));
            }
        }
        return 0;
    }

    /** Spans from the failure to each chain's outcome (ns), and how many chains were moved rather than failed. */
    private record SiteFailure(long[] spans, int moved) {
    }

    /**
     * Buys {@link #chains} chains at the site, fails every instance there, times each chain's substitution; then
     * restores the site, waits until monitoring cleared it, and ends the chains.
     */
    private SiteFailure failSite(Marketplace market, HttpClient http, String api) throws Exception {
        List<String> ids = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<JsonNode>> bought = new ArrayList<>();
            for (int i = 0; i < chains; i++) {
                bought.add(pool.submit(() -> buy(http, api, SITE, SITE, 10, 80)));
            }
            for (Future<JsonNode> f : bought) {
                ids.add(f.get().get("chainId").asText());
            }
        } finally {
            pool.shutdown();
        }
        // the site's instances all belong to the provider of the first chain's first hop
        EmulatedDomain owner = market.domain(ProviderId.of(Json.MAPPER.readTree(http.send(DemoRequests.to(URI.create(api + "/chains/" + ids.get(0))).build(), HttpResponse.BodyHandlers.ofString()).body())
                .get("hops").get(0).get("providerId").asText()));
        List<String> siteOffers = owner.offers().values().stream().filter(o -> o.siteId().endsWith("-" + SITE))
                .map(o -> o.offerId().value()).toList();
        String siteId = owner.offers().get(OfferId.of(siteOffers.get(0))).siteId();
        siteOffers.forEach(cleared::remove);
        owner.failSite(siteId);
        long t0 = System.nanoTime();
        market.runner(owner.domain().providerId()).publishTelemetry();
        long[] spans = new long[ids.size()];
        int moved = 0;
        for (int i = 0; i < ids.size(); i++) {
            spans[i] = await(ids.get(i)) - t0;
            moved += "HopSubstituted".equals(outcome.get(ids.get(i))) ? 1 : 0;
        }
        owner.restoreSite(siteId);
        for (String id : ids) {
            http.send(DemoRequests.to(URI.create(api + "/chains/" + id)).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        }
        for (int i = 0; i < 300 && !cleared.containsAll(siteOffers); i++) {
            market.runner(owner.domain().providerId()).publishTelemetry();
            Thread.sleep(100);
        }
        return new SiteFailure(spans, moved);
    }

    private static JsonNode buy(HttpClient http, String api, String a, String b, double mbps, double maxLatency) throws Exception {
        String body = Json.text(Map.of("vnfTypes", List.of("firewall", "dpi"), "ingress", a, "egress", b,
                "bandwidthMbps", mbps, "maxLatencyMs", maxLatency, "maxPricePerHour", 100));
        HttpResponse<String> r = http.send(DemoRequests.to(URI.create(api + "/chains")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("order " + body + " answered " + r.statusCode() + ": " + r.body());
        }
        String id = Json.MAPPER.readTree(r.body()).get("chainId").asText();
        for (int i = 0; i < 3000; i++) {
            JsonNode c = Json.MAPPER.readTree(http.send(DemoRequests.to(URI.create(api + "/chains/" + id)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            if (c.get("state").asText().equals("ACTIVE")) {
                return c;
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("chain " + id + " did not become ACTIVE");
    }

    /** Kills the instances and publishes their domain's telemetry at once; returns when the batch left (t0). */
    private static long kill(Marketplace market, ProviderId provider, List<OfferId> offers) {
        offers.forEach(market.domain(provider)::kill);
        long t0 = System.nanoTime();
        market.runner(provider).publishTelemetry();
        return t0;
    }

    private static void revive(Marketplace market, ProviderId provider, List<OfferId> offers) {
        offers.forEach(market.domain(provider)::revive);
        market.runner(provider).publishTelemetry();
    }

    /** When the chain's substitution completed or failed (ns), waiting up to 30 s. */
    private long await(String chainId) throws InterruptedException {
        for (int i = 0; i < 3000 && !doneAt.containsKey(chainId); i++) {
            Thread.sleep(10);
        }
        Long t = doneAt.remove(chainId);
        if (t == null) {
            throw new IllegalStateException("chain " + chainId + " was not substituted within 30 s");
        }
        return t;
    }

    /** Takes the time each record of interest is read. */
    private void onRecord(ConsumerRecord<String, byte[]> r) {
        var header = r.headers().lastHeader(CloudEvents.TYPE);
        String type = header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
        long now = System.nanoTime();
        if (r.topic().equals(Topics.DEGRADATIONS) && type.equals("DegradationCleared")) {
            cleared.add(r.key());
        } else if (r.topic().equals(Topics.DEGRADATIONS)) {
            degradationSeenAt = now;
        } else if (Topics.familyOf(r.topic()).equals(Topics.DOMAIN_COMMANDS)) {
            firstCommandAt.putIfAbsent(r.key(), now);
        } else if (Topics.familyOf(r.topic()).equals(Topics.DOMAIN_ACKS)) {
            lastAckAt.put(r.key(), now);
        }
        if (type.equals("HopSubstituted") || type.equals("ChainFailed")) {
            outcome.put(r.key(), type);
            doneAt.putIfAbsent(r.key(), now);
            ackBeforeDone.put(r.key(), lastAckAt.getOrDefault(r.key(), 0L));
        }
    }

    private static String[] row(String name, long[] ns, int n) {
        String[] cells = new LatencySummary(ns).cells();
        return new String[]{name, String.valueOf(n), cells[0], cells[1], cells[2], cells[3], cells[4]};
    }
}
