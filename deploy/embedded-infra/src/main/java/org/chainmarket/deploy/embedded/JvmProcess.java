package org.chainmarket.deploy.embedded;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A service's main class run as a separate JVM on the caller's class path, for tests that check a service runs as
 * its own process: its output (stdout and stderr) is kept line by line, and {@link #stop} sends SIGTERM as an
 * orchestrator would and waits for the process to end.
 */
public final class JvmProcess implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private JvmProcess(Process process) {
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("(output unreadable: " + e + ")");
            }
        }, "output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code mainClass} with {@code args} and {@code env} added to this process's environment. */
    public static JvmProcess start(String mainClass, List<String> args, Map<String, String> env) {
        return start(List.of("-Xmx256m"), mainClass, args, env);
    }

    /** As {@link #start(String, List, Map)}, with the JVM's own options (heap size, system properties). */
    public static JvmProcess start(List<String> jvmOptions, String mainClass, List<String> args, Map<String, String> env) {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath, mainClass));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        try {
            return new JvmProcess(pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + mainClass + ": " + e.getMessage(), e);
        }
    }

    /** Every line the process wrote so far. */
    public List<String> output() {
        return List.copyOf(lines);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Sends SIGTERM and waits up to {@code timeout} for the process to end; returns its exit code (143 is the JVM's
     * code for SIGTERM after its shutdown hooks ran).
     *
     * @throws IllegalStateException when it is still running after {@code timeout} (it is then killed)
     */
    public int stop(Duration timeout) throws InterruptedException {
        process.toHandle().destroy(); // SIGTERM; Process.destroy would also close the output before its last lines are read
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("process " + process.pid() + " did not stop within " + timeout.toSeconds()
                    + " s of SIGTERM");
        }
        reader.join(5_000);
        return process.exitValue();
    }

    /** The status code and body of {@code GET http://127.0.0.1:<port>/health}, or "unreachable: …" while nothing listens. */
    public static String health(int port) throws InterruptedException {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/health")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return r.statusCode() + " " + r.body();
        } catch (IOException e) {
            return "unreachable: " + e;
        }
    }

    /** The operating system's id of the process. */
    public long pid() {
        return process.pid();
    }

    /**
     * Waits up to {@code timeout} for the process to write a line containing {@code text} and returns that line.
     *
     * @throws IllegalStateException when the process ends or the time is up first (the message holds its output)
     */
    public String awaitLine(String text, Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            for (String line : lines) {
                if (line.contains(text)) {
                    return line;
                }
            }
            if (!process.isAlive()) {
                reader.join(5_000);
                throw new IllegalStateException("process " + process.pid() + " ended (exit " + process.exitValue()
                        + ") without writing '" + text + "':\n" + String.join("\n", lines));
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("process " + process.pid() + " did not write '" + text + "' within "
                + timeout.toSeconds() + " s:\n" + String.join("\n", lines));
    }

    /** Kills the process at once (SIGKILL: no shutdown hook runs) and waits for it to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
        reader.join(5_000);
    }

    /** Kills the process if it still runs. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return "process " + process.pid() + ":" + File.separator + String.join("\n", lines);
    }
}
