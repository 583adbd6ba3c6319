package org.chainmarket.deploy.experiments;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.chainmarket.deploy.DemoRequests;
import org.chainmarket.deploy.Marketplace;
import org.chainmarket.deploy.demo.DemoMarket;
import org.chainmarket.deploy.embedded.TopicTail;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.events.Topics;
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
import java.util.concurrent.TimeUnit;

/**
 * Time from {@code POST /api/v1/chains} to the chain being ACTIVE (its ChainActivated event read from Kafka) on the
 * Abilene demo, for 3- and 5-hop chains between random switches, one order at a time; each chain is deleted once
 * active. Prints percentiles per chain length.
 */
@Command(name = "chain-setup-benchmark", mixinStandardHelpOptions = true)
public final class ChainSetupBenchmark implements Callable<Integer> {
    @Option(names = "--orders", defaultValue = "500", description = "orders per chain length (default: ${DEFAULT-VALUE})")
    int orders;

    @Option(names = "--warmup", defaultValue = "100", description = "orders before measuring (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--hops", defaultValue = "3,5", split = ",", description = "chain lengths (default: ${DEFAULT-VALUE})")
    int[] hops;

    private final Map<String, Long> activatedAt = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> waiting = new ConcurrentHashMap<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new ChainSetupBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        DemoMarket demo = DemoMarket.abilene();
        List<String> switches = Topology.bundled("Abilene").nodes().stream().map(Topology.Node::id).toList();
        try (Marketplace market = Marketplace.start(demo, Map.of("micronaut.server.port", "-1"));
             TopicTail events = new TopicTail(market.bootstrapServers(), market.kafka().admin(), List.of(Topics.CHAIN_EVENTS), TopicTail.From.END, this::onEvent)) {
            HttpClient http = HttpClient.newHttpClient();
            String url = market.url() + "/api/v1/chains";
            Random random = new Random(42);
            List<String[]> rows = new ArrayList<>();
            for (int h : hops) {
                run(http, url, switches, random, h, warmup);
                Times t = run(http, url, switches, random, h, orders);
                rows.add(row(h, "POST -> ACTIVE", t.active));
                rows.add(row(h, "POST -> 201", t.posted));
                rows.add(row(h, "stored -> ACTIVE", t.broker));
            }
            System.out.println();
            System.out.println("POST /api/v1/chains -> ACTIVE on the Abilene demo (3 emulated providers, " + demo.offers().size()
                    + " offers), sequential orders, ms");
            System.out.printf("%-5s %-17s %7s %8s %8s %8s %8s %8s%n", "hops", "span", "orders", "p50", "p95", "p99", "max", "mean");
            rows.forEach(r -> System.out.printf("%-5s %-17s %7s %8s %8s %8s %8s %8s%n", (Object[]) r));
            System.out.println("paper 003 (network set-up alone, Floodlight): 36.32 ms for 3 VNFs, 50.14 ms for 5 VNFs");
        }
        return 0;
    }

    /** Per order: POST→ACTIVE, POST→201 answer, and the broker's own created→activated time, in ns. */
    private record Times(long[] active, long[] posted, long[] broker) {
    }

    /** Places {@code n} orders one after another. */
    private Times run(HttpClient http, String url, List<String> switches, Random random, int hops, int n) throws Exception {
        Times times = new Times(new long[n], new long[n], new long[n]);
        for (int i = 0; i < n; i++) {
            String ingress = switches.get(random.nextInt(switches.size()));
            String egress;
            do {
                egress = switches.get(random.nextInt(switches.size()));
            } while (egress.equals(ingress));
            List<String> types = new ArrayList<>();
            for (int k = 0; k < hops; k++) {
                types.add(DemoMarket.VNF_TYPES.get(random.nextInt(DemoMarket.VNF_TYPES.size())));
            }
            String body = Json.text(Map.of("vnfTypes", types, "ingress", ingress, "egress", egress,
                    "bandwidthMbps", 10, "maxLatencyMs", 200, "maxPricePerHour", 100));
            long start = System.nanoTime();
            HttpResponse<String> r = http.send(DemoRequests.to(URI.create(url)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new IllegalStateException("order " + body + " answered " + r.statusCode() + ": " + r.body());
            }
            times.posted[i] = System.nanoTime() - start;
            String id = Json.MAPPER.readTree(r.body()).get("chainId").asText();
            CountDownLatch done = waiting.computeIfAbsent(id, k -> new CountDownLatch(1));
            if (!done.await(30, TimeUnit.SECONDS)) {
                String now = http.send(DemoRequests.to(URI.create(url + "/" + id)).build(), HttpResponse.BodyHandlers.ofString()).body();
                throw new IllegalStateException("chain " + id + " did not become ACTIVE in 30 s: " + now);
            }
            times.active[i] = activatedAt.get(id) - start;
            var view = Json.MAPPER.readTree(http.send(DemoRequests.to(URI.create(url + "/" + id)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            times.broker[i] = Duration.between(java.time.Instant.parse(view.get("createdAt").asText()),
                    java.time.Instant.parse(view.get("activatedAt").asText())).toNanos();
            http.send(DemoRequests.to(URI.create(url + "/" + id)).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        }
        return times;
    }

    private void onEvent(ConsumerRecord<String, byte[]> r) {
        var type = r.headers().lastHeader(CloudEvents.TYPE);
        if (type != null && "ChainActivated".equals(new String(type.value(), StandardCharsets.UTF_8))) {
            activatedAt.put(r.key(), System.nanoTime());
            waiting.computeIfAbsent(r.key(), k -> new CountDownLatch(1)).countDown();
        }
    }

    private static String[] row(int hops, String span, long[] ns) {
        LatencySummary summary = new LatencySummary(ns);
        String[] cells = summary.cells();
        return new String[]{String.valueOf(hops), span, String.valueOf(summary.count()), cells[0], cells[1], cells[2], cells[3], cells[4]};
    }
}
