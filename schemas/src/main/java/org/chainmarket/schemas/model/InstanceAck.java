package org.chainmarket.schemas.model;

import java.time.Instant;

/** A domain's answer to an {@link InstanceCommand}: done, or failed with the reason. */
public record InstanceAck(String commandId, ProviderId providerId, InstanceCommand.Operation operation,
                          OfferId offerId, boolean success, String reason, Instant at) {
}
