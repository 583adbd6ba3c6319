package org.chainmarket.deploy.embedded;

import java.util.Map;

/** A running Kafka node that requires SASL: where clients connect, and the super user's client settings. */
public interface KafkaServer extends AutoCloseable {
    String bootstrapServers();

    /** The super user's client settings (security protocol, mechanism, credentials), to add to any client's. */
    Map<String, Object> adminSettings();

    /** Stops the node and deletes what it kept, unless it was started on a directory meant to outlive it. */
    @Override
    void close();
}
