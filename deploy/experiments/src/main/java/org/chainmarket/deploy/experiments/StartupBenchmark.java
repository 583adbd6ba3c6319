package org.chainmarket.deploy.experiments;

import org.chainmarket.deploy.DemoRequests;
import com.fasterxml.jackson.databind.JsonNode;
import org.chainmarket.deploy.embedded.DataDirectory;
import org.chainmarket.schemas.events.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * What a new user waits for: launches the all-in-one jar as its own process (as the README's first command does,
 * on a fresh data directory), and times from the process start to the API serving ({@code GET /api/v1/offers}
 * answering 200 with every demo offer), then the first orders (POST → ACTIVE, polled every 2 ms) against orders
 * placed after a warm run. Repeats the launch and prints one row per run and the medians.
 */
@Command(name = "startup-benchmark", mixinStandardHelpOptions = true)
public final class StartupBenchmark implements Callable<Integer> {
    @Option(names = "--jar", defaultValue = "deploy/all-in-one/target/chainmarket-all-in-one.jar",
            description = "the launcher's jar (default: ${DEFAULT-VALUE})")
    Path jar;

    @Option(names = "--runs", defaultValue = "3", description = "launches (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--first", defaultValue = "20", description = "first orders timed after start (default: ${DEFAULT-VALUE})")
    int first;

    @Option(names = "--warm", defaultValue = "40", description = "untimed orders before the warm ones (default: ${DEFAULT-VALUE})")
    int warm;

    @Option(names = "--arg", description = "an extra launcher argument (repeatable), e.g. --arg=--telemetry-interval=off")
    List<String> extra = new ArrayList<>();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public static void main(String[] args) {
        System.exit(new CommandLine(new StartupBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<String[]> rows = new ArrayList<>();
        List<long[]> all = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            long[] r = launch();
            all.add(r);
            rows.add(cells(String.valueOf(run), r));
        }
        long[] median = new long[all.get(0).length];
        for (int i = 0; i < median.length; i++) {
            final int k = i;
            median[i] = (long) new LatencySummary(all.stream().mapToLong(a -> a[k]).toArray()).percentile(50);
        }
        rows.add(cells("median", median));
        System.out.println();
        System.out.println("java -jar " + jar.getFileName() + " " + String.join(" ", extra) + " on a fresh data directory; ms");
        System.out.printf("%-7s %10s %12s %12s %12s %12s %12s%n", "run", "serving", "1st order",
                "first p50", "first p99", "warm p50", "warm p99");
        rows.forEach(r -> System.out.printf("%-7s %10s %12s %12s %12s %12s %12s%n", (Object[]) r));
        System.out.println("serving: process start -> GET /api/v1/offers answers every demo offer; first: the first "
                + first + " orders after that; warm: " + first + " orders after " + warm + " more (POST -> ACTIVE)");
        return 0;
    }

    private static String[] cells(String run, long[] r) {
        String[] out = new String[r.length + 1];
        out[0] = run;
        for (int i = 0; i < r.length; i++) {
            out[i + 1] = LatencySummary.ms(r[i]);
        }
        return out;
    }

    /** Serving time, first order, first p50/p99 and warm p50/p99, in ns. */
    private long[] launch() throws Exception {
        Path data = Files.createTempDirectory("chainmarket-startup");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--port", String.valueOf(port), "--data-dir", data.toString()));
        command.addAll(extra);
        String base = "http://127.0.0.1:" + port + "/api/v1";
        long start = System.nanoTime();
        DemoRequests.forgetTokens(); // a new launcher signs with a new key
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(new File(data.toFile(), "out.txt")).start();
        try {
            long serving = awaitServing(base, p) - start;
            long[] firstTimes = orders(base, first);
            orders(base, warm);
            long[] warmTimes = orders(base, first);
            LatencySummary f = new LatencySummary(firstTimes);
            LatencySummary w = new LatencySummary(warmTimes);
            return new long[]{serving, firstTimes[0], f.percentile(50), f.percentile(99), w.percentile(50), w.percentile(99)};
        } finally {
            p.destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
            new DataDirectory(data).wipe();
            Files.deleteIfExists(data.resolve("out.txt"));
            Files.deleteIfExists(data);
        }
    }

    private long awaitServing(String base, Process p) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < until) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the launcher exited with " + p.exitValue());
            }
            try {
                HttpResponse<String> r = http.send(DemoRequests.to(URI.create(base + "/offers")).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && Json.MAPPER.readTree(r.body()).size() > 0) {
                    return System.nanoTime();
                }
            } catch (IOException | IllegalStateException notYet) {
                // not listening yet (or not yet answering the demo account's login)
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("the API did not serve within 180 s");
    }

    /** Places {@code n} 3-VNF orders one after another, each deleted once ACTIVE; POST → ACTIVE per order. */
    private long[] orders(String base, int n) throws Exception {
        String[][] pairs = {{"seattle", "new-york"}, {"los-angeles", "atlanta"}, {"sunnyvale", "washington-dc"}, {"denver", "chicago"}};
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            String[] pair = pairs[i % pairs.length];
            String body = Json.text(Map.of("vnfTypes", List.of("firewall", "dpi", "nat"), "ingress", pair[0],
                    "egress", pair[1], "bandwidthMbps", 10, "maxLatencyMs", 200, "maxPricePerHour", 100));
            long t0 = System.nanoTime();
            HttpResponse<String> r = http.send(DemoRequests.to(URI.create(base + "/chains")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new IllegalStateException("order answered " + r.statusCode() + ": " + r.body());
            }
            String id = Json.MAPPER.readTree(r.body()).get("chainId").asText();
            while (true) {
                JsonNode chain = Json.MAPPER.readTree(http.send(DemoRequests.to(URI.create(base + "/chains/" + id)).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                String state = chain.get("state").asText();
                if (state.equals("ACTIVE")) {
                    break;
                }
                if (state.equals("FAILED") || state.equals("REJECTED")) {
                    throw new IllegalStateException("order " + id + " ended " + state + ": " + chain.path("reason").asText());
                }
                if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(30)) {
                    throw new IllegalStateException("order " + id + " not ACTIVE in 30 s: " + chain);
                }
                Thread.sleep(2);
            }
            out[i] = System.nanoTime() - t0;
            http.send(DemoRequests.to(URI.create(base + "/chains/" + id)).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        }
        return out;
    }
}
