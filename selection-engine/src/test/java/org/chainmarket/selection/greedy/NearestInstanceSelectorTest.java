package org.chainmarket.selection.greedy;

import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfOffer;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.SelectionResult;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class NearestInstanceSelectorTest {
    private static final ProviderId P = ProviderId.of("p");

    @Test
    void takesTheNearestInstanceEvenWhenAFartherOneIsCheaper() {
        // x -1ms- y -1ms- z: firewall at y (5 EUR/h) and at z (1 EUR/h); from x, y is nearer
        MarketSnapshot market = MarketSnapshot.of(List.of(new ProviderDomain(P, "p",
                        List.of(sw("x"), sw("y"), sw("z")), List.of(site("y"), site("z")),
                        List.of(new ProviderDomain.Link("x", "y", 1.0, 1000), new ProviderDomain.Link("y", "z", 1.0, 1000)), List.of())),
                List.of(fw("fw-y", "y-dc", 5.0), fw("fw-z", "z-dc", 1.0)), Map.of(), Map.of(), Instant.EPOCH);
        ChainOrder order = new ChainOrder("b", List.of("firewall"), "x", "z", 10, 100, 10, List.of(), List.of());

        SelectionResult r = new NearestInstanceSelector().select(market, order);

        assertThat(((SelectionResult.Selected) r).chain().hops().get(0).offerId().value()).isEqualTo("fw-y");
    }

    private static ProviderDomain.Switch sw(String id) {
        return new ProviderDomain.Switch(id, id, 0.0, 0.0);
    }

    private static ProviderDomain.Site site(String sw) {
        return new ProviderDomain.Site(sw + "-dc", sw, 1, 1);
    }

    private static VnfOffer fw(String id, String site, double price) {
        return new VnfOffer(OfferId.of(id), P, "firewall", site, 100, 5, 0.0, price, 0.0, 0.999, true, true, null, null);
    }
}
