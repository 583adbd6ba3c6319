package org.chainmarket.schemas.model;

import java.time.Instant;

/**
 * A placement command to one provider's domain: start an instance of a catalogue type at a site (advertised as
 * {@code offerId} once it runs), drain one (it takes no new chains while the broker moves its chains away), or stop
 * one (its offer is withdrawn). {@code deadline} may be null.
 */
public record InstanceCommand(String commandId, String planId, String decisionId, ProviderId providerId,
                              Operation operation, OfferId offerId, String vnfType, String siteId, String reason,
                              Instant deadline) {
    /** What the domain is asked to do. */
    public enum Operation { START, DRAIN, STOP }
}
