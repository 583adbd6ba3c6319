package org.chainmarket.deploy.faults;

import org.chainmarket.deploy.embedded.Ports;
import com.fasterxml.jackson.databind.JsonNode;
import org.chainmarket.deploy.embedded.EmbeddedKafka;
import org.chainmarket.deploy.embedded.EmbeddedPostgres;
import org.chainmarket.deploy.embedded.JvmProcess;
import org.chainmarket.schemas.events.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The demo marketplace ({@link MarketplaceMain}) in a JVM of its own, on an API port fixed for its whole life, either
 * on an external Kafka and PostgreSQL ({@link #on}) or on its own embedded ones kept in a data directory
 * ({@link #withDataDirectory}). Tokens stay valid across its restarts (the signing key is configured).
 */
final class MarketplaceProcess implements AutoCloseable, Market {
    static final String TOKEN_SECRET = "fault-tests-signing-key-of-at-least-32-bytes";
    private static final Duration START = Duration.ofSeconds(240);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final List<String> systemProperties;
    private final Path dataDir;
    private final int apiPort;
    private final int statusPort;
    private JvmProcess process;

    private MarketplaceProcess(List<String> systemProperties, Path dataDir) {
        this.systemProperties = systemProperties;
        this.dataDir = dataDir;
        this.apiPort = Ports.free();
        this.statusPort = Ports.free();
    }

    /** A marketplace on this Kafka and this PostgreSQL. */
    static MarketplaceProcess on(KafkaProcess kafka, PostgresServer postgres) {
        List<String> options = new java.util.ArrayList<>(List.of("-Dkafka.bootstrap.servers=" + kafka.bootstrapServers(),
                "-Ddatasources.default.url=" + postgres.jdbcUrl(), "-Ddatasources.default.username=postgres",
                "-Ddatasources.default.password=postgres"));
        // the broker's super user: the marketplace provisions its own principals with it
        kafka.adminSettings().forEach((k, v) -> options.add("-Dkafka." + k + "=" + v));
        return new MarketplaceProcess(options, null);
    }

    /** A marketplace running its own Kafka and PostgreSQL, keeping their data in {@code dataDir} (the default run). */
    static MarketplaceProcess withDataDirectory(Path dataDir) {
        return new MarketplaceProcess(List.of(), dataDir);
    }

    /** Starts the marketplace and waits until it serves its API with every demo offer registered. */
    void start() throws InterruptedException {
        List<String> jvm = new ArrayList<>(List.of("-Xmx1g", "-XX:+UseSerialGC"));
        jvm.addAll(systemProperties);
        List<String> args = new ArrayList<>(List.of(String.valueOf(apiPort), String.valueOf(statusPort)));
        if (dataDir != null) {
            args.add(dataDir.toString());
        }
        process = JvmProcess.start(jvm, MarketplaceMain.class.getName(), args, Map.of("CHAINMARKET_TOKEN_SECRET", TOKEN_SECRET));
        process.awaitLine(MarketplaceMain.READY, START);
    }

    /** Kills the process with SIGKILL: nothing is stopped in order, nothing is flushed. */
    void kill() throws InterruptedException {
        process.kill();
    }

    URI api() {
        return URI.create("http://127.0.0.1:" + apiPort);
    }

    /** The database the marketplace uses (its JDBC URL may change when it runs its own PostgreSQL). */
    @Override
    public String jdbcUrl() {
        String url = status().get("jdbcUrl").asText();
        return url.contains("password=") ? url : url + (url.contains("?") ? "&" : "?") + "password=postgres";
    }

    /** For each provider, the chains its domain holds flow entries for, as the domain itself says. */
    @Override
    public Map<String, Set<String>> carriedChains() {
        Map<String, Set<String>> out = new TreeMap<>();
        status().get("domains").fields().forEachRemaining(e -> {
            Set<String> chains = new TreeSet<>();
            e.getValue().forEach(c -> chains.add(c.asText()));
            out.put(e.getKey(), chains);
        });
        return out;
    }

    /** For each provider, how many commands its domain applied since the marketplace process started. */
    Map<String, Long> appliedCommands() {
        Map<String, Long> out = new TreeMap<>();
        status().get("appliedCommands").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
        return out;
    }

    private JsonNode status() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statusPort + "/status"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            return Json.MAPPER.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What the process wrote, for a failing test's message. */
    List<String> output() {
        return process == null ? List.of() : process.output();
    }

    /** Stops it as the launcher's Ctrl-C does; kills it if it does not stop in time. */
    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            try {
                process.stop(Duration.ofSeconds(60));
            } catch (IllegalStateException notStopped) {
                process.kill();
            }
        }
        if (dataDir != null) {
            EmbeddedPostgres.stopLeftRunning(new org.chainmarket.deploy.embedded.DataDirectory(dataDir).postgres());
        }
    }
}
