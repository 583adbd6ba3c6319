package org.chainmarket.deploy.experiments;

import org.chainmarket.deploy.Marketplace;
import org.chainmarket.deploy.demo.DemoMarket;
import org.chainmarket.deploy.embedded.TopicTail;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.selection.topology.Topology;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

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

    public static void main(String[] args) {
        System.exit(new CommandLine(new ThroughputBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<String> report = new ArrayList<>();
        for (String name : topologies) {
            Topology topology = Topology.bundled(name);
            DemoMarket demo = DemoMarket.of(topology, 3, 3, 4000, 400, 3);
            List<String> switches = topology.nodes().stream().map(Topology.Node::id).toList();
            try (Marketplace market = Marketplace.start(demo, Map.of("micronaut.server.port", "-1"))) {
                ClosedLoop loop = new ClosedLoop(List.of(URI.create(market.url().toString())), switches, hops, true);
                try (TopicTail events = new TopicTail(market.bootstrapServers(), market.kafka().admin(), List.of(Topics.CHAIN_EVENTS),
                        TopicTail.From.END, loop::onEvent)) {
                    loop.step(Math.max(4, clients[clients.length - 1] / 4), warmupSeconds);
                    List<ClosedLoop.Step> steps = new ArrayList<>();
                    for (int c : clients) {
                        steps.add(loop.step(c, seconds));
                    }
                    loop.awaitEnded(Duration.ofSeconds(60));
                    print(name, demo, steps, loop.ordered(), loop.terminated(), report);
                }
            }
        }
        System.out.println();
        report.forEach(System.out::println);
        return 0;
    }

    private void print(String name, DemoMarket demo, List<ClosedLoop.Step> steps, int ordered, int ended, List<String> report) {
        report.add(String.format(Locale.ROOT, "%s demo (%d switches, 3 emulated providers, %d offers), %d-VNF chains of 10 Mbit/s, closed-loop clients, %d s per step",
                name, demo.providers().stream().mapToInt(p -> p.domain().switches().size()).sum(), demo.offers().size(), hops, seconds));
        report.addAll(ClosedLoop.table(steps));
        long baseline = steps.get(0).active().length == 0 ? 0 : new LatencySummary(steps.get(0).active()).percentile(50);
        String knee = "none up to " + steps.get(steps.size() - 1).clients() + " clients";
        double best = 0;
        int bestClients = 0;
        for (ClosedLoop.Step s : steps) {
            double rate = s.cycles() / s.seconds();
            if (s.active().length == 0) {
                continue;
            }
            LatencySummary a = new LatencySummary(s.active());
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
