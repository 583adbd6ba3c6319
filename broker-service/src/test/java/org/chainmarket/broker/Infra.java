package org.chainmarket.broker;

import org.chainmarket.deploy.embedded.KafkaServer;
import org.chainmarket.deploy.embedded.PostgresServer;
import org.chainmarket.deploy.testinfra.TestInfrastructure;
import org.chainmarket.schemas.kafka.KafkaAccess;

import java.util.HashMap;
import java.util.Map;

/**
 * One Kafka broker and PostgreSQL server for the whole test run, stopped when the JVM exits: in containers from the
 * project's images where a Docker engine holds them, embedded otherwise ({@link TestInfrastructure}).
 */
public final class Infra {
    private static KafkaServer kafka;
    private static KafkaAccess access;
    private static PostgresServer postgres;

    private Infra() {
    }

    /** The broker's configuration pointing at the shared servers (started on first use). */
    public static synchronized Map<String, String> brokerProperties() {
        if (kafka == null) {
            kafka = TestInfrastructure.kafka();
            access = KafkaAccess.secured(kafka.bootstrapServers(), kafka.adminSettings());
            postgres = TestInfrastructure.postgres();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                postgres.close();
                kafka.close();
            }));
        }
        Map<String, String> p = new HashMap<>(Map.of(
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "datasources.default.url", postgres.jdbcUrl(),
                "datasources.default.username", postgres.username(),
                "datasources.default.password", postgres.password(),
                "micronaut.server.port", "-1",
                "chainmarket.delivery-timeout", "3s"));
        // the broker authenticates as its own principal
        access.broker().forEach((k, v) -> p.put("kafka." + k, String.valueOf(v)));
        return p;
    }

    /** Who may do what on the shared Kafka broker: the super user's settings for the tests' own clients, the providers' principals. */
    public static KafkaAccess kafka() {
        brokerProperties();
        return access;
    }

    /** The super user's client settings, for the tests' own clients (they inject and observe any topic). */
    public static Map<String, Object> admin() {
        return kafka().admin();
    }

    public static String bootstrapServers() {
        brokerProperties();
        return kafka.bootstrapServers();
    }
}
