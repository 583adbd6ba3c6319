package org.chainmarket.selection.solver;

import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.Encapsulation;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.SelectionResult;
import org.chainmarket.selection.exact.LayeredParetoSelector;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chainmarket.selection.solver.Fixture.offer;
import static org.chainmarket.selection.solver.Fixture.order;

/** Re-selection with the exact selector moves only the hops that must change. */
class PinnedReselectionTest {
    final LayeredParetoSelector selector = new LayeredParetoSelector();

    static List<String> offers(SelectionResult r) {
        assertThat(r).isInstanceOf(SelectionResult.Selected.class);
        return ((SelectionResult.Selected) r).chain().hops().stream().map(h -> h.offerId().value()).toList();
    }

    @Test
    void keepsEveryHopWhosePreviousOfferIsStillAvailableEvenWhenAnotherIsCheaper() {
        MarketSnapshot market = Fixture.market(1000, List.of(offer("fw-a", "firewall", "a", 1.0, 500, 5, true),
                offer("fw-b", "firewall", "b", 1.2, 500, 5, true), offer("nat-c", "nat", "c", 1.0, 500, 5, true)));
        ChainRequest reselect = new ChainRequest("c", order(List.of("firewall", "nat"), "a", "b", 10, 100, 100, List.of()),
                Encapsulation.NONE, List.of(OfferId.of("fw-b"), OfferId.of("nat-degraded")));
        assertThat(offers(selector.select(market, reselect))).as("fw-b kept, the gone nat replaced").containsExactly("fw-b", "nat-c");
        assertThat(offers(selector.select(market, reselect.order()))).as("a fresh order takes the cheaper firewall")
                .containsExactly("fw-a", "nat-c");
    }

    @Test
    void freesAKeptHopWhenNoChainCanBeBuiltAroundIt() {
        MarketSnapshot market = Fixture.market(1000, List.of(offer("fw-a", "firewall", "a", 1.0, 500, 5, true),
                offer("fw-c", "firewall", "c", 1.0, 500, 5, true), offer("nat-b", "nat", "b", 1.0, 500, 5, true)));
        // keeping fw-c (2 ms away, and back) breaks the 5 ms bound with the 1 ms hops; fw-a fits
        ChainRequest reselect = new ChainRequest("c", order(List.of("firewall", "nat"), "a", "a", 10, 5, 100, List.of()),
                Encapsulation.NONE, List.of(OfferId.of("fw-c"), OfferId.of("nat-gone")));
        assertThat(offers(selector.select(market, reselect))).containsExactly("fw-a", "nat-b");
    }
}
