package org.chainmarket.broker;

import org.chainmarket.deploy.embedded.EmbeddedKafka;
import org.chainmarket.deploy.embedded.EmbeddedPostgres;

import java.util.Map;

/** One embedded Kafka broker and PostgreSQL server for the whole test run, stopped when the JVM exits. */
public final class Infra {
    private static EmbeddedKafka kafka;
    private static EmbeddedPostgres postgres;

    private Infra() {
    }

    /** The broker's configuration pointing at the shared servers (started on first use). */
    public static synchronized Map<String, String> brokerProperties() {
        if (kafka == null) {
            kafka = EmbeddedKafka.start();
            postgres = EmbeddedPostgres.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                postgres.close();
                kafka.close();
            }));
        }
        return Map.of(
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "datasources.default.url", postgres.jdbcUrl(),
                "datasources.default.username", postgres.username(),
                "datasources.default.password", postgres.password(),
                "micronaut.server.port", "-1",
                "chainmarket.delivery-timeout", "3s");
    }

    public static String bootstrapServers() {
        brokerProperties();
        return kafka.bootstrapServers();
    }
}
