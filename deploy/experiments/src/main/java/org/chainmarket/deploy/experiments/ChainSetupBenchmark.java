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
 * active. Prints percentiles per chain length, then the {@link Floor} of each length measured in the same run (the
 * irreducible HTTP, PostgreSQL and Kafka parts at the sizes the orders had) and the latencies as ratios to it.
 */
@Command(name = "chain-setup-benchmark", mixinStandardHelpOptions = true)
public final class ChainSetupBenchmark implements Callable<Integer> {
    @Option(names = "--orders", defaultValue = "500", description = "orders per chain length (default: ${DEFAULT-VALUE})")
    int orders;

    @Option(names = "--warmup", defaultValue = "1500", description = "orders before measuring, per chain length (default: "
            + "${DEFAULT-VALUE}: on two cores the JIT compiles for minutes, and after 100 orders it still takes a third of the CPU)")
    int warmup;

    @Option(names = "--hops", defaultValue = "3,5", split = ",", description = "chain lengths (default: ${DEFAULT-VALUE})")
    int[] hops;

    @Option(names = "--floor", defaultValue = "300", description = "samples of each floor part per chain length, 0 for none (default: ${DEFAULT-VALUE})")
    int floorSamples;

    private final Map<String, Long> activatedAt = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> waiting = new ConcurrentHashMap<>();
    /** Bytes and count of the records read, per kind ("command", "ack", "event"), of the current chain length. */
    private final Map<String, long[]> recordSizes = new ConcurrentHashMap<>();
    private final SetupStages stages = new SetupStages();

