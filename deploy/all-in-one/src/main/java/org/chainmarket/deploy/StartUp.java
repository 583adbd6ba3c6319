package org.chainmarket.deploy;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/** What starting the marketplace needs besides its parts: settings, steps run side by side, and the time each took. */
final class StartUp {
    private StartUp() {
    }

    /** A configuration value from a system property or its environment variable form (KAFKA_BOOTSTRAP_SERVERS). */
    static Optional<String> setting(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            value = System.getenv(name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
        }
        return Optional.ofNullable(value).filter(v -> !v.isBlank());
    }

    /** A duration written as ISO-8601 ({@code PT0.5S}) or with a unit ({@code 500ms}, {@code 2s}); {@code name} says whose. */
    static Duration duration(String name, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("pt")) {
            return Duration.parse(t.toUpperCase(Locale.ROOT));
        }
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        if (t.endsWith("s")) {
            return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
        }
        throw new IllegalArgumentException(name + " must be a duration such as 500ms or 2s, but was '" + text + "'");
    }

    /** Runs {@code task} on a new daemon thread named {@code name}. */
    static <T> CompletableFuture<T> inBackground(String name, Supplier<T> task) {
        return CompletableFuture.supplyAsync(task, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            t.start();
        });
    }

    /** The value of a finished start, or what made it fail, unwrapped. */
    static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** Milliseconds spent in each start-up step, for the log line that says where start-up time goes. */
    static final class Laps {
        private final long start = System.nanoTime();
        private long last = start;
        private final StringBuilder text = new StringBuilder();

        void lap(String step) {
            long now = System.nanoTime();
            text.append(text.isEmpty() ? "" : ", ").append(step).append(' ').append((now - last) / 1_000_000).append(" ms");
            last = now;
        }

        long total() {
            return (last - start) / 1_000_000;
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }
}
