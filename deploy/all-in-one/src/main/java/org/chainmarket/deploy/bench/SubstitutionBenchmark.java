package org.chainmarket.deploy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.chainmarket.adapters.emulated.EmulatedDomain;
import org.chainmarket.deploy.Marketplace;
import org.chainmarket.deploy.demo.DemoMarket;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.Substitution;
import org.chainmarket.schemas.model.VnfOffer;
import org.chainmarket.selection.topology.Topology;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
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

    @Option(names = "--single", defaultValue = "30", description = "one-chain substitutions to time (default: ${DEFAULT-VALUE})")
    int single;

    @Option(names = "--chains", defaultValue = "200", description = "chains on the failing site (default: ${DEFAULT-VALUE})")
    int chains;

    private final Map<String, Long> doneAt = new ConcurrentHashMap<>();
    /** Per chain, the broker's own span: degradation event time to substitution complete (ms). */
    private final Map<String, Long> brokerSpan = new ConcurrentHashMap<>();
    private final Map<String, String> outcome = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SubstitutionBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        DemoMarket demo = DemoMarket.of(Topology.bundled("Abilene"), 3, 3, 4000, 400, 3).withCheapSite(SITE);
        List<String[]> rows = new ArrayList<>();
        try (Marketplace market = Marketplace.start(demo, Map.of("micronaut.server.port", "-1", Marketplace.TELEMETRY_INTERVAL, "1s"))) {
            CountDownLatch listening = new CountDownLatch(1);
            Thread listener = new Thread(() -> listen(market.bootstrapServers(), listening), "substitution-events");
            listener.start();
            listening.await();
            HttpClient http = HttpClient.newHttpClient();
            String api = market.url() + "/api/v1";
            List<String> switches = Topology.bundled("Abilene").nodes().stream().map(Topology.Node::id).filter(s -> !s.equals(SITE)).toList();

            long[] one = new long[single];
            long[] oneBroker = new long[single];
            Random random = new Random(7);
            for (int i = 0; i < single; i++) {
                String a = switches.get(random.nextInt(switches.size()));
                String b = switches.get(random.nextInt(switches.size()));
                JsonNode chain = buy(http, api, a, b, 20, 100);
                JsonNode hop = chain.get("hops").get(0);
                OfferId victim = OfferId.of(hop.get("offerId").asText());
                ProviderId provider = ProviderId.of(hop.get("providerId").asText());
                long t0 = kill(market, provider, List.of(victim));
                one[i] = await(chain.get("chainId").asText()) - t0;
                oneBroker[i] = brokerSpan.getOrDefault(chain.get("chainId").asText(), 0L) * 1_000_000;
                revive(market, provider, List.of(victim));
                http.send(HttpRequest.newBuilder(URI.create(api + "/chains/" + chain.get("chainId").asText())).DELETE().build(),
                        HttpResponse.BodyHandlers.discarding());
                Thread.sleep(3000);
            }
            rows.add(row("1 chain, instance down", one, single));
            rows.add(row("  of which degradation -> substitution complete", oneBroker, single));

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
            EmulatedDomain owner = market.domain(ProviderId.of(Json.MAPPER.readTree(http.send(HttpRequest.newBuilder(
                    URI.create(api + "/chains/" + ids.get(0))).build(), HttpResponse.BodyHandlers.ofString()).body())
                    .get("hops").get(0).get("providerId").asText()));
            List<VnfOffer> siteOffers = owner.offers().values().stream().filter(o -> o.siteId().endsWith("-" + SITE)).toList();
            owner.failSite(siteOffers.get(0).siteId());
            long t0 = System.nanoTime();
            market.runner(owner.domain().providerId()).publishTelemetry();
            long[] many = new long[ids.size()];
            long[] manyBroker = new long[ids.size()];
            int substituted = 0;
            for (int i = 0; i < ids.size(); i++) {
                many[i] = await(ids.get(i)) - t0;
                manyBroker[i] = brokerSpan.getOrDefault(ids.get(i), 0L) * 1_000_000;
                substituted += "HopSubstituted".equals(outcome.get(ids.get(i))) ? 1 : 0;
            }
            rows.add(row(ids.size() + " chains, site down (" + substituted + " moved, " + (ids.size() - substituted) + " failed)", many, ids.size()));
            rows.add(row("  of which degradation -> substitution complete", manyBroker, ids.size()));
            rows.add(new String[]{"  all " + ids.size() + " re-homed after", "", "", "", LatencySummary.ms(new LatencySummary(many).max()), "", ""});
            running = false;
            listener.join();
            System.out.println();
            System.out.println("Degrading sample into Kafka -> substitution complete (new path ACTIVE), Abilene demo with monitoring, ms");
            System.out.printf("%-48s %6s %8s %8s %8s %8s %8s%n", "case", "n", "p50", "p95", "p99", "max", "mean");
            rows.forEach(r -> System.out.printf("%-48s %6s %8s %8s %8s %8s %8s%n", (Object[]) r));
            System.out.println("paper 003: 0.3 s redirection time; targets: p99 < 100 ms for one chain, 200 chains re-homed < 2 s");
            System.out.println("(" + siteOffers.size() + " instances failed at " + SITE + ")");
        }
        return 0;
    }

    private static JsonNode buy(HttpClient http, String api, String a, String b, double mbps, double maxLatency) throws Exception {
        String body = Json.text(Map.of("buyerId", "bench", "vnfTypes", List.of("firewall", "dpi"), "ingress", a, "egress", b,
                "bandwidthMbps", mbps, "maxLatencyMs", maxLatency, "maxPricePerHour", 100));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/chains")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("order " + body + " answered " + r.statusCode() + ": " + r.body());
        }
        String id = Json.MAPPER.readTree(r.body()).get("chainId").asText();
        for (int i = 0; i < 3000; i++) {
            JsonNode c = Json.MAPPER.readTree(http.send(HttpRequest.newBuilder(URI.create(api + "/chains/" + id)).build(),
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

    private void listen(String bootstrapServers, CountDownLatch listening) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(Topics.SUBSTITUTIONS, Topics.CHAIN_EVENTS)) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            listening.countDown();
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    var header = r.headers().lastHeader(CloudEvents.TYPE);
                    String type = header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
                    if (type.equals("HopSubstituted") || type.equals("ChainFailed")) {
                        outcome.put(r.key(), type);
                        doneAt.putIfAbsent(r.key(), System.nanoTime());
                    }
                    if (type.equals("HopSubstituted")) {
                        Substitution sub = Json.read(new String(r.value(), StandardCharsets.UTF_8), Substitution.class);
                        brokerSpan.put(r.key(), Duration.between(sub.trigger().at(), sub.completedAt()).toMillis());
                    }
                }
            }
        }
    }

    private static String[] row(String name, long[] ns, int n) {
        String[] cells = new LatencySummary(ns).cells();
        return new String[]{name, String.valueOf(n), cells[0], cells[1], cells[2], cells[3], cells[4]};
    }
}
