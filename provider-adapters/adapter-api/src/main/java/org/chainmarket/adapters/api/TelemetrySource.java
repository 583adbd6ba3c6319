package org.chainmarket.adapters.api;

import org.chainmarket.schemas.model.TelemetryBatch;

import java.time.Instant;

/**
 * A provider that can report its domain's operational data (paper 003, Table 1): one sample per VNF instance and
 * per link. The adapter runner calls {@link #sample} periodically when telemetry is enabled and publishes the
 * batch. Implementations must be thread-safe: sampling runs on the runner's own thread, alongside commands.
 */
public interface TelemetrySource {

    /** The current samples of every instance and link of the domain, stamped {@code now}. */
    TelemetryBatch sample(Instant now);
}
