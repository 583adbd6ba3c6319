package org.chainmarket.selection;

import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.VnfOffer;
import org.chainmarket.selection.network.MultiDomainNetwork;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What selection decides on: the network, the offers that are valid now and sit on a known site, and the
 * bandwidth already used per link (by {@code NetLink.key()}).
 */
public record MarketSnapshot(MultiDomainNetwork network, List<OfferState> offers, Map<String, Double> linkUsageMbps) {
    public MarketSnapshot {
        offers = List.copyOf(offers);
        linkUsageMbps = Map.copyOf(linkUsageMbps);
    }

    /**
     * Builds a snapshot from advertised domains and offers; {@code reserved} gives each offer's reserved
     * Mbit/s and chains (absent = none).
     */
    public static MarketSnapshot of(Collection<ProviderDomain> domains, Collection<VnfOffer> offers,
                                    Map<String, Reservation> reserved, Map<String, Double> linkUsageMbps, Instant now) {
        MultiDomainNetwork network = MultiDomainNetwork.of(domains);
        List<OfferState> states = offers.stream()
                .filter(o -> o.validAt(now))
                .map(o -> network.switchOfSite(o.siteId())
                        .filter(sw -> network.owner(sw).filter(o.providerId()::equals).isPresent())
                        .map(sw -> {
                            Reservation r = reserved.getOrDefault(o.offerId().value(), Reservation.NONE);
                            return new OfferState(o, sw, r.mbps(), r.chains());
                        }).orElse(null))
                .filter(Objects::nonNull)
                .toList();
        return new MarketSnapshot(network, states, linkUsageMbps);
    }

    /** Capacity held on an offer by chains. */
    public record Reservation(double mbps, int chains) {
        public static final Reservation NONE = new Reservation(0, 0);
    }
}
