package org.chainmarket.placement.service;

import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfOffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The placement service's view of the market keeps an offer id with the provider that advertised it first. */
class MarketViewTest {
    private static final ProviderId WEST = ProviderId.of("west");
    private static final ProviderId EAST = ProviderId.of("east");

    @Test
    void anotherProvidersTopicCannotTakeOverOrWithdrawAnOffer() {
        MarketView view = new MarketView();
        OfferId id = OfferId.of("west-nat");
        view.offer(offer(id, WEST, 1000));

        view.offer(offer(id, EAST, 5));
        assertThat(view.offer(id).providerId()).as("east's advertisement of west's offer id").isEqualTo(WEST);
        assertThat(view.offer(id).capacityMbps()).isEqualTo(1000);

        view.offerWithdrawn(id, EAST);
        assertThat(view.knowsOffer(id)).as("east's withdrawal of west's offer").isTrue();

        view.offer(offer(id, WEST, 800));
        assertThat(view.offer(id).capacityMbps()).as("west changes its own offer").isEqualTo(800);
        view.offerWithdrawn(id, WEST);
        assertThat(view.knowsOffer(id)).as("west withdraws its own offer").isFalse();
    }

    private static VnfOffer offer(OfferId id, ProviderId provider, double mbps) {
        return new VnfOffer(id, provider, "nat", provider + "-1", mbps, 10, 0.4, 1.0, 0.001, 0.999, true, false, null, null);
    }
}
