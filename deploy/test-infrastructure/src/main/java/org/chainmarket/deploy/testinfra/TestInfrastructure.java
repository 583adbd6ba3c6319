package org.chainmarket.deploy.testinfra;

import org.chainmarket.deploy.embedded.EmbeddedKafka;
import org.chainmarket.deploy.embedded.EmbeddedPostgres;
import org.chainmarket.deploy.embedded.KafkaServer;
import org.chainmarket.deploy.embedded.PostgresServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

import java.util.List;
import java.util.Locale;

/**
 * Where integration tests get Kafka and PostgreSQL: in containers from the project's images
 * ({@value ContainerKafka#IMAGE}, {@value ContainerPostgres#IMAGE}, built by {@code deploy/images/build.sh}) when a
 * Docker engine answers and holds both images, the embedded servers otherwise.
 *
 * <p>The system property {@value #PROPERTY} (or the environment variable {@value #ENV}) forces one:
 * {@code embedded}, {@code containers} (fails when the engine or an image is missing), or {@code auto} (the default).
 */
public final class TestInfrastructure {
    public static final String PROPERTY = "chainmarket.test.infrastructure";
    public static final String ENV = "CHAINMARKET_TEST_INFRASTRUCTURE";
    /** The label every test container carries, to find those a killed test run left behind. */
    public static final String LABEL = "org.chainmarket.test-infrastructure";
    private static final Logger LOG = LoggerFactory.getLogger(TestInfrastructure.class);

    /** Where the servers run. */
    public enum Mode { EMBEDDED, CONTAINERS }

    private static Mode mode;

    private TestInfrastructure() {
    }

    /** The mode asked for, or, without one, containers when they can run here. Decided once per JVM. */
    public static synchronized Mode mode() {
        if (mode == null) {
            String asked = System.getProperty(PROPERTY, System.getenv().getOrDefault(ENV, "auto")).trim().toLowerCase(Locale.ROOT);
            mode = switch (asked) {
                case "embedded" -> Mode.EMBEDDED;
                case "containers" -> {
                    String missing = containersMissing();
                    if (missing != null) {
                        throw new IllegalStateException(PROPERTY + "=containers, but " + missing);
                    }
                    yield Mode.CONTAINERS;
                }
                case "auto", "" -> containersMissing() == null ? Mode.CONTAINERS : Mode.EMBEDDED;
                default -> throw new IllegalArgumentException(PROPERTY + " must be embedded, containers or auto, not " + asked);
            };
            LOG.warn("integration tests' Kafka and PostgreSQL: {}{}", mode == Mode.CONTAINERS ? "containers from " : "embedded",
                    mode == Mode.CONTAINERS ? List.of(ContainerKafka.IMAGE, ContainerPostgres.IMAGE) : "");
        }
        return mode;
    }

    /** Why containers cannot run here (no engine, a missing image), or null when they can. */
    public static String containersMissing() {
        if (!dockerAnswers()) {
            return "no Docker engine answers";
        }
        for (String image : List.of(ContainerKafka.IMAGE, ContainerPostgres.IMAGE)) {
            try {
                DockerClientFactory.lazyClient().inspectImageCmd(image).exec();
            } catch (RuntimeException e) {
                return "the Docker engine has no image " + image + " (deploy/images/build.sh infra builds it)";
            }
        }
        return null;
    }

    private static boolean dockerAnswers() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | Error e) {
            return false;
        }
    }

    /** A fresh single-node Kafka (KRaft, SASL/SCRAM, ACLs; see {@link EmbeddedKafka}) for this caller alone. */
    public static KafkaServer kafka() {
        return mode() == Mode.CONTAINERS ? ContainerKafka.start() : EmbeddedKafka.start();
    }

    /** A fresh PostgreSQL 17 server with a database {@code chainmarket}, fsync off, for this caller alone. */
    public static PostgresServer postgres() {
        return mode() == Mode.CONTAINERS ? ContainerPostgres.start() : EmbeddedPostgres.start();
    }
}
