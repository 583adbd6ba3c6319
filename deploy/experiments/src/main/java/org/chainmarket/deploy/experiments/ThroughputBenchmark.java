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
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sustained throughput of the whole order path: closed-loop clients, each ordering a chain between random switches,
 * waiting until it is ACTIVE (its ChainActivated read from Kafka), ending it (DELETE answered 202) and ordering the
 * next, for a fixed time per client count, on the demo market of each topology. Prints, per step, the chains per
 * second that went through order → ACTIVE → end, POST → ACTIVE and POST → 201 percentiles, and the orders refused
 * or failed; then the knee: the first client count whose POST → ACTIVE p50 is more than twice the one-client p50.
 * After each topology every chain ordered must have ended (the count of ChainTerminated read is printed).
 */
@Command(name = "throughput-benchmark", mixinStandardHelpOptions = true)
public final class ThroughputBenchmark implements Callable<Integer> {
    @Option(names = "--topology", defaultValue = "Abilene,Interoute", split = ",",
            description = "bundled topologies whose demo market is measured (default: ${DEFAULT-VALUE})")
    List<String> topologies;

    @Option(names = "--clients", defaultValue = "1,2,4,8,16,32", split = ",", description = "concurrent clients per step (default: ${DEFAULT-VALUE})")
    int[] clients;

    @Option(names = "--seconds", defaultValue = "20", description = "measured seconds per step (default: ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--warmup-seconds", defaultValue = "15", description = "seconds of load before the first step, not measured (default: ${DEFAULT-VALUE})")
    int warmupSeconds;

    @Option(names = "--hops", defaultValue = "3", description = "VNFs per chain (default: ${DEFAULT-VALUE})")
    int hops;

    private final Map<String, CountDownLatch> activated = new ConcurrentHashMap<>();
    private final Map<String, Long> activatedAt = new ConcurrentHashMap<>();
    private final AtomicInteger terminated = new AtomicInteger();

    public static void main(String[] args) {
        System.exit(new CommandLine(new ThroughputBenchmark()).execute(args));
    }

    /** One step's outcome: cycles completed in the window and the spans of the orders placed in it. */
    private record Step(int clients, double seconds, int cycles, long[] active, long[] posted, int refused, int failed, String cpuPerChain) {
    }

