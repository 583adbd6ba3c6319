package org.chainmarket.selection.exact;

import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfOffer;
import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.Objective;
import org.chainmarket.selection.SelectionResult;
import org.chainmarket.selection.Steering;
import org.chainmarket.selection.solver.OptaPlannerSelector;
import org.chainmarket.selection.solver.SelectionWeights;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ExhaustiveBatchSelectorTest {
    private static final ProviderId P = ProviderId.of("p");

    /**
     * Line x -10ms- y. One cheap firewall slot at x (1 EUR/h) and a dear one at y (3 EUR/h). Chain A enters and leaves
     * at x, chain B at y. Serving A first at x (cheapest for A alone) sends B to y: 1 + 3 = 4 EUR/h, no travel.
     * The other way round costs 3 + 1 + 2 x 2 x 10 ms x 0.05 = 6. So the optimum gives the cheap slot to A.
     */
    @Test
    void givesTheScarceCheapSlotToTheChainThatGainsMost() {
        MarketSnapshot market = MarketSnapshot.of(List.of(new ProviderDomain(P, "p",
                        List.of(new ProviderDomain.Switch("x", "x", 0.0, 0.0), new ProviderDomain.Switch("y", "y", 0.0, 0.0)),
                        List.of(new ProviderDomain.Site("x-dc", "x", 1, 1), new ProviderDomain.Site("y-dc", "y", 1, 1)),
                        List.of(new ProviderDomain.Link("x", "y", 10.0, 1000)), List.of())),
                List.of(fw("fw-x", "x-dc", 1.0), fw("fw-y", "y-dc", 3.0)), Map.of(), Map.of(), Instant.EPOCH);
        List<ChainRequest> requests = List.of(
                ChainRequest.of("b", new ChainOrder("b", List.of("firewall"), "y", "y", 10, 100, 10, List.of(), List.of())),
                ChainRequest.of("a", new ChainOrder("a", List.of("firewall"), "x", "x", 10, 100, 10, List.of(), List.of())));

        List<SelectionResult> exact = new ExhaustiveBatchSelector(Objective.DEFAULT).selectBatch(market, requests);
        List<SelectionResult> solver = new OptaPlannerSelector(SelectionWeights.objectiveOnly(Objective.DEFAULT), Steering.NO_PROXIES)
                .selectBatch(market, requests);

        for (List<SelectionResult> results : List.of(exact, solver)) {
            assertThat(((SelectionResult.Selected) results.get(0)).chain().hops().get(0).offerId().value()).isEqualTo("fw-y");
            assertThat(((SelectionResult.Selected) results.get(1)).chain().hops().get(0).offerId().value()).isEqualTo("fw-x");
            assertThat(results.stream().mapToDouble(r -> ((SelectionResult.Selected) r).objective()).sum()).isCloseTo(4.0, within(1e-9));
        }
    }

    /**
     * Ten chains with 25 combinations each are 250 combinations to enumerate but 26^10 leaves to search: the limit
     * counts the leaves, so it refuses up front rather than run for hours; two such chains (676 leaves) are solved.
     */
    @Test
    void refusesByTheProductOfTheChainsCombinationsNotTheirSum() {
        List<VnfOffer> offers = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            offers.add(new VnfOffer(OfferId.of("fw" + i), P, "firewall", "x-dc", 1000, 10, 0.0, 1 + i, 0.0, 0.999, true, true, null, null));
            offers.add(new VnfOffer(OfferId.of("nat" + i), P, "nat", "y-dc", 1000, 10, 0.0, 1 + i, 0.0, 0.999, true, true, null, null));
        }
        MarketSnapshot market = MarketSnapshot.of(List.of(new ProviderDomain(P, "p",
                        List.of(new ProviderDomain.Switch("x", "x", 0.0, 0.0), new ProviderDomain.Switch("y", "y", 0.0, 0.0)),
                        List.of(new ProviderDomain.Site("x-dc", "x", 1, 1), new ProviderDomain.Site("y-dc", "y", 1, 1)),
                        List.of(new ProviderDomain.Link("x", "y", 1.0, 100_000)), List.of())),
                offers, Map.of(), Map.of(), Instant.EPOCH);
        List<ChainRequest> ten = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ten.add(ChainRequest.of("c" + i, new ChainOrder("b", List.of("firewall", "nat"), "x", "y", 10, 100, 100, List.of(), List.of())));
        }
        ExhaustiveBatchSelector exact = new ExhaustiveBatchSelector(Objective.DEFAULT, Steering.NO_PROXIES, 1_000_000);

        assertThat(exact.searchSize(market, ten)).isEqualTo(Math.pow(26, 10));
        assertThat(exact.feasibleSize(market, ten)).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> exact.selectBatch(market, ten))
                .isInstanceOf(ExhaustiveBatchSelector.TooLargeException.class).hasMessageContaining("leaves");
        assertThat(exact.feasibleSize(market, ten.subList(0, 2))).isTrue();
        assertThat(exact.selectBatch(market, ten.subList(0, 2))).allMatch(r -> r instanceof SelectionResult.Selected);
    }

    private static VnfOffer fw(String id, String site, double price) {
        return new VnfOffer(OfferId.of(id), P, "firewall", site, 100, 1, 0.0, price, 0.0, 0.999, true, true, null, null);
    }
}
