package org.chainmarket.deploy.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code deploy/compose/compose.yaml} started for real, where a Docker engine runs and holds the project's images
 * ({@code deploy/images/build.sh}); skipped elsewhere. With a fresh {@code .env} (new passwords, two free loopback
 * ports for the broker replicas) it brings the whole marketplace up as separate containers, waits until both
 * replicas are ready and every demo provider's offers are registered, gets a token, orders a chain on {@code broker-2}
 * and reads it ACTIVE on {@code broker-1}; then removes everything it made ({@code down -v}), whatever happened.
 */
class ComposeRunTest {
    static final Path DIR = Path.of("..", "compose").toAbsolutePath().normalize();
    static final List<String> IMAGES = List.of("chainmarket-kafka:0.1.0", "chainmarket-postgres:0.1.0", "chainmarket-broker:0.1.0",
            "chainmarket-monitoring-ingest:0.1.0", "chainmarket-adapter-runner:0.1.0");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void theComposedMarketplaceActivatesAChainOrderedOnOneReplicaAndShownByTheOther() throws Exception {
        List<String> compose = composeCommand();
        assumeTrue(compose != null, "no docker-compose here");
        assumeTrue(run(List.of("docker", "info"), Duration.ofSeconds(30)).code == 0, "no Docker engine answers");
        for (String image : IMAGES) {
            assumeTrue(run(List.of("docker", "image", "inspect", image), Duration.ofSeconds(30)).code == 0,
                    "the Docker engine has no image " + image + " (deploy/images/build.sh builds it)");
        }
        Path envFile = Files.createTempFile("chainmarket-compose", ".env");
        int port1 = freePort();
        int port2 = freePort();
        StringBuilder env = new StringBuilder();
        for (String v : List.of("ADMIN", "BROKER", "MONITORING", "ADAPTER_WEST", "ADAPTER_CENTRAL", "ADAPTER_EAST")) {
            env.append("KAFKA_").append(v).append("_PASSWORD=").append(hexPassword()).append('\n');
        }
        env.append("BROKER_1_PORT=").append(port1).append("\nBROKER_2_PORT=").append(port2).append('\n');
        Files.writeString(envFile, env);
        List<String> base = new ArrayList<>(compose);
        base.addAll(List.of("--env-file", envFile.toString(), "-p", "chainmarket-run-" + HexFormat.of().formatHex(bytes(4)),
                "-f", DIR.resolve("compose.yaml").toString()));
        try {
            Result up = run(plus(base, "up", "-d"), Duration.ofMinutes(15));
            assertThat(up.code).as("compose up: %s\n%s", up.output, logs(base)).isZero();

            String b1 = "http://127.0.0.1:" + port1;
            String b2 = "http://127.0.0.1:" + port2;
            for (String broker : List.of(b1, b2)) {
                awaitTrue(() -> status(get(broker + "/health/readiness", null)) == 200, Duration.ofMinutes(6),
                        () -> broker + " ready\n" + logs(base));
            }
            String token = body(send(HttpRequest.newBuilder(URI.create(b1 + "/api/v1/tokens")).header("Content-Type", "application/json")
                    .header("Accept", "text/plain").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"username\":\"acme\",\"password\":\"chainmarket-demo\"}")).build()));
            assertThat(token).as("a token from broker-1").isNotBlank().doesNotContain("{");
            awaitTrue(() -> providersWithOffers(b2, token).containsAll(Set.of("west", "central", "east")), Duration.ofMinutes(4),
                    () -> "every demo provider's offers registered; seen " + providersWithOffers(b2, token) + "\n" + logs(base));

