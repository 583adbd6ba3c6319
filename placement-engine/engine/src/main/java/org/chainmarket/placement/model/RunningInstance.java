package org.chainmarket.placement.model;

import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;

/**
 * A VNF instance that runs now (advertised as offer {@code offerId}). {@code idleGrace}: it carries no chains but did
 * (or started) less than the idle grace period ago, so a plan must not stop it yet (it may still move when its site
 * fails or its catalogue no longer allows it there).
 */
public record RunningInstance(OfferId offerId, ProviderId providerId, String siteId, String vnfType, boolean idleGrace) {
    /** An instance outside any idle grace period. */
    public RunningInstance(OfferId offerId, ProviderId providerId, String siteId, String vnfType) {
        this(offerId, providerId, siteId, vnfType, false);
    }

    /** The same instance, in its idle grace period or not. */
    public RunningInstance withIdleGrace(boolean inGrace) {
        return new RunningInstance(offerId, providerId, siteId, vnfType, inGrace);
    }
}
