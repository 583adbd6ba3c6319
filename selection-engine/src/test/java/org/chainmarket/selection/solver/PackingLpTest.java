package org.chainmarket.selection.solver;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The packing LP and integer program over whole-chain plans ({@link PackingLp}) on instances small enough to solve by hand. */
class PackingLpTest {
    private static final long KBPS = 100_000;

    /** Offers 0 and 1 have one chain slot each, offer 2 one too; bandwidth and the link are ample unless said otherwise. */
    private static PackingLp.Capacity capacity(long linkKbps) {
        return new PackingLp.Capacity(new int[]{1, 1, 1}, new long[]{10 * KBPS, 10 * KBPS, 10 * KBPS}, new long[]{linkKbps});
    }

    private static PackingLp.Column column(int chain, int offer, double cost, int... links) {
        return new PackingLp.Column(chain, new int[]{offer}, links, KBPS, cost);
    }

    /**
     * Chain 0 can only use offer 0, chain 1 only offer 1, chain 2 either: two of the three fit. The only optimal duals
     * price a slot of offers 0 and 1 at 1 and leave the chains' rows at 0, so a plan of chain 2 on offer 0 does not pay
     * and one on the free offer 2 does.
     */
    @Test
    void theRelaxationPricesTheContestedSlotsAndAPlanOnAFreeOfferPays() {
        List<PackingLp.Column> columns = List.of(column(0, 0, 5), column(1, 1, 1), column(2, 0, 1), column(2, 1, 1));
        PackingLp.Solution lp = PackingLp.relaxation(columns, 3, capacity(10 * KBPS));

        assertThat(lp.value()).isCloseTo(2, within(1e-9));
        assertThat(lp.perSlot()[0] + lp.perKbps()[0] * KBPS).isCloseTo(1, within(1e-9));
        assertThat(lp.perSlot()[1] + lp.perKbps()[1] * KBPS).isCloseTo(1, within(1e-9));
        assertThat(lp.chainDual()).containsOnly(0.0);
        assertThat(lp.pays(column(2, 0, 1))).as("chain 2 on the contested offer 0").isFalse();
        assertThat(lp.pays(column(2, 2, 1))).as("chain 2 on the free offer 2").isTrue();
    }

    /** The integer program takes two plans, one per offer, and of the packings with two the cheapest (chain 2 on offer 0, chain 1 on offer 1). */
    @Test
    void thePackingTakesTheMostPlansThenTheCheapest() {
        List<PackingLp.Column> columns = List.of(column(0, 0, 5), column(1, 1, 1), column(2, 0, 1), column(2, 1, 1));
        PackingLp.Solution ip = PackingLp.packing(columns, 3, capacity(10 * KBPS), 10_000, new boolean[]{true, true, false, false});

        assertThat(ip.taken()).containsExactly(0, 1, 1, 0);
    }

    /** A link with room for one chain's bandwidth and a half: the LP takes one and a half plans across it, the packing one. */
    @Test
    void aLinksBandwidthBoundsThePlansAcrossIt() {
        List<PackingLp.Column> columns = List.of(column(0, 0, 1, 0), column(1, 1, 1, 0), column(2, 2, 1, 0));
        PackingLp.Capacity capacity = capacity(KBPS * 3 / 2);

        assertThat(PackingLp.relaxation(columns, 3, capacity).value()).isCloseTo(1.5, within(1e-9));
        PackingLp.Solution ip = PackingLp.packing(columns, 3, capacity, 10_000, null);
        assertThat(ip.taken()).containsOnly(0.0, 1.0);
        assertThat(ip.taken()[0] + ip.taken()[1] + ip.taken()[2]).isEqualTo(1);
        assertThat(PackingLp.relaxation(columns, 3, capacity).perLinkKbps()[0] * KBPS).as("a plan across the link costs its row")
                .isCloseTo(1, within(1e-9));
    }
}
