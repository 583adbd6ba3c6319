package org.chainmarket.monitoring.load;

import org.chainmarket.monitoring.context.ContextEngine;
import org.chainmarket.monitoring.context.ContextSink;
import org.chainmarket.schemas.model.Metric;
import org.chainmarket.monitoring.policy.ThresholdPolicy;
import org.chainmarket.schemas.model.Degradation;
import org.chainmarket.schemas.model.InstanceContext;
import org.chainmarket.schemas.model.LinkContext;
import org.chainmarket.schemas.model.OfferId;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each load-generator scenario, replayed through the engine, gives the events an operator would expect. */
class ScenarioTest {
    private final List<String> detected = new ArrayList<>();
    private final List<String> cleared = new ArrayList<>();

    private void replay(Scenario scenario) {
        SyntheticFleet fleet = new SyntheticFleet(2, 20, 4, 5, 3);
        ContextEngine engine = new ContextEngine(ThresholdPolicy.defaults(), new ContextSink() {
            @Override
            public void instance(InstanceContext context) {
            }

            @Override
            public void link(LinkContext context) {
            }

            @Override
            public void detected(Degradation d) {
                detected.add(d.subjectId() + " " + d.metric());
            }

            @Override
            public void cleared(Degradation d) {
                cleared.add(d.subjectId() + " " + d.metric());
            }
        });
        Instant t0 = Instant.parse("2026-11-20T10:00:00Z");
        int rounds = 90;
        for (int r = 0; r < rounds; r++) {
            Instant at = t0.plusSeconds(r);
            for (int p = 0; p < fleet.providers(); p++) {
                engine.apply(fleet.batch(p, at, scenario.faults(fleet, r, rounds)), at.toEpochMilli());
            }
        }
    }

    @Test
    void steadyTrafficRaisesNothing() {
        replay(Scenario.STEADY);
        assertThat(detected).isEmpty();
    }

    @Test
    void aHotSwitchDegradesTheLinksAtItAndTheyRecover() {
        replay(Scenario.HOT_SWITCH);
        assertThat(detected).containsExactlyInAnyOrder("gen-p0-sw-0|gen-p0-sw-1 delayMs", "gen-p0-sw-0|gen-p0-sw-1 utilization",
                "gen-p0-sw-1|gen-p0-sw-2 delayMs", "gen-p0-sw-1|gen-p0-sw-2 utilization");
        assertThat(cleared).containsExactlyInAnyOrderElementsOf(detected);
    }

    @Test
    void aDeadInstanceIsDetectedOnceAndStaysDown() {
        replay(Scenario.INSTANCE_DEATH);
        assertThat(detected).containsExactly("gen-p0-vnf-0 heartbeat");
        assertThat(cleared).isEmpty();
    }

    @Test
    void aFailedSiteDownsEachOfItsInstancesOnceAndTheyComeBack() {
        replay(Scenario.SITE_FAILURE);
        List<String> atSite = new SyntheticFleet(2, 20, 4, 5, 3).instancesAt(0, 0).stream()
                .map(OfferId::value).map(id -> id + " " + Metric.HEARTBEAT).toList();
        assertThat(atSite).hasSize(5);
        assertThat(detected).containsExactlyInAnyOrderElementsOf(atSite);
        assertThat(cleared).containsExactlyInAnyOrderElementsOf(atSite);
    }

    @Test
    void aHotInstanceDegradesOnLoadAndRecovers() {
        replay(Scenario.HOT_INSTANCE);
        assertThat(detected).containsExactly("gen-p0-vnf-0 load");
        assertThat(cleared).containsExactly("gen-p0-vnf-0 load");
    }

    @Test
    void scenariosAreNamedAsOnTheCommandLine() {
        assertThat(Scenario.parse("site-failure")).isEqualTo(Scenario.SITE_FAILURE);
        assertThat(Scenario.HOT_SWITCH.cliName()).isEqualTo("hot-switch");
        assertThatThrownBy(() -> Scenario.parse("meltdown")).hasMessageContaining("scenario must be one of");
    }
}