    @Override
    public Integer call() throws Exception {
        List<String> report = new ArrayList<>();
        for (String name : topologies) {
            Topology topology = Topology.bundled(name);
            DemoMarket demo = DemoMarket.of(topology, 3, 3, 4000, 400, 3);
            List<String> switches = topology.nodes().stream().map(Topology.Node::id).toList();
            activated.clear();
            activatedAt.clear();
            terminated.set(0);
            try (Marketplace market = Marketplace.start(demo, Map.of("micronaut.server.port", "-1"));
                 TopicTail events = new TopicTail(market.bootstrapServers(), market.kafka().admin(), List.of(Topics.CHAIN_EVENTS),
                         TopicTail.From.END, this::onEvent)) {
                HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
                URI chains = URI.create(market.url() + "/api/v1/chains");
                AtomicInteger ordered = new AtomicInteger();
                step(http, chains, switches, Math.max(4, clients[clients.length - 1] / 4), warmupSeconds, ordered);
                List<Step> steps = new ArrayList<>();
                for (int c : clients) {
                    steps.add(step(http, chains, switches, c, seconds, ordered));
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (terminated.get() < ordered.get() && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                print(name, demo, steps, ordered.get(), terminated.get(), report);
            }
        }
        System.out.println();
        report.forEach(System.out::println);
        return 0;
    }

    /** Runs {@code n} closed-loop clients for {@code seconds}; every chain a client ordered is ended before it returns. */
    private Step step(HttpClient http, URI chains, List<String> switches, int n, int seconds, AtomicInteger ordered) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        long start = System.nanoTime();
        long cpu0 = ProcessCpu.nanos();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        List<Future<long[][]>> results = new ArrayList<>();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        for (int i = 0; i < n; i++) {
            Random random = new Random(31L * n + i);
            results.add(pool.submit(() -> client(http, chains, switches, random, end, ordered, refused, failed)));
        }
        List<Long> active = new ArrayList<>();
        List<Long> posted = new ArrayList<>();
        for (Future<long[][]> f : results) {
            long[][] spans = f.get();
            for (long a : spans[0]) {
                active.add(a);
            }
            for (long p : spans[1]) {
                posted.add(p);
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        String cpu = ProcessCpu.msPer(cpu0, ProcessCpu.nanos(), active.size());
        pool.shutdown();
        return new Step(n, elapsed, active.size(), active.stream().mapToLong(Long::longValue).toArray(),
                posted.stream().mapToLong(Long::longValue).toArray(), refused.get(), failed.get(), cpu);
    }

    /** One client: order, wait until ACTIVE, end; again until {@code end}. Returns [POST→ACTIVE spans, POST→201 spans]. */
    private long[][] client(HttpClient http, URI chains, List<String> switches, Random random, long end, AtomicInteger ordered,
                            AtomicInteger refused, AtomicInteger failed) throws Exception {
        List<Long> active = new ArrayList<>();
        List<Long> posted = new ArrayList<>();
        while (System.nanoTime() < end) {
            String body = RandomOrders.body(switches, random, hops);
            long t0 = System.nanoTime();
            HttpResponse<String> r = http.send(DemoRequests.to(chains).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            long t201 = System.nanoTime();
            if (r.statusCode() == 422) {
                refused.incrementAndGet();
                continue;
            }
            if (r.statusCode() != 201) {
                throw new IllegalStateException("order " + body + " answered " + r.statusCode() + ": " + r.body());
            }
            ordered.incrementAndGet();
            String id = Json.MAPPER.readTree(r.body()).get("chainId").asText();
            CountDownLatch done = activated.computeIfAbsent(id, k -> new CountDownLatch(1));
            boolean active1 = done.await(30, TimeUnit.SECONDS);
            if (active1) {
                active.add(activatedAt.get(id) - t0);
                posted.add(t201 - t0);
            } else {
                failed.incrementAndGet();
            }
            activated.remove(id);
            HttpResponse<Void> d = http.send(DemoRequests.to(URI.create(chains + "/" + id)).DELETE().build(), HttpResponse.BodyHandlers.discarding());
            if (d.statusCode() != 202) {
                throw new IllegalStateException("ending " + id + " answered " + d.statusCode());
            }
        }
        return new long[][]{active.stream().mapToLong(Long::longValue).toArray(), posted.stream().mapToLong(Long::longValue).toArray()};
    }

    private void onEvent(ConsumerRecord<String, byte[]> r) {
        var type = r.headers().lastHeader(CloudEvents.TYPE);
        String name = type == null ? "" : new String(type.value(), StandardCharsets.UTF_8);
        if (name.equals("ChainActivated")) {
            activatedAt.put(r.key(), System.nanoTime());
            activated.computeIfAbsent(r.key(), k -> new CountDownLatch(1)).countDown();
        } else if (name.equals("ChainTerminated") || name.equals("ChainFailed")) {
            terminated.incrementAndGet();
        }
    }

    private void print(String name, DemoMarket demo, List<Step> steps, int ordered, int ended, List<String> report) {
        report.add(String.format(Locale.ROOT, "%s demo (%d switches, 3 emulated providers, %d offers), %d-VNF chains of 10 Mbit/s, closed-loop clients, %d s per step",
                name, demo.providers().stream().mapToInt(p -> p.domain().switches().size()).sum(), demo.offers().size(), hops, seconds));
        report.add(String.format(Locale.ROOT, "%8s %10s %8s %10s %10s %10s %10s %8s %7s %10s", "clients", "chains/s", "chains",
                "ACT p50", "ACT p95", "ACT p99", "201 p50", "refused", "failed", "cpu/chain"));
        long baseline = steps.get(0).active().length == 0 ? 0 : new LatencySummary(steps.get(0).active()).percentile(50);
        String knee = "none up to " + steps.get(steps.size() - 1).clients() + " clients";
        double best = 0;
        int bestClients = 0;
        for (Step s : steps) {
            double rate = s.cycles() / s.seconds();
            if (s.active().length == 0) {
                report.add(String.format(Locale.ROOT, "%8d %10.1f %8d %10s %10s %10s %10s %8d %7d %10s", s.clients(), rate, s.cycles(), "-", "-", "-", "-",
                        s.refused(), s.failed(), s.cpuPerChain()));
                continue;
            }
            LatencySummary a = new LatencySummary(s.active());
            LatencySummary p = new LatencySummary(s.posted());
            report.add(String.format(Locale.ROOT, "%8d %10.1f %8d %10s %10s %10s %10s %8d %7d %10s", s.clients(), rate, s.cycles(),
                    LatencySummary.ms(a.percentile(50)), LatencySummary.ms(a.percentile(95)), LatencySummary.ms(a.percentile(99)),
                    LatencySummary.ms(p.percentile(50)), s.refused(), s.failed(), s.cpuPerChain()));
            if (rate > best) {
                best = rate;
                bestClients = s.clients();
            }
            if (knee.startsWith("none") && baseline > 0 && a.percentile(50) > 2 * baseline) {
                knee = s.clients() + " clients (p50 " + LatencySummary.ms(a.percentile(50)) + " ms vs " + LatencySummary.ms(baseline) + " ms with one)";
            }
        }
        report.add(String.format(Locale.ROOT, "peak %.1f chains/s at %d clients; latency turns up (p50 > 2x one client's) at %s; %d chains ordered, %d ended",
                best, bestClients, knee, ordered, ended));
        report.add("");
    }
}
