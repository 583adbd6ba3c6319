package org.chainmarket.broker.registry;

import org.chainmarket.schemas.model.ProviderId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** A provider's circuit breaker on one replica, as its clock and the domains' outcomes drive it. */
class ProviderCircuitTest {
    static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    static final ProviderId P = ProviderId.of("east");
    final MarketReadModel market = new MarketReadModel();
    // threshold 2, open 10 s (doubled, at most 40 s), a probe's outcome decided within 5 s + 60 s
    final ProviderHealth health = new ProviderHealth(market, 2, Duration.ofSeconds(10), Duration.ofSeconds(40),
            Duration.ofSeconds(5), Duration.ofSeconds(60));

    @Test
    void opensAfterTheThresholdAndHalfOpensToOneProbe() {
        health.failed("east", "refused", T0);
        assertThat(health.status("east").state()).isEqualTo(ProviderHealth.State.CLOSED);
        health.failed("east", "refused", T0);
        assertThat(health.status("east").state()).isEqualTo(ProviderHealth.State.OPEN);
        assertThat(market.isProviderLeftOut(P)).isTrue();

        health.halfOpen(T0.plusSeconds(9));
        assertThat(market.isProviderLeftOut(P)).as("still backing off").isTrue();
        health.halfOpen(T0.plusSeconds(10));
        assertThat(health.status("east").state()).isEqualTo(ProviderHealth.State.HALF_OPEN);
        assertThat(market.isProviderLeftOut(P)).isFalse();

        health.commanded("east", T0.plusSeconds(11));
        assertThat(market.isProviderLeftOut(P)).as("no other chain while the probe is out").isTrue();
        health.failed("east", "no answer", T0.plusSeconds(16));
        assertThat(health.status("east").state()).isEqualTo(ProviderHealth.State.OPEN);
        assertThat(health.status("east").retryAt()).as("the back-off doubles").isEqualTo(T0.plusSeconds(36));

        health.halfOpen(T0.plusSeconds(36));
        health.commanded("east", T0.plusSeconds(37));
        health.answered("east");
        assertThat(health.status("east").state()).isEqualTo(ProviderHealth.State.CLOSED);
        assertThat(market.isProviderLeftOut(P)).isFalse();
    }

    /**
     * The probe's answer was applied by another replica (the one holding the provider's partition of answers), so this
     * one never sees it: once the probe's outcome would have been decided, the next chain probes again, rather than
     * the provider staying left out here for good.
     */
    @Test
    void aProbeWhoseOutcomeThisReplicaNeverSeesLetsAnotherChainProbe() {
        health.failed("east", "refused", T0);
        health.failed("east", "refused", T0);
        health.halfOpen(T0.plusSeconds(10));
        health.commanded("east", T0.plusSeconds(11));

        health.halfOpen(T0.plusSeconds(75));
        assertThat(market.isProviderLeftOut(P)).as("within the probe's delivery timeout and patience").isTrue();
        health.halfOpen(T0.plusSeconds(76));
        assertThat(market.isProviderLeftOut(P)).isFalse();
        assertThat(health.status("east").state()).isEqualTo(ProviderHealth.State.HALF_OPEN);

        health.commanded("east", T0.plusSeconds(80));
        assertThat(market.isProviderLeftOut(P)).as("the next chain is the probe").isTrue();
    }
}
