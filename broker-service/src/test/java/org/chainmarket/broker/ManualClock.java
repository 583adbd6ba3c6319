package org.chainmarket.broker;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The usage clock of a test that scripts a chain's history: it stands where the test sets it. */
@Singleton
@Named("usage")
@Replaces(value = Clock.class, named = "usage")
@Requires(property = "test.usage-clock", value = "manual")
public class ManualClock extends Clock {
    private volatile Instant now = Instant.parse("2026-03-01T00:00:00Z");

    public void set(Instant at) {
        now = at;
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