    public static void main(String[] args) {
        System.exit(new CommandLine(new ChainSetupBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        DemoMarket demo = DemoMarket.abilene();
        List<String> switches = Topology.bundled("Abilene").nodes().stream().map(Topology.Node::id).toList();
        try (Marketplace market = Marketplace.start(demo, Map.of("micronaut.server.port", "-1"));
             TopicTail events = new TopicTail(market.bootstrapServers(), market.kafka().admin(), tailed(demo), TopicTail.From.END, this::onEvent)) {
            HttpClient http = HttpClient.newHttpClient();
            String url = market.url() + "/api/v1/chains";
            Random random = new Random(42);
            List<String[]> rows = new ArrayList<>();
            List<String[]> ratios = new ArrayList<>();
            List<String[]> parts = new ArrayList<>();
            List<String[]> cpu = new ArrayList<>();
            List<String[]> stageRows = new ArrayList<>();
            for (int h : hops) {
                run(http, url, switches, random, h, warmup);
                recordSizes.clear();
                stages.rows(h);
                long cpu0 = ProcessCpu.nanos();
                long jit0 = ProcessCpu.jitMillis();
                Times t = run(http, url, switches, random, h, orders);
                stageRows.addAll(stages.rows(h));
                long jit1 = ProcessCpu.jitMillis();
                cpu.add(new String[]{String.valueOf(h), String.valueOf(orders), ProcessCpu.msPer(cpu0, ProcessCpu.nanos(), orders),
                        ProcessCpu.msPer(jit0 * 1_000_000, jit1 * 1_000_000, orders)});
                rows.add(row(h, "POST -> ACTIVE", t.active));
                rows.add(row(h, "POST -> 201", t.posted));
                rows.add(row(h, "stored -> ACTIVE", t.broker));
                if (floorSamples > 0) {
                    Floor.Sizes sizes = new Floor.Sizes(t.orderBytes, t.chainBytes, mean("command"), mean("ack"), mean("event"),
                            (int) Math.round(t.domains), h);
                    Floor.Parts f = Floor.measure(market, t.lastBody, sizes, floorSamples);
                    parts.add(new String[]{String.valueOf(h), LatencySummary.ms(f.p50(f.http())), LatencySummary.ms(f.p50(f.orderTx())),
                            LatencySummary.ms(f.p50(f.activationTx())), LatencySummary.ms(f.p50(f.kafkaRoundTrip())),
                            LatencySummary.ms(f.created()), LatencySummary.ms(f.active()), sizes.toString()});
                    ratios.add(ratio(h, "POST -> 201", t.posted, f.created()));
                    ratios.add(ratio(h, "POST -> ACTIVE", t.active, f.active()));
                }
            }
            System.out.println();
            System.out.println("POST /api/v1/chains -> ACTIVE on the Abilene demo (3 emulated providers, " + demo.offers().size()
                    + " offers), sequential orders, ms");
            System.out.printf("%-5s %-17s %7s %8s %8s %8s %8s %8s%n", "hops", "span", "orders", "p50", "p95", "p99", "max", "mean");
            rows.forEach(r -> System.out.printf("%-5s %-17s %7s %8s %8s %8s %8s %8s%n", (Object[]) r));
            System.out.println("paper 003 (network set-up alone, Floodlight): 36.32 ms for 3 VNFs, 50.14 ms for 5 VNFs");
            System.out.println();
            System.out.println("CPU per order (order, ACTIVE, read, end; this JVM and the PostgreSQL it started), and the JIT "
                    + "compilers' compile time (elapsed, summed over their threads) while the orders ran, per order, ms");
            System.out.printf("%-5s %7s %9s %9s%n", "hops", "orders", "cpu/order", "jit/order");
            cpu.forEach(r -> System.out.printf("%-5s %7s %9s %9s%n", (Object[]) r));
            System.out.println();
            System.out.println("where the time goes, per order (record send times from ce_time, read times by this JVM's reader), ms");
            System.out.printf("%-5s %-50s %8s %8s%n", "hops", "stage", "p50", "mean");
            stageRows.forEach(r -> System.out.printf("%-5s %-50s %8s %8s%n", (Object[]) r));
            if (!parts.isEmpty()) {
                System.out.println();
                System.out.println("floor, same run, p50 ms: HTTP round trip (order body, no work), order transaction, activation transaction,"
                        + " Kafka round trip; floor of 201 = HTTP + order tx; floor of ACTIVE = that + 1.5 Kafka round trips + activation tx");
                System.out.printf("%-5s %8s %9s %9s %9s %9s %9s  %s%n", "hops", "http", "order-tx", "activ-tx", "kafka-rt", "floor201", "floorACT", "sizes");
                parts.forEach(r -> System.out.printf("%-5s %8s %9s %9s %9s %9s %9s  %s%n", (Object[]) r));
                System.out.println();
                System.out.println("latency as a ratio to the floor measured in the same run (target: p50 within 2x, p99 within 4x)");
                System.out.printf("%-5s %-15s %8s %8s %8s %10s %10s%n", "hops", "span", "p50", "p99", "floor", "p50/floor", "p99/floor");
                ratios.forEach(r -> System.out.printf("%-5s %-15s %8s %8s %8s %10s %10s%n", (Object[]) r));
            }
        }
        return 0;
    }

    /**
     * Per order: POST→ACTIVE, POST→201 answer, and the broker's own created→activated time, in ns; the last order's
     * body, and the mean sizes of the orders' bodies and answers (bytes) and of their crossed domains.
     */
    private static final class Times {
        final long[] active;
        final long[] posted;
        final long[] broker;
        String lastBody;
        int orderBytes;
        int chainBytes;
        double domains;

        Times(int n) {
            active = new long[n];
            posted = new long[n];
            broker = new long[n];
        }
    }

    /** Places {@code n} orders one after another. */
    private Times run(HttpClient http, String url, List<String> switches, Random random, int hops, int n) throws Exception {
        Times times = new Times(n);
        long orderBytes = 0;
        long chainBytes = 0;
        long domains = 0;
        for (int i = 0; i < n; i++) {
            String body = RandomOrders.body(switches, random, hops);
            long postedAt = SetupStages.nowMicros();
            long start = System.nanoTime();
            HttpResponse<String> r = http.send(DemoRequests.to(URI.create(url)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new IllegalStateException("order " + body + " answered " + r.statusCode() + ": " + r.body());
            }
            times.posted[i] = System.nanoTime() - start;
            long answeredAt = SetupStages.nowMicros();
            times.lastBody = body;
            orderBytes += body.getBytes(StandardCharsets.UTF_8).length;
            chainBytes += r.body().getBytes(StandardCharsets.UTF_8).length;
            String id = Json.MAPPER.readTree(r.body()).get("chainId").asText();
            CountDownLatch done = waiting.computeIfAbsent(id, k -> new CountDownLatch(1));
            if (!done.await(30, TimeUnit.SECONDS)) {
                String now = http.send(DemoRequests.to(URI.create(url + "/" + id)).build(), HttpResponse.BodyHandlers.ofString()).body();
                throw new IllegalStateException("chain " + id + " did not become ACTIVE in 30 s: " + now);
            }
            times.active[i] = activatedAt.get(id) - start;
            var view = Json.MAPPER.readTree(http.send(DemoRequests.to(URI.create(url + "/" + id)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            java.time.Instant storedAt = java.time.Instant.parse(view.get("createdAt").asText());
            java.time.Instant activeAt = java.time.Instant.parse(view.get("activatedAt").asText());
            times.broker[i] = Duration.between(storedAt, activeAt).toNanos();
            stages.order(id, postedAt, answeredAt, storedAt, activeAt);
            domains += view.get("domains").size();
            http.send(DemoRequests.to(URI.create(url + "/" + id)).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        }
        times.orderBytes = (int) (orderBytes / Math.max(1, n));
        times.chainBytes = (int) (chainBytes / Math.max(1, n));
        times.domains = (double) domains / Math.max(1, n);
        return times;
    }

    /** The chain events and every demo provider's command and acknowledgement topics. */
    private static List<String> tailed(DemoMarket demo) {
        List<String> topics = new java.util.ArrayList<>(List.of(Topics.CHAIN_EVENTS));
        demo.providers().forEach(p -> {
            topics.add(Topics.forProvider(Topics.DOMAIN_COMMANDS, p.id()));
            topics.add(Topics.forProvider(Topics.DOMAIN_ACKS, p.id()));
        });
        return topics;
    }

    private void onEvent(ConsumerRecord<String, byte[]> r) {
        var type = r.headers().lastHeader(CloudEvents.TYPE);
        String typeName = type == null ? "" : new String(type.value(), StandardCharsets.UTF_8);
        String family = Topics.familyOf(r.topic());
        String kind = family.equals(Topics.DOMAIN_COMMANDS) ? (typeName.equals("PathSetupRequested") ? "command" : null)
                : family.equals(Topics.DOMAIN_ACKS) ? "ack" : typeName.equals("ChainActivated") ? "event" : null;
        if (kind != null && r.value() != null) {
            int bytes = r.value().length + (r.key() == null ? 0 : r.key().length());
            for (var header : r.headers()) {
                bytes += header.key().length() + (header.value() == null ? 0 : header.value().length);
            }
            long[] tally = recordSizes.computeIfAbsent(kind, k -> new long[2]);
            synchronized (tally) {
                tally[0] += bytes;
                tally[1]++;
            }
        }
        stages.read(r, typeName);
        if (type != null && "ChainActivated".equals(new String(type.value(), StandardCharsets.UTF_8))) {
            activatedAt.put(r.key(), System.nanoTime());
            waiting.computeIfAbsent(r.key(), k -> new CountDownLatch(1)).countDown();
        }
    }

    /** Mean size in bytes of the records of {@code kind} read since the sizes were last cleared. */
    private int mean(String kind) {
        long[] tally = recordSizes.getOrDefault(kind, new long[] {0, 0});
        return (int) (tally[0] / Math.max(1, tally[1]));
    }

    private static String[] ratio(int hops, String span, long[] ns, long floor) {
        LatencySummary s = new LatencySummary(ns);
        return new String[]{String.valueOf(hops), span, LatencySummary.ms(s.percentile(50)), LatencySummary.ms(s.percentile(99)),
                LatencySummary.ms(floor), String.format(java.util.Locale.ROOT, "%.2f", (double) s.percentile(50) / floor),
                String.format(java.util.Locale.ROOT, "%.2f", (double) s.percentile(99) / floor)};
    }

    private static String[] row(int hops, String span, long[] ns) {
        LatencySummary summary = new LatencySummary(ns);
        String[] cells = summary.cells();
        return new String[]{String.valueOf(hops), span, String.valueOf(summary.count()), cells[0], cells[1], cells[2], cells[3], cells[4]};
    }
}
