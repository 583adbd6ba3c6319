package org.chainmarket.schemas.process;

import com.sun.net.httpserver.HttpServer;
import org.chainmarket.schemas.events.Json;
import picocli.CommandLine;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The running process of one service: a {@code GET /health} endpoint and a clean stop on SIGTERM or Ctrl-C (the
 * service is closed, then the process ends). Also the configuration rule every service's command line follows
 * ({@link #configure}).
 */
public final class ServiceProcess {
    /** What {@code /health} answers: 200 with {@code {"status":"UP", ...details}} when up, 503 with DOWN otherwise. */
    public record Health(boolean up, Map<String, Object> details) {
    }

    private final String name;
    private final HttpServer http;
    private final Supplier<Health> health;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private ServiceProcess(String name, HttpServer http, Supplier<Health> health) {
        this.name = name;
        this.http = http;
        this.health = health;
    }

    /**
     * Serves {@code /health} on {@code healthPort} (0: any free port; negative: no endpoint) and makes SIGTERM and
     * Ctrl-C close {@code service}. Call once the service has started.
     */
    public static ServiceProcess start(String name, AutoCloseable service, Supplier<Health> health, int healthPort) {
        Objects.requireNonNull(service, "service");
        HttpServer http = null;
        if (healthPort >= 0) {
            try {
                http = HttpServer.create(new InetSocketAddress(healthPort), 0);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot serve " + name + "'s health on port " + healthPort + ": " + e.getMessage(), e);
            }
            http.createContext("/health", exchange -> {
                Health h = health.get();
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("status", h.up() ? "UP" : "DOWN");
                body.putAll(h.details());
                byte[] bytes = Json.bytes(body);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(h.up() ? 200 : 503, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            });
            http.start();
        }
        ServiceProcess p = new ServiceProcess(name, http, health);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> p.stop(service), name + "-shutdown"));
        return p;
    }

    /** The port {@code /health} is served on; -1 when there is none. */
    public int healthPort() {
        return http == null ? -1 : http.getAddress().getPort();
    }

    /** Blocks until SIGTERM or Ctrl-C stopped the service. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /**
     * Prints {@code running} (what runs where) with where its health is served and how to stop it, then blocks until
     * SIGTERM or Ctrl-C stopped the service, printing {@code <name>: <health details>} every {@code statusEvery} (null:
     * never).
     */
    public void runUntilStopped(String running, Duration statusEvery) throws InterruptedException {
        System.out.println(running + (healthPort() < 0 ? "" : "; health on http://127.0.0.1:" + healthPort() + "/health")
                + "; SIGTERM or Ctrl-C stops");
        if (statusEvery == null) {
            awaitStop();
            return;
        }
        while (!stopped.await(statusEvery.toMillis(), TimeUnit.MILLISECONDS)) {
            Health h = health.get();
            System.out.println(name + (h.up() ? ": " : " (DOWN): ") + h.details().entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
        }
    }

    private void stop(AutoCloseable service) {
        try {
            service.close();
        } catch (Exception e) {
            System.err.println(name + ": stopping failed: " + e);
        } finally {
            if (http != null) {
                http.stop(0);
            }
            stopped.countDown();
        }
    }

    /**
     * The {@code main} of a service's program: runs {@code command} configured by {@link #configure}; a failing run ends
     * the JVM with its exit code, a successful one returns once the service stopped.
     */
    public static void run(Object command, String envPrefix, String[] args) {
        int code = configure(command, envPrefix, args).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Gives {@code command} its configuration, first found: the command line, the environment variable
     * {@code <envPrefix>_<OPTION_NAME>} (for {@code --health-port}: {@code MONITORING_HEALTH_PORT}), the properties file
     * named by {@code --config FILE} (or {@code <envPrefix>_CONFIG}; keys are long option names without dashes, such as
     * {@code health-port=8081}), then the option's default.
     *
     * @throws IllegalArgumentException when the configuration file cannot be read
     */
    public static CommandLine configure(Object command, String envPrefix, String[] args) {
        CommandLine cmd = new CommandLine(command);
        Properties file = new Properties();
        String path = System.getenv(envPrefix + "_CONFIG");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                path = args[i + 1];
            } else if (args[i].startsWith("--config=")) {
                path = args[i].substring("--config=".length());
            }
        }
        if (path != null) {
            try (Reader r = Files.newBufferedReader(Path.of(path), StandardCharsets.UTF_8)) {
                file.load(r);
            } catch (IOException e) {
                throw new IllegalArgumentException("configuration file " + path + " cannot be read: " + e.getMessage(), e);
            }
        }
        cmd.setDefaultValueProvider(arg -> {
            if (!(arg instanceof CommandLine.Model.OptionSpec option) || option.longestName().equals("--config")) {
                return null;
            }
            String key = option.longestName().replaceFirst("^-+", "");
            String env = System.getenv(envPrefix + "_" + key.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_'));
            return env != null ? env : file.getProperty(key);
        });
        return cmd;
    }
}
