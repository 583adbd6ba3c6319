package org.chainmarket.deploy.faults;

import org.chainmarket.deploy.embedded.TopicTail;
import org.chainmarket.deploy.experiments.ClosedLoop;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.selection.topology.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Sustained throughput with one broker replica and with two, in one run: the marketplace as separate processes
 * ({@link ServiceCluster}: three Kafka nodes, PostgreSQL, the broker replicas, monitoring-ingest, three adapter runners),
 * and {@link ClosedLoop}'s clients (order → ACTIVE → end, again) split evenly over the replicas. Prints, for each
 * replica count and client count, the chains per second and the POST → ACTIVE percentiles. Not a test (its name keeps
 * it out of the test run); run it with
 * {@code mvn -B -o test -pl deploy/fault-tests -Dtest=ReplicaThroughputBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * -Dbenchmark.clients=1,2,4,8 -Dbenchmark.seconds=20}; the table is in its output file under
 * {@code target/surefire-reports}.
 */
class ReplicaThroughputBenchmark {
    private static final List<String> BROKER_JVM = List.of("-Xmx768m", "-XX:+UseSerialGC");

    @Test
    void chainsPerSecondWithOneAndTwoBrokerReplicas(@TempDir Path dir) throws Exception {
        int[] clients = Arrays.stream(System.getProperty("benchmark.clients", "1,2,4,8").split(",")).map(String::trim)
                .mapToInt(Integer::parseInt).toArray();
        int seconds = Integer.getInteger("benchmark.seconds", 20);
        int warmup = Integer.getInteger("benchmark.warmup-seconds", 10);
        int hops = Integer.getInteger("benchmark.hops", 3);
        List<String> switches = Topology.bundled("Abilene").nodes().stream().map(Topology.Node::id).toList();
        List<String> report = new ArrayList<>();
        for (int replicas = 1; replicas <= 2; replicas++) {
            try (ServiceCluster cluster = ServiceCluster.start(dir.resolve("replicas-" + replicas), replicas, BROKER_JVM)) {
                ClosedLoop loop = new ClosedLoop(cluster.replicas().stream().map(ServiceCluster.Replica::api).toList(), switches, hops, false);
                List<ClosedLoop.Step> steps = new ArrayList<>();
                try (TopicTail events = new TopicTail(cluster.kafka().bootstrapServers(), cluster.kafka().adminSettings(),
                        List.of(Topics.CHAIN_EVENTS), TopicTail.From.END, loop::onEvent)) {
                    loop.step(Math.max(2, clients[clients.length - 1] / 2), warmup);
                    for (int c : clients) {
                        steps.add(loop.step(c, seconds));
                    }
                    loop.awaitEnded(Duration.ofSeconds(60));
                }
                report.add(replicas + " broker replica" + (replicas == 1 ? "" : "s") + " (3 Kafka nodes, Abilene demo as 3 adapter "
                        + "processes), " + hops + "-VNF chains of 10 Mbit/s, closed-loop clients split over the replicas, " + seconds
                        + " s per step; " + loop.ordered() + " chains ordered, " + loop.terminated() + " ended");
                report.addAll(ClosedLoop.table(steps));
                report.add("");
            }
        }
        System.out.println();
        report.forEach(System.out::println);
    }
}
