package org.chainmarket.deploy.experiments;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.chainmarket.deploy.DemoRequests;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.Json;

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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The throughput benchmarks' closed-loop clients: each orders a chain between random switches ({@link RandomOrders})
 * as the demo buyer, waits until it is ACTIVE (its {@code ChainActivated} read from Kafka: {@link #onEvent}), ends it
 * (DELETE answered 202) and orders the next. Client {@code i} sends to broker {@code i mod n} of the APIs given, so
 * clients are split evenly over broker replicas. {@link #table} prints the steps.
 */
public final class ClosedLoop {
    /** One step's outcome: cycles completed in the window and the spans of the orders placed in it. */
    public record Step(int clients, double seconds, int cycles, long[] active, long[] posted, int refused, int failed, String cpuPerChain) {
    }

    private final HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
    private final List<URI> chains;
    private final List<String> switches;
    private final int hops;
    private final boolean cpu;
    private final Map<String, CountDownLatch> activated = new ConcurrentHashMap<>();
    private final Map<String, Long> activatedAt = new ConcurrentHashMap<>();
    private final AtomicInteger terminated = new AtomicInteger();
    private final AtomicInteger ordered = new AtomicInteger();

    /**
     * Clients ordering {@code hops}-VNF chains between {@code switches} at the brokers serving {@code apis};
     * {@code cpu}: whether this process's CPU time per chain is measured (only meaningful when the marketplace runs in
     * it).
     */
    public ClosedLoop(List<URI> apis, List<String> switches, int hops, boolean cpu) {
        this.chains = apis.stream().map(a -> a.resolve("/api/v1/chains")).toList();
        this.switches = List.copyOf(switches);
        this.hops = hops;
        this.cpu = cpu;
    }

    /** Takes the chain events (read from {@code chainmarket.chains.events.v1}) the clients wait for. */
    public void onEvent(ConsumerRecord<String, byte[]> r) {
        var type = r.headers().lastHeader(CloudEvents.TYPE);
        String name = type == null ? "" : new String(type.value(), StandardCharsets.UTF_8);
        if (name.equals("ChainActivated")) {
            activatedAt.put(r.key(), System.nanoTime());
            activated.computeIfAbsent(r.key(), k -> new CountDownLatch(1)).countDown();
        } else if (name.equals("ChainTerminated") || name.equals("ChainFailed")) {
            terminated.incrementAndGet();
        }
    }

    /** How many chains the clients ordered (answered 201) so far. */
    public int ordered() {
        return ordered.get();
    }

    /** How many chains ended (terminated or failed) so far, as read from Kafka. */
    public int terminated() {
        return terminated.get();
    }

    /** Waits up to {@code timeout} until every chain ordered has ended. */
    public void awaitEnded(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (terminated.get() < ordered.get() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    /** Runs {@code n} closed-loop clients for {@code seconds}; every chain a client ordered is ended before it returns. */
    public Step step(int n, int seconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        long start = System.nanoTime();
        long cpu0 = ProcessCpu.nanos();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        List<Future<long[][]>> results = new ArrayList<>();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        for (int i = 0; i < n; i++) {
            Random random = new Random(31L * n + i);
            URI to = chains.get(i % chains.size());
            results.add(pool.submit(() -> client(to, random, end, refused, failed)));
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
        String cpuPerChain = cpu ? ProcessCpu.msPer(cpu0, ProcessCpu.nanos(), active.size()) : "-";
        pool.shutdown();
        return new Step(n, elapsed, active.size(), active.stream().mapToLong(Long::longValue).toArray(),
                posted.stream().mapToLong(Long::longValue).toArray(), refused.get(), failed.get(), cpuPerChain);
    }

    /** One client: order, wait until ACTIVE, end; again until {@code end}. Returns [POST→ACTIVE spans, POST→201 spans]. */
    private long[][] client(URI chains, Random random, long end, AtomicInteger refused, AtomicInteger failed) throws Exception {
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

    /** The header line and one line per step: chains/s, chains, POST → ACTIVE p50/p95/p99, POST → 201 p50, refused, failed, CPU. */
    public static List<String> table(List<Step> steps) {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "%8s %10s %8s %10s %10s %10s %10s %8s %7s %10s", "clients", "chains/s", "chains",
                "ACT p50", "ACT p95", "ACT p99", "201 p50", "refused", "failed", "cpu/chain"));
        for (Step s : steps) {
            double rate = s.cycles() / s.seconds();
            if (s.active().length == 0) {
                out.add(String.format(Locale.ROOT, "%8d %10.1f %8d %10s %10s %10s %10s %8d %7d %10s", s.clients(), rate, s.cycles(), "-", "-", "-", "-",
                        s.refused(), s.failed(), s.cpuPerChain()));
                continue;
            }
            LatencySummary a = new LatencySummary(s.active());
            LatencySummary p = new LatencySummary(s.posted());
            out.add(String.format(Locale.ROOT, "%8d %10.1f %8d %10s %10s %10s %10s %8d %7d %10s", s.clients(), rate, s.cycles(),
                    LatencySummary.ms(a.percentile(50)), LatencySummary.ms(a.percentile(95)), LatencySummary.ms(a.percentile(99)),
                    LatencySummary.ms(p.percentile(50)), s.refused(), s.failed(), s.cpuPerChain()));
        }
        return out;
    }
}
