package org.chainmarket.deploy.experiments;

import org.chainmarket.deploy.embedded.Ports;
import org.chainmarket.deploy.DemoRequests;
import com.fasterxml.jackson.databind.JsonNode;
import org.chainmarket.deploy.embedded.DataDirectory;
import org.chainmarket.schemas.events.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * What a new user waits for: launches the all-in-one jar as its own process (as the README's first command does,
 * on a fresh data directory), and times from the process start to the API serving (the launcher saying it is up and
 * {@code GET /api/v1/offers} answering 200 with the demo offers), then the first orders (POST → ACTIVE, polled every
 * 2 ms) against orders placed after a warm run. Each run launches every variant in turn: the start-up warm-up off and
 * on, and on with a dynamic class-data-sharing archive made by a training launch ({@code --cds}) or, on JDK 24 or
 * later, an ahead-of-time cache ({@code --aot}); with
 * {@code --substitutions} each variant also runs {@link SubstitutionBenchmark} in a JVM of its own for the first
 * one-chain substitutions after start against warm ones. Prints the medians per variant and the first/warm p99 ratio.
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

    @Option(names = "--jvm", description = "an extra JVM option of every launch (repeatable), e.g. --jvm=-Xlog:class+load:file=classes.txt")
    List<String> jvm = new ArrayList<>();

    @Option(names = "--cds", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "also launch with a dynamic class-data-sharing archive (made first by a training launch with "
                    + "-XX:ArchiveClassesAtExit) (default: ${DEFAULT-VALUE})")
    boolean cds;

    @Option(names = "--aot", description = "also launch with an ahead-of-time cache (JDK 24 or later, JEP 483/514: classes loaded and "
            + "linked, and method profiles, from a training launch with -XX:AOTCacheOutput); refused on an older JVM")
    boolean aot;

    @Option(names = "--substitutions", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "also time the first one-chain substitutions after start against warm ones, running "
                    + "SubstitutionBenchmark as its own JVM per variant (default: ${DEFAULT-VALUE})")
    boolean substitutions;

    /** One way of launching: its name, JVM options and launcher arguments. */
    record Variant(String name, List<String> jvm, List<String> args) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public static void main(String[] args) {
        System.exit(new CommandLine(new StartupBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (aot && Runtime.version().feature() < 24) {
            System.err.println("--aot needs a JVM of version 24 or later (run this benchmark with one; its launches use the same); this is "
                    + Runtime.version());
            return 2;
        }
        Path work = Files.createTempDirectory("chainmarket-startup-bench");
        List<Variant> variants = new ArrayList<>(List.of(new Variant("warm-up off", List.of(), List.of("--warm-up-rounds=0")),
                new Variant("warm-up on", List.of(), List.of())));
        if (cds) {
            Path launcherArchive = work.resolve("all-in-one.jsa");
            train(launcherArchive, "-XX:ArchiveClassesAtExit=");
            variants.add(new Variant("warm-up on, CDS", List.of("-XX:SharedArchiveFile=" + launcherArchive), List.of()));
        }
        if (aot) {
            Path cache = work.resolve("all-in-one.aot");
            train(cache, "-XX:AOTCacheOutput=");
            variants.add(new Variant("warm-up on, AOT", List.of("-XX:AOTCache=" + cache), List.of()));
        }
        Map<String, List<long[]>> orders = new java.util.LinkedHashMap<>();
        Map<String, List<double[]>> subs = new java.util.LinkedHashMap<>();
        // variants interleaved run by run, so that a machine whose load changes weighs on each alike
        for (int run = 1; run <= runs; run++) {
            for (Variant v : variants) {
                long[] r = launch(v);
                orders.computeIfAbsent(v.name(), k -> new ArrayList<>()).add(r);
                System.out.printf("run %d, %s: %s%n", run, v.name(), String.join(" ", cells(r)));
                if (substitutions && v.jvm().isEmpty()) {
                    double[] sr = substitutionRun(v);
                    subs.computeIfAbsent(v.name(), k -> new ArrayList<>()).add(sr);
                    System.out.printf(Locale.ROOT, "run %d, %s, substitutions: %s%n", run, v.name(), Arrays.toString(sr));
                }
            }
        }
        System.out.println();
        System.out.println("java " + String.join(" ", jvm) + " -jar " + jar.getFileName() + " " + String.join(" ", extra)
                + " on a fresh data directory; ms, median of " + runs + " run(s)");
        System.out.printf("%-18s %9s %9s %9s %9s %9s %9s %11s%n", "variant", "serving", "1st order",
                "first p50", "first p99", "warm p50", "warm p99", "p99 ratio");
        orders.forEach((name, all) -> {
            long[] m = median(all);
            String[] c = cells(m);
            System.out.printf(Locale.ROOT, "%-18s %9s %9s %9s %9s %9s %9s %11.2f%n", name, c[0], c[1], c[2], c[3], c[4], c[5],
                    (double) m[3] / m[5]);
        });
        System.out.println("serving: process start -> the launcher says it is up and GET /api/v1/offers answers every demo offer; "
                + "first: the first " + first + " orders after that; warm: " + first + " orders after " + warm + " more (POST -> ACTIVE)");
        if (substitutions) {
            System.out.println();
            System.out.println("one-chain substitutions (degrading sample -> HopSubstituted read), SubstitutionBenchmark in its own JVM; "
                    + "ms, median of " + runs + " run(s)");
            System.out.printf("%-18s %9s %9s %9s %9s %9s %11s%n", "variant", "started", "first p50", "first p99", "warm p50",
                    "warm p99", "p99 ratio");
            subs.forEach((name, all) -> {
                double[] m = new double[all.get(0).length];
                for (int i = 0; i < m.length; i++) {
                    final int k = i;
                    m[i] = all.stream().mapToDouble(a -> a[k]).sorted().toArray()[(all.size() - 1) / 2];
                }
                System.out.printf(Locale.ROOT, "%-18s %9.0f %9.2f %9.2f %9.2f %9.2f %11.2f%n", name, m[0], m[1], m[2], m[3], m[4], m[2] / m[4]);
            });
            System.out.println("started: Marketplace.start in that JVM, including the warm-up; first: the first " + first
                    + " one-chain substitutions after that; warm: the " + first + " after those");
        }
        new DataDirectory(work).wipe();
        try (var files = Files.list(work)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(work);
        return 0;
    }

    /**
     * A training launch that writes a class-data-sharing archive or an AOT cache ({@code option} names which) at its
     * exit: up, a few orders, stopped with SIGTERM as Ctrl-C does.
     */
    private void train(Path launcherArchive, String option) throws Exception {
        long t0 = System.nanoTime();
        launch(new Variant("training", List.of(option + launcherArchive), List.of()), 5, 0);
        System.out.printf(Locale.ROOT, "training launch wrote %s (%d kB) in %.1f s%n", launcherArchive.getFileName(),
                Files.size(launcherArchive) / 1024, (System.nanoTime() - t0) / 1e9);
    }

    private double[] substitutionRun(Variant v) throws Exception {
        return substitutionRun(v, first);
    }

    /**
     * Runs SubstitutionBenchmark in a JVM of its own ({@code n} first and {@code n} warm one-chain substitutions, no
     * site failure) with the variant's warm-up setting (variants without JVM options only: the launcher's archive does not fit its class path);
     * returns its start time, first p50/p99 and warm p50/p99 (ms).
     */
    private double[] substitutionRun(Variant v, int n) throws Exception {
        Path self = Path.of(StartupBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvm);
        command.addAll(List.of("-cp", self.toString(), SubstitutionBenchmark.class.getName(), "--warmup", String.valueOf(n),
                "--single", String.valueOf(n), "--site-rounds", "0"));
        if (v.args().contains("--warm-up-rounds=0")) {
            command.add("--warm-up-rounds=0");
        }
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                lines.add(line);
            }
        }
        int exit = p.waitFor();
        double started = Double.NaN;
        for (String line : lines) {
            if (line.startsWith("marketplace started in ")) {
                started = Double.parseDouble(line.substring("marketplace started in ".length(), line.indexOf(" s;"))) * 1000;
            }
        }
        for (String line : lines) {
            if (line.startsWith(SubstitutionBenchmark.FIRST_AND_WARM)) {
                String[] f = line.substring(SubstitutionBenchmark.FIRST_AND_WARM.length()).trim().split(" ");
                return new double[]{started, Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3])};
            }
        }
        throw new IllegalStateException("SubstitutionBenchmark (" + v.name() + ") exited with " + exit + " after "
                + (System.nanoTime() - t0) / 1_000_000_000 + " s without its summary; its last lines: "
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
    }

    private static long[] median(List<long[]> all) {
        long[] median = new long[all.get(0).length];
        for (int i = 0; i < median.length; i++) {
            final int k = i;
            median[i] = (long) new LatencySummary(all.stream().mapToLong(a -> a[k]).toArray()).percentile(50);
        }
        return median;
    }

    private static String[] cells(long[] r) {
        String[] out = new String[r.length];
        for (int i = 0; i < r.length; i++) {
            out[i] = LatencySummary.ms(r[i]);
        }
        return out;
    }

    private long[] launch(Variant v) throws Exception {
        return launch(v, first, warm);
    }

    /**
     * Launches the jar as the variant says on a fresh data directory; returns the serving time, the first order, the
     * first {@code n} orders' p50/p99 and, after {@code untimed} more, {@code n} warm orders' p50/p99 (ns; 0 when
     * {@code untimed} is 0). Stops it with SIGTERM (as Ctrl-C does) and waits for it to exit.
     */
    private long[] launch(Variant v, int n, int untimed) throws Exception {
        Path data = Files.createTempDirectory("chainmarket-startup");
        int port = Ports.free();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvm);
        command.addAll(v.jvm());
        command.addAll(List.of("-jar", jar.toString(), "--port", String.valueOf(port), "--data-dir", data.toString()));
        command.addAll(extra);
        command.addAll(v.args());
        String base = "http://127.0.0.1:" + port + "/api/v1";
        Path out = data.resolve("out.txt");
        long start = System.nanoTime();
        DemoRequests.forgetTokens(); // a new launcher signs with a new key
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            long serving = awaitServing(base, p, out) - start;
            long[] firstTimes = orders(base, n);
            long[] result = {serving, firstTimes[0], new LatencySummary(firstTimes).percentile(50), new LatencySummary(firstTimes).percentile(99), 0, 0};
            if (untimed > 0) {
                orders(base, untimed);
                LatencySummary w = new LatencySummary(orders(base, n));
                result[4] = w.percentile(50);
                result[5] = w.percentile(99);
            }
            return result;
        } catch (RuntimeException e) {
            System.err.println("launch " + v.name() + " failed; its output ends with:");
            List<String> lines = Files.readAllLines(out);
            lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(System.err::println);
            throw e;
        } finally {
            p.destroy();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
            Files.deleteIfExists(out);
            new DataDirectory(data).wipe();
            Files.deleteIfExists(data);
        }
    }

    /** When the launcher said it is up and the API answered the demo offers (ns). */
    private long awaitServing(String base, Process p, Path out) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(900);
        boolean up = false;
        while (System.nanoTime() < until) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the launcher exited with " + p.exitValue());
            }
            up = up || Files.readString(out, java.nio.charset.StandardCharsets.ISO_8859_1).contains("ChainMarket is up on");
            if (up) {
                try {
                    HttpResponse<String> r = http.send(DemoRequests.to(URI.create(base + "/offers")).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200 && Json.MAPPER.readTree(r.body()).size() > 0) {
                        return System.nanoTime();
                    }
                } catch (IOException | IllegalStateException notYet) {
                    // not answering yet
                }
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("the launcher did not say it is up within 900 s");
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
