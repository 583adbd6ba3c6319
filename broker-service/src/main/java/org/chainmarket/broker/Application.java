package org.chainmarket.broker;

import io.micronaut.runtime.Micronaut;

/** Runs the broker alone against the Kafka cluster and PostgreSQL named in its configuration. */
public final class Application {
    private Application() {
    }

    public static void main(String[] args) {
        Micronaut.run(Application.class, args);
    }
}
