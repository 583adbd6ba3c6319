package org.chainmarket.placement.model;

import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;

/** A VNF instance that runs now (advertised as offer {@code offerId}). */
public record RunningInstance(OfferId offerId, ProviderId providerId, String siteId, String vnfType) {
}
