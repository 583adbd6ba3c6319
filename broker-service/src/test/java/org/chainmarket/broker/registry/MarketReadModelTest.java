package org.chainmarket.broker.registry;

import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.SubjectKind;
import org.chainmarket.schemas.model.VnfOffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the read model holds in its market, whatever the health of it: an offer live at its provider's site, a link
 * of the network, neither of a provider left out (what the reconcile loop asks before it recovers a chain waiting on
 * a withdrawn subject advertised again).
 */
class MarketReadModelTest {
    private final MarketReadModel market = new MarketReadModel();

    @Test
    void anOfferOrALinkIsInTheMarketWhileItIsAdvertisedAndNoProviderOfItIsLeftOut() {
        market.putDomain(domain("west", "w", ", \"borderLinks\": [{\"localSwitch\": \"w2\", \"remoteProvider\": \"east\", "
                + "\"remoteSwitch\": \"e1\", \"latencyMs\": 2, \"bandwidthMbps\": 1000}]"));
        market.putDomain(domain("east", "e", ""));
        assertThat(market.inMarket(SubjectKind.INSTANCE, "fw")).as("never advertised").isFalse();
        market.putOffer(offer("fw", "west", "w-site"), 0, 0, 0);
        assertThat(market.inMarket(SubjectKind.INSTANCE, "fw")).isTrue();
        assertThat(market.inMarket(SubjectKind.LINK, "e1|w2")).as("the border link").isTrue();
        assertThat(market.inMarket(SubjectKind.LINK, "w2|e1")).as("its ends in either order").isTrue();
        assertThat(market.inMarket(SubjectKind.LINK, "e1|w1")).as("no such link").isFalse();

        market.setProviderLeftOut(ProviderId.of("east"), true);
        assertThat(market.inMarket(SubjectKind.INSTANCE, "fw")).as("west's offer").isTrue();
        assertThat(market.inMarket(SubjectKind.LINK, "e1|w2")).as("a border link of a provider left out").isFalse();
        assertThat(market.inMarket(SubjectKind.LINK, "w1|w2")).isTrue();
        market.setProviderLeftOut(ProviderId.of("west"), true);
        assertThat(market.inMarket(SubjectKind.INSTANCE, "fw")).as("an offer of a provider left out").isFalse();
        assertThat(market.inMarket(SubjectKind.LINK, "w1|w2")).isFalse();
        market.setProviderLeftOut(ProviderId.of("west"), false);
        market.setProviderLeftOut(ProviderId.of("east"), false);

        market.putOffer(offer("fw-elsewhere", "west", "e-site"), 0, 0, 0);
        assertThat(market.inMarket(SubjectKind.INSTANCE, "fw-elsewhere")).as("at a site not its provider's").isFalse();
        market.removeOffer(OfferId.of("fw"));
        assertThat(market.inMarket(SubjectKind.INSTANCE, "fw")).as("withdrawn").isFalse();
        market.putOffer(offer("fw", "west", "w-site"), 0, 0, 0);
        market.removeDomain(ProviderId.of("west"));
        assertThat(market.inMarket(SubjectKind.INSTANCE, "fw")).as("its provider withdrawn").isFalse();
        assertThat(market.inMarket(SubjectKind.LINK, "e1|w2")).isFalse();
    }

    private static ProviderDomain domain(String provider, String s, String more) {
        return Json.read("""
                {"providerId": "%1$s", "name": "%1$s", "switches": [{"switchId": "%2$s1"}, {"switchId": "%2$s2"}],
                 "sites": [{"siteId": "%2$s-site", "switchId": "%2$s%3$s", "cpuCores": 8, "memoryGb": 16}],
                 "links": [{"from": "%2$s1", "to": "%2$s2", "latencyMs": 1, "bandwidthMbps": 10000}]%4$s}"""
                .formatted(provider, s, s.equals("w") ? "2" : "1", more), ProviderDomain.class);
    }

    private static VnfOffer offer(String id, String provider, String site) {
        return Json.read("""
                {"offerId": "%s", "providerId": "%s", "vnfType": "fw", "siteId": "%s", "capacityMbps": 1000, "maxChains": 10,
                 "processingLatencyMs": 0.1, "pricePerHour": 1, "pricePerMbpsHour": 0, "availability": 0.99,
                 "srAware": true, "nshAware": false}""".formatted(id, provider, site), VnfOffer.class);
    }
}
