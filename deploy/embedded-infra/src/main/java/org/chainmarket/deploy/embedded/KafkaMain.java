package org.chainmarket.deploy.embedded;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The embedded Kafka broker as a process of its own, so that it can be stopped, killed and started again apart from
 * its clients: {@code KafkaMain <log-dir> <port> <controller-port>}, or one node of a cluster:
 * {@code KafkaMain <log-dir> --cluster <cluster-id> <node-id> <id:port:controllerPort>,...} (every node of the cluster,
 * this one included; the super user's password already in {@code log-dir}, see {@link EmbeddedKafka#startNode}). It
 * writes {@value #READY} and its bootstrap address once it listens; SIGTERM stops it with a controlled shutdown (its
 * log kept in {@code log-dir}).
 */
public final class KafkaMain {
    /** The line written once the broker takes connections. */
    public static final String READY = "kafka listening on ";

    private KafkaMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        EmbeddedKafka kafka;
        if (args.length == 3) {
            kafka = EmbeddedKafka.start(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        } else if (args.length == 5 && args[1].equals("--cluster")) {
            int id = Integer.parseInt(args[3]);
            List<EmbeddedKafka.Node> nodes = Arrays.stream(args[4].split(",")).map(EmbeddedKafka.Node::parse).toList();
            EmbeddedKafka.Node self = nodes.stream().filter(n -> n.id() == id).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("node " + id + " is not among " + args[4]));
            kafka = EmbeddedKafka.startNode(Path.of(args[0]), args[2], self, nodes);
        } else {
            System.err.println("usage: KafkaMain <log-dir> <port> <controller-port>\n"
                    + "       KafkaMain <log-dir> --cluster <cluster-id> <node-id> <id:port:controllerPort>,...");
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        EmbeddedKafka started = kafka;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            started.close();
            stopped.countDown();
        }, "kafka-shutdown"));
        System.out.println(READY + kafka.bootstrapServers());
        stopped.await();
    }
}
