package org.chainmarket.schemas.model;

import java.time.Instant;
import java.util.List;

/** A command to one provider domain to set up or tear down its segments of a chain. */
public record DomainCommand(String commandId, ChainId chainId, ProviderId providerId, Operation operation,
                            double bandwidthMbps, List<DomainSegment> segments, Instant deadline) {
    public DomainCommand {
        segments = segments == null ? List.of() : List.copyOf(segments);
    }

    /** What the domain is asked to do. */
    public enum Operation { SETUP, TEARDOWN }
}
