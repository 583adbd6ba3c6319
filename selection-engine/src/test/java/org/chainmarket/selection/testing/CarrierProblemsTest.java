package org.chainmarket.selection.testing;

import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.OfferState;
import org.chainmarket.selection.network.MultiDomainNetwork;
import org.chainmarket.selection.network.NetLink;
import org.chainmarket.selection.network.PathFinder;
import org.chainmarket.selection.topology.Topology;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The generated carrier-size problems have the shape the benchmark and tests rely on. */
class CarrierProblemsTest {

    @Test
    void networksAreConnectedSparseAndReproducible() {
        for (int n : new int[]{200, 1000}) {
            Topology t = RandomGeometricTopology.generate(n, 7);
            assertThat(t.nodes()).hasSize(n);
            assertThat(2.0 * t.edges().size() / n).isCloseTo(RandomGeometricTopology.MEAN_DEGREE, within(0.05));
            assertThat(RandomGeometricTopology.generate(n, 7).edges()).isEqualTo(t.edges());
        }
        GeneratedProblem p = CarrierProblems.generate(CarrierProblems.Spec.batch(1000, 50, 200, 3));
        MultiDomainNetwork network = p.market().network();
        PathFinder any = network.pathFinder(0, Map.of());
        double[] fromFirst = any.latenciesFrom(0);
        for (double d : fromFirst) {
            assertThat(d).isFinite();
        }
        assertThat(network.owner(network.switchId(0))).isPresent();
    }

    @Test
    void capacityIsScarceLinksAreSometimesTightAndTypesRepeat() {
        GeneratedProblem p = CarrierProblems.generate(CarrierProblems.Spec.batch(500, 40, 300, 11));
        MarketSnapshot m = p.market();
        long tight = m.network().links().stream().filter(l -> m.freeMbps(l) < 300).count();
        assertThat((double) tight / m.network().links().size()).isBetween(0.08, 0.25);
        Map<String, Integer> uses = new HashMap<>();
        boolean repeated = false;
        for (ChainRequest r : p.requests()) {
            assertThat(r.order().vnfTypes().size()).isBetween(3, 7);
            r.order().vnfTypes().forEach(t -> uses.merge(t, 1, Integer::sum));
            repeated |= r.order().vnfTypes().stream().distinct().count() < r.order().vnfTypes().size();
        }
        assertThat(repeated).as("some chain uses a VNF type twice").isTrue();
        Map<String, Integer> slots = new HashMap<>();
        for (OfferState o : m.offers()) {
            slots.merge(o.offer().vnfType(), o.freeChains(), Integer::sum);
        }
        int short_ = 0;
        for (String type : uses.keySet()) {
            if (slots.get(type) < uses.get(type)) {
                short_++;
            }
        }
        assertThat(short_).as("types whose offers cannot hold every use").isGreaterThan(uses.size() / 2);
        assertThat(m.offers()).hasSize(8 * 40);
        assertThat(m.network().links().stream().mapToDouble(NetLink::latencyMs).max().orElseThrow()).isLessThan(15);
    }
}
