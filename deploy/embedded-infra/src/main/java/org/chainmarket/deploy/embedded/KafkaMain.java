package org.chainmarket.deploy.embedded;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The embedded Kafka broker as a process of its own, so that it can be stopped, killed and started again apart from
 * its clients: {@code KafkaMain <log-dir> <port> <controller-port>}. It writes {@value #READY} and its bootstrap
 * address once it listens; SIGTERM stops it with a controlled shutdown (its log kept in {@code log-dir}).
 */
public final class KafkaMain {
    /** The line written once the broker takes connections. */
    public static final String READY = "kafka listening on ";

    private KafkaMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: KafkaMain <log-dir> <port> <controller-port>");
            System.exit(2);
        }
        EmbeddedKafka kafka = EmbeddedKafka.start(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "kafka-shutdown"));
        System.out.println(READY + kafka.bootstrapServers());
        stopped.await();
    }
}