            String order = "{\"vnfTypes\":[\"firewall\",\"dpi\",\"nat\"],\"ingress\":\"seattle\",\"egress\":\"new-york\","
                    + "\"bandwidthMbps\":200,\"maxLatencyMs\":60,\"maxPricePerHour\":20}";
            String[] chainId = new String[1];
            // 503 while the replica is not yet reading its domains' acknowledgements (Retry-After)
            awaitTrue(() -> {
                HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(b2 + "/api/v1/chains"))
                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(order)).build());
                if (status(r) == 201) {
                    chainId[0] = json(r.body()).get("chainId").asText();
                    return true;
                }
                assertThat(status(r)).as("ordering on broker-2: %s", r == null ? "no answer" : r.body()).isIn(-1, 503);
                return false;
            }, Duration.ofMinutes(2), () -> "broker-2 took the order");

            String[] state = new String[1];
            awaitTrue(() -> {
                HttpResponse<String> r = get(b1 + "/api/v1/chains/" + chainId[0], token);
                state[0] = status(r) == 200 ? json(r.body()).get("state").asText() : "HTTP " + status(r);
                return state[0].equals("ACTIVE") || state[0].equals("REJECTED") || state[0].equals("FAILED");
            }, Duration.ofMinutes(3), () -> "the chain settled, seen " + state[0] + "\n" + logs(base));
            assertThat(state[0]).as("the chain ordered on broker-2, read on broker-1").isEqualTo("ACTIVE");
            HttpResponse<String> console = get(b1 + "/console/", null);
            assertThat(status(console)).as("the console").isEqualTo(200);
            assertThat(console.body()).containsIgnoringCase("<html");
        } finally {
            Result down = run(plus(base, "down", "-v", "--remove-orphans"), Duration.ofMinutes(5));
            Files.deleteIfExists(envFile);
            assertThat(down.code).as("compose down: %s", down.output).isZero();
        }
    }

    private Set<String> providersWithOffers(String broker, String token) {
        HttpResponse<String> r = get(broker + "/api/v1/offers", token);
        Set<String> providers = new TreeSet<>();
        if (status(r) == 200) {
            JsonNode offers = json(r.body());
            offers.forEach(o -> providers.add(o.path("offer").path("providerId").asText()));
        }
        return providers;
    }

    private HttpResponse<String> get(String url, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b.build());
    }

    /** The answer, or null while nothing answers. */
    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(HttpRequest.newBuilder(request, (k, v) -> true).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int status(HttpResponse<String> r) {
        return r == null ? -1 : r.statusCode();
    }

    private static String body(HttpResponse<String> r) {
        assertThat(status(r)).as("answer %s", r == null ? "none" : r.body()).isEqualTo(200);
        return r.body().trim();
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + body, e);
        }
    }

    private static void awaitTrue(Supplier<Boolean> condition, Duration timeout, Supplier<String> what) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            if (condition.get()) {
                return;
            }
            Thread.sleep(2_000);
        }
        throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what.get());
    }

    /** {@code docker-compose} (1.x), or {@code docker compose} (v2), whichever is here; null when neither is. */
    static List<String> composeCommand() throws InterruptedException {
        if (run(List.of("docker-compose", "version"), Duration.ofSeconds(30)).code == 0) {
            return List.of("docker-compose");
        }
        if (run(List.of("docker", "compose", "version"), Duration.ofSeconds(30)).code == 0) {
            return List.of("docker", "compose");
        }
        return null;
    }

    private static String logs(List<String> base) {
        try {
            return run(plus(base, "logs", "--no-color", "--tail=40"), Duration.ofMinutes(1)).output;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(logs interrupted)";
        }
    }

    private static List<String> plus(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }

    record Result(int code, String output) {
    }

    static Result run(List<String> command, Duration timeout) throws InterruptedException {
        try {
            Path out = Files.createTempFile("compose-run", ".log");
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly().waitFor();
                    return new Result(-1, "timed out after " + timeout.toSeconds() + " s: " + tail(Files.readString(out)));
                }
                return new Result(p.exitValue(), tail(Files.readString(out)));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            return new Result(-1, e.toString());
        }
    }

    private static String tail(String s) {
        return s.length() <= 20_000 ? s : s.substring(s.length() - 20_000);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String hexPassword() {
        return HexFormat.of().formatHex(bytes(24));
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }
}
