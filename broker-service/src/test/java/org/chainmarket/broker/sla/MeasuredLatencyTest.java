package org.chainmarket.broker.sla;

import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A chain's measured end-to-end latency from the links and instances along its path. */
class MeasuredLatencyTest {
    private static final ProviderId P = ProviderId.of("p");
    // a -> b (firewall at b) -> c -> b -> d: link a|b once, b|c twice, b|d once
    private static final ConcreteChain CHAIN = new ConcreteChain(
            List.of(new ConcreteChain.Hop(0, "fw", OfferId.of("fw-1"), P, "s", "b", 0.5, 1),
                    new ConcreteChain.Hop(1, "dpi", OfferId.of("dpi-1"), P, "s", "c", 0.7, 1)),
            List.of(new ConcreteChain.PathNode("a", P, null), new ConcreteChain.PathNode("b", P, 0), new ConcreteChain.PathNode("c", P, 1),
                    new ConcreteChain.PathNode("b", P, null), new ConcreteChain.PathNode("d", P, null)),
            List.of(), 10, 2);
    private static final Map<String, Double> ADVERTISED = Map.of("a|b", 1.0, "b|c", 2.0, "b|d", 3.0);

    @Test
    void withNothingMeasuredItIsWhatWasAdvertised() {
        MeasuredLatency.Result r = MeasuredLatency.of(CHAIN, Map.of(), Map.of(), ADVERTISED);
        assertThat(r.latencyMs()).isEqualTo(1 + 2 * 2 + 3 + 0.5 + 0.7, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.measuredParts()).isZero();
    }

    @Test
    void measuredDelaysReplaceAdvertisedOnesAndALinkCrossedTwiceCountsTwice() {
        MeasuredLatency.Result r = MeasuredLatency.of(CHAIN, Map.of("b|c", 20.0), Map.of("dpi-1", 4.0), ADVERTISED);
        assertThat(r.latencyMs()).isEqualTo(1 + 20 * 2 + 3 + 0.5 + 4.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.measuredParts()).isEqualTo(3);
        assertThat(r.worst()).isEqualTo("link b|c");
    }
}
