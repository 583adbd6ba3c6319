package org.chainmarket.broker.usage;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.time.Clock;

/**
 * The clock usage segments, repricings and SLA violation periods are timed by, so that an invoice and its credits
 * agree (the system's; tests put their own in its place to script a chain's history).
 */
@Factory
public class UsageClock {
    public static final String NAME = "usage";

    @Singleton
    @Named(NAME)
    Clock usageClock() {
        return Clock.systemUTC();
    }
}
