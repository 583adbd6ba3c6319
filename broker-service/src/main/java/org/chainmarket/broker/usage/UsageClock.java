package org.chainmarket.broker.usage;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.time.Clock;

/** The clock usage segments are timed by (the system's; tests put their own in its place to script a chain's history). */
@Factory
class UsageClock {
    static final String NAME = "usage";

    @Singleton
    @Named(NAME)
    Clock usageClock() {
        return Clock.systemUTC();
    }
}
