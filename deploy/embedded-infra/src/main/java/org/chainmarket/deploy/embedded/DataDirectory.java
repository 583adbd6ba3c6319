package org.chainmarket.deploy.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where the embedded servers keep their data between runs: the Kafka log in {@code kafka/} and the PostgreSQL
 * cluster in {@code postgres/} under one root. Starting both on the same root again resumes where they stopped.
 */
public record DataDirectory(Path root) {
    public DataDirectory {
        root = root.toAbsolutePath().normalize();
    }

    public Path kafka() {
        return root.resolve("kafka");
    }

    public Path postgres() {
        return root.resolve("postgres");
    }

    /** True when a previous run left a Kafka log or a PostgreSQL cluster here. */
    public boolean holdsData() {
        return Files.exists(kafka().resolve("meta.properties")) || Files.exists(postgres().resolve("PG_VERSION"));
    }

    /** Deletes what the servers keep here (only {@code kafka/} and {@code postgres/}; other files stay). */
    public void wipe() {
        deleteRecursively(kafka());
        deleteRecursively(postgres());
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
