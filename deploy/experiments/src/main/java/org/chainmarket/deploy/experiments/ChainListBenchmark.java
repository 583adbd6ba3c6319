package org.chainmarket.deploy.experiments;

import org.chainmarket.deploy.DemoRequests;
import org.chainmarket.deploy.Marketplace;
import org.chainmarket.deploy.demo.DemoMarket;
import org.chainmarket.schemas.events.Json;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * What a buyer's chain list costs as the buyer's chains grow: on the Abilene demo, orders small chains (two VNFs,
 * 1 Mbit/s, Seattle to New York) one at a time until the buyer holds each of {@code --chains}, waits until they are all
 * ACTIVE, then times {@code GET /api/v1/chains?limit=1000} and, as the baseline measured in the same run, {@code GET
 * /api/v1/chains/{id}} of one of them. The last column is the list's time per chain against one chain read alone.
 */
@Command(name = "chain-list-benchmark", mixinStandardHelpOptions = true)
public final class ChainListBenchmark implements Callable<Integer> {
    private static final String ORDER = "{\"vnfTypes\":[\"firewall\",\"nat\"],\"ingress\":\"seattle\",\"egress\":\"new-york\","
            + "\"bandwidthMbps\":1,\"maxLatencyMs\":80,\"maxPricePerHour\":50}";

    @Option(names = "--chains", defaultValue = "100,400,1000", split = ",", description = "chains held when the list is timed (default: ${DEFAULT-VALUE})")
    int[] chains;

    @Option(names = "--samples", defaultValue = "41", description = "timed requests of each kind per row, after 10 untimed (default: ${DEFAULT-VALUE})")
    int samples;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ChainListBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        try (Marketplace market = Marketplace.start(DemoMarket.abilene(), Map.of("micronaut.server.port", "-1"))) {
            HttpClient http = HttpClient.newHttpClient();
            URI list = URI.create(market.url() + "/api/v1/chains?limit=1000");
            List<String> ordered = new ArrayList<>();
            System.out.println("| chains listed | list p50 ms | list p95 ms | one chain p50 ms | list per chain / one chain |");
            System.out.println("|---:|---:|---:|---:|---:|");
            for (int target : chains) {
                while (ordered.size() < target) {
                    HttpResponse<String> r = http.send(DemoRequests.to(URI.create(market.url() + "/api/v1/chains"))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(ORDER)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 201) {
                        throw new IllegalStateException("order refused after " + ordered.size() + " chains: " + r.statusCode() + " " + r.body());
                    }
                    ordered.add(Json.MAPPER.readTree(r.body()).get("chainId").asText());
                }
                awaitAllActive(http, list, target);
                URI one = URI.create(market.url() + "/api/v1/chains/" + ordered.get(0));
                LatencySummary listed = time(http, list);
                LatencySummary single = time(http, one);
                double perChain = (double) listed.percentile(50) / target / single.percentile(50);
                System.out.printf(Locale.ROOT, "| %d | %s | %s | %s | %.3f |%n", target, LatencySummary.ms(listed.percentile(50)),
                        LatencySummary.ms(listed.percentile(95)), LatencySummary.ms(single.percentile(50)), perChain);
            }
        }
        return 0;
    }

    private static void awaitAllActive(HttpClient http, URI list, int count) throws Exception {
        Instant until = Instant.now().plus(Duration.ofSeconds(120));
        while (true) {
            var body = Json.MAPPER.readTree(http.send(DemoRequests.to(list).build(), HttpResponse.BodyHandlers.ofString()).body());
            long active = 0;
            for (var c : body) {
                active += c.get("state").asText().equals("ACTIVE") ? 1 : 0;
            }
            if (active >= count) {
                return;
            }
            if (Instant.now().isAfter(until)) {
                throw new IllegalStateException(active + " of " + count + " chains ACTIVE after 120 s");
            }
            Thread.sleep(500);
        }
    }

    private LatencySummary time(HttpClient http, URI uri) throws Exception {
        long[] nanos = new long[samples];
        for (int i = -10; i < samples; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = http.send(DemoRequests.to(uri).build(), HttpResponse.BodyHandlers.ofString());
            long t = System.nanoTime() - t0;
            if (r.statusCode() != 200) {
                throw new IllegalStateException(uri + ": " + r.statusCode() + " " + r.body());
            }
            if (i >= 0) {
                nanos[i] = t;
            }
        }
        return new LatencySummary(nanos);
    }
}
