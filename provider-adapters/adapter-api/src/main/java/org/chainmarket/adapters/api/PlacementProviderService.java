package org.chainmarket.adapters.api;

import org.chainmarket.schemas.model.InstanceAck;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.VnfOffer;

/**
 * The callback a {@link PlacementProvider} reports through. A started instance is advertised before its answer and a
 * stopped one withdrawn before its answer, so the marketplace knows the offer by the time the placement service hears
 * the command is done. Thread-safe.
 */
public interface PlacementProviderService {

    /** An instance runs: its offer is advertised (returns once the marketplace's log has it). */
    void advertise(VnfOffer offer);

    /** An instance stopped: its offer is withdrawn (returns once the marketplace's log has it). */
    void withdraw(OfferId offerId);

    /** A command finished, successfully or not (with why). */
    void completed(InstanceAck ack);
}
