package org.chainmarket.deploy.faults;

import org.chainmarket.deploy.embedded.Ports;
import org.chainmarket.deploy.embedded.EmbeddedKafka;
import org.chainmarket.deploy.embedded.JvmProcess;
import org.chainmarket.deploy.embedded.KafkaMain;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The embedded Kafka broker in a JVM of its own ({@link KafkaMain}), on a log directory and two ports fixed for its
 * whole life: stopped or killed and started again, it is the same broker to its clients, with everything it held.
 */
final class KafkaProcess implements AutoCloseable, FaultRun.Store {
    private static final Duration START = Duration.ofSeconds(120);
    private final Path logDir;
    private final int port;
    private final int controllerPort;
    private JvmProcess process;

    KafkaProcess(Path logDir) {
        this.logDir = logDir;
        this.port = Ports.free();
        this.controllerPort = Ports.free();
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The super user's client settings (kept in the log directory once the broker has started). */
    Map<String, Object> adminSettings() {
        return EmbeddedKafka.adminSettings(logDir);
    }

    /** Starts the broker and waits until it listens. */
    public void start() throws InterruptedException {
        process = JvmProcess.start(List.of("-Xmx384m", "-XX:+UseSerialGC"), KafkaMain.class.getName(),
                List.of(logDir.toString(), String.valueOf(port), String.valueOf(controllerPort)), Map.of());
        process.awaitLine(KafkaMain.READY, START);
    }

    /** Stops the broker as an operator would (SIGTERM: a controlled shutdown). */
    public void stop() throws InterruptedException {
        process.stop(Duration.ofSeconds(60));
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.kill();
        }
    }
}
