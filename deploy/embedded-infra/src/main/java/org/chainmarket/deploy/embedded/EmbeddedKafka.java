package org.chainmarket.deploy.embedded;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A real single-node Kafka broker in KRaft mode (broker and controller in one process), on two free loopback
 * ports. Its log lives either in a temporary directory that {@link #close()} deletes ({@link #start()}), or in a
 * directory that outlives it ({@link #start(Path)}): formatted on first use, then reopened with the same cluster
 * id, topics, records and committed consumer offsets.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private final KafkaRaftServer server;
    private final Path logDir;
    private final boolean temporary;
    private final String bootstrapServers;

    private EmbeddedKafka(KafkaRaftServer server, Path logDir, boolean temporary, String bootstrapServers) {
        this.server = server;
        this.logDir = logDir;
        this.temporary = temporary;
        this.bootstrapServers = bootstrapServers;
    }

    /** A broker on a fresh temporary log that {@link #close()} deletes. */
    public static EmbeddedKafka start() {
        try {
            return start(Files.createTempDirectory("chainmarket-kafka"), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary Kafka log directory", e);
        }
    }

    /**
     * A broker whose log is kept in {@code logDir} (created and formatted when it holds no log yet); a later start on
     * the same directory resumes with everything the broker held. Ports are chosen afresh on every start.
     */
    public static EmbeddedKafka start(Path logDir) {
        try {
            return start(logDir, false, freePort(), freePort());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find free ports for Kafka", e);
        }
    }

    /**
     * A broker whose log is kept in {@code logDir}, listening on the given loopback ports: a restart on the same
     * directory and ports is, to its clients, the same broker back again.
     */
    public static EmbeddedKafka start(Path logDir, int port, int controllerPort) {
        return start(logDir, false, port, controllerPort);
    }

    private static EmbeddedKafka start(Path dir, boolean temporary) {
        try {
            return start(dir, temporary, freePort(), freePort());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find free ports for Kafka", e);
        }
    }

    private static EmbeddedKafka start(Path dir, boolean temporary, int port, int controller) {
        try {
            Files.createDirectories(dir);
            if (!Files.exists(dir.resolve("meta.properties"))) {
                new Formatter()
                        .setNodeId(1)
                        .setClusterId(Uuid.randomUuid().toString())
                        .setControllerListenerName("CONTROLLER")
                        .setMetadataLogDirectory(dir.toString())
                        .addDirectory(dir.toString())
                        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                        .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                        .run();
            }
            Properties p = new Properties();
            p.put("process.roles", "broker,controller");
            p.put("node.id", "1");
            p.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
            p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller);
            p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.put("controller.listener.names", "CONTROLLER");
            p.put("inter.broker.listener.name", "PLAINTEXT");
            p.put("log.dirs", dir.toString());
            p.put("offsets.topic.replication.factor", "1");
            p.put("offsets.topic.num.partitions", "4");
            p.put("transaction.state.log.replication.factor", "1");
            p.put("transaction.state.log.min.isr", "1");
            p.put("group.initial.rebalance.delay.ms", "0");
            p.put("num.partitions", "3");
            p.put("auto.create.topics.enable", "false");
            p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
            server.startup();
            return new EmbeddedKafka(server, dir, temporary, "127.0.0.1:" + port);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the embedded Kafka broker: " + e.getMessage(), e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The directory holding the broker's log (and its cluster id, in {@code meta.properties}). */
    public Path logDir() {
        return logDir;
    }

    /** Stops the broker (a controlled shutdown that flushes its log); deletes the log only when it was temporary. */
    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        if (temporary) {
            DataDirectory.deleteRecursively(logDir);
        }
    }

    /** A loopback port free at the time of asking. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
