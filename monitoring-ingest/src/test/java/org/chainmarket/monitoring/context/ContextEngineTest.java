package org.chainmarket.monitoring.context;

import org.chainmarket.schemas.model.Metric;
import org.chainmarket.monitoring.policy.ThresholdPolicy;
import org.chainmarket.schemas.model.Degradation;
import org.chainmarket.schemas.model.SubjectKind;
import org.chainmarket.schemas.model.InstanceStatus;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.TelemetryBatch;
import org.chainmarket.schemas.model.VnfOffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The ingest core on samples one second apart (sample time = ingest time unless a test says otherwise). */
class ContextEngineTest {
    static final ProviderId EAST = ProviderId.of("east");
    static final OfferId FW = OfferId.of("east-fw");
    static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    private RecordingSink sink;
    private ContextEngine engine;
    private long seq;

    @BeforeEach
    void engine() {
        sink = new RecordingSink();
        engine = new ContextEngine(ThresholdPolicy.defaults(), sink);
        engine.offer(offer(FW, null));
    }

    static VnfOffer offer(OfferId id, VnfOffer.ScaleThresholds thresholds) {
        return new VnfOffer(id, EAST, "firewall", "east-site", 1000, 10, 0.5, 1, 0, 0.999, false, false, null, null, thresholds);
    }

    /** One sample of FW at second {@code s}: cpu as given, throughput 100 Mbit/s, nominal delay. */
    private void cpuAt(int s, double cpu) {
        vnf(s, FW, InstanceStatus.UP, cpu, ++seq);
    }

    private void vnf(int s, OfferId id, InstanceStatus status, double cpu, long heartbeat) {
        Instant at = T0.plusSeconds(s);
        engine.apply(new TelemetryBatch(EAST, at, List.of(new TelemetryBatch.VnfSample(id, at, status, cpu, 0.3, 100, 100,
                0.6, heartbeat)), List.of()), at.toEpochMilli());
    }

    @Test
    void theFirstSampleIsPublishedWithLoadAsMaxOfCpuAndThroughputOverCapacity() {
        Instant at = T0;
        engine.apply(new TelemetryBatch(EAST, at, List.of(new TelemetryBatch.VnfSample(FW, at, InstanceStatus.UP, 0.3, 0.4,
                500, 480, 0.7, 1)), List.of()), at.toEpochMilli());
        assertThat(sink.instances).singleElement().satisfies(c -> {
            assertThat(c.offerId()).isEqualTo(FW);
            assertThat(c.providerId()).isEqualTo(EAST);
            assertThat(c.status()).isEqualTo(InstanceStatus.UP);
            assertThat(c.load()).isEqualTo(0.5);
            assertThat(c.cpuAvg()).isEqualTo(0.3);
            assertThat(c.processingDelayAvgMs()).isEqualTo(0.7);
            assertThat(c.throughputInAvgMbps()).isEqualTo(500);
            assertThat(c.lastSampleAt()).isEqualTo(at);
            assertThat(c.samplesInWindow()).isEqualTo(1);
            assertThat(c.degradedMetrics()).isEmpty();
        });
    }

    @Test
    void aHotInstanceGivesOneDetectionAfterTheDwellAndOneClearanceWhenItCools() {
        for (int s = 0; s < 10; s++) {
            cpuAt(s, 0.3);
        }
        for (int s = 10; s < 40; s++) {
            cpuAt(s, 0.97);
        }
        assertThat(sink.detected).singleElement().satisfies(d -> {
            assertThat(d.subjectKind()).isEqualTo(SubjectKind.INSTANCE);
            assertThat(d.subjectId()).isEqualTo("east-fw");
            assertThat(d.metric()).isEqualTo(Metric.LOAD);
            assertThat(d.value()).isGreaterThanOrEqualTo(0.85);
            assertThat(d.threshold()).isEqualTo(0.85);
            assertThat(d.clearThreshold()).isEqualTo(0.7);
            assertThat(d.windowSeconds()).isEqualTo(10);
            assertThat(d.recent()).hasSize(11).last().satisfies(p -> assertThat(p.value()).isEqualTo(0.97));
        });
        assertThat(sink.lastInstance().status()).isEqualTo(InstanceStatus.DEGRADED);
        assertThat(sink.lastInstance().degradedMetrics()).containsExactly(Metric.LOAD);
        for (int s = 40; s < 70; s++) {
            cpuAt(s, 0.2);
        }
        assertThat(sink.detected).hasSize(1);
        assertThat(sink.cleared).singleElement().satisfies(d -> {
            assertThat(d.metric()).isEqualTo(Metric.LOAD);
            assertThat(d.value()).isLessThanOrEqualTo(0.7);
        });
        assertThat(sink.lastInstance().status()).isEqualTo(InstanceStatus.UP);
    }

    @Test
    void aValueFlappingAroundTheThresholdForManySamplesGivesExactlyOneEvent() {
        for (int s = 0; s < 10; s++) {
            cpuAt(s, 0.97);
        }
        // the moving average now hovers around 0.85, the enter threshold, crossing it on every sample
        for (int s = 10; s < 1010; s++) {
            cpuAt(s, s % 2 == 0 ? 0.95 : 0.75);
        }
        assertThat(sink.detected).hasSize(1);
        assertThat(sink.cleared).isEmpty();
    }

    @Test
    void withoutDwellAFlappingValueStillGivesOneEvent() {
        engine = new ContextEngine(ThresholdPolicy.defaults().with("dwell.seconds", "0"), sink);
        for (int s = 0; s < 1000; s++) {
            cpuAt(s, s % 2 == 0 ? 0.9 : 0.8);   // average 0.85 +- 0.005: crosses the enter threshold back and forth
        }
        assertThat(sink.detected).hasSize(1);
        assertThat(sink.cleared).isEmpty();
    }

    @Test
    void heartbeatsThatStopMakeTheInstanceDownAndABeatBringsItBack() {
        for (int s = 0; s < 5; s++) {
            cpuAt(s, 0.3);
        }
        long lastBeat = T0.plusSeconds(4).toEpochMilli();
        engine.tick(lastBeat + 4_000);
        assertThat(sink.detected).isEmpty();
        engine.tick(lastBeat + 6_000);
        assertThat(sink.detected).singleElement().satisfies(d -> {
            assertThat(d.metric()).isEqualTo(Metric.HEARTBEAT);
            assertThat(d.value()).isEqualTo(6.0);
            assertThat(d.threshold()).isEqualTo(5.0);
        });
        assertThat(sink.lastInstance().status()).isEqualTo(InstanceStatus.DOWN);
        engine.tick(lastBeat + 9_000);
        assertThat(sink.detected).hasSize(1);

        cpuAt(15, 0.3);
        assertThat(sink.cleared).singleElement().satisfies(d -> assertThat(d.metric()).isEqualTo(Metric.HEARTBEAT));
        assertThat(sink.lastInstance().status()).isEqualTo(InstanceStatus.UP);
    }

    @Test
    void samplesWithAFrozenCounterCountAsSilence() {
        for (int s = 0; s < 20; s++) {
            vnf(s, FW, InstanceStatus.UP, 0.3, 7);
        }
        assertThat(sink.detected).singleElement().satisfies(d -> assertThat(d.metric()).isEqualTo(Metric.HEARTBEAT));
    }

    @Test
    void anInstanceReportedDownIsDownAtOnceAndOnlyOnce() {
        cpuAt(0, 0.3);
        vnf(1, FW, InstanceStatus.DOWN, 0, seq);
        vnf(2, FW, InstanceStatus.DOWN, 0, seq);
        vnf(3, FW, InstanceStatus.DOWN, 0, seq);
        assertThat(sink.detected).singleElement().satisfies(d -> assertThat(d.metric()).isEqualTo(Metric.HEARTBEAT));
        assertThat(sink.lastInstance().status()).isEqualTo(InstanceStatus.DOWN);
        assertThat(sink.lastInstance().cpuAvg()).as("a down sample does not drag the averages").isEqualTo(0.3);
    }

    @Test
    void contextIsRepublishedOnlyOnAMaterialChangeOrWhenTheRefreshIsDue() {
        for (int s = 0; s < 100; s++) {
            cpuAt(s, 0.3 + (s % 2) * 0.01);
        }
        assertThat(sink.instances).hasSize(1);
        cpuAt(100, 0.9);
        assertThat(sink.instances).hasSize(2);
        long now = T0.plusSeconds(100).toEpochMilli();
        engine.tick(now + 1_000);
        assertThat(sink.instances).hasSize(2);
        cpuAt(101, 0.35);
        engine.tick(now + 11_000);
        assertThat(sink.instances).hasSize(3);
        engine.tick(now + 30_000);
        assertThat(sink.instances).as("nothing new since the refresh").hasSize(3);
    }

    @Test
    void aProvidersDeclaredScaleThresholdIsUsed() {
        engine.offer(offer(FW, new VnfOffer.ScaleThresholds(0.5, null, null)));
        for (int s = 0; s < 10; s++) {
            cpuAt(s, 0.6);
        }
        assertThat(sink.detected).singleElement().satisfies(d -> {
            assertThat(d.threshold()).isEqualTo(0.5);
            assertThat(d.clearThreshold()).isCloseTo(0.425, within(1e-9));
        });
    }

    @Test
    void aHotLinkDegradesOnUtilizationAndItsContextIsKeyedDirectionFree() {
        for (int s = 0; s < 20; s++) {
            Instant at = T0.plusSeconds(s);
            double u = s < 5 ? 0.3 : 0.97;
            engine.apply(new TelemetryBatch(EAST, at, List.of(), List.of(new TelemetryBatch.LinkSample("nyc", "dc", at, 2, u, 0))),
                    at.toEpochMilli());
        }
        assertThat(sink.detected).singleElement().satisfies(d -> {
            assertThat(d.subjectKind()).isEqualTo(SubjectKind.LINK);
            assertThat(d.subjectId()).isEqualTo("dc|nyc");
            assertThat(d.metric()).isEqualTo(Metric.UTILIZATION);
        });
        assertThat(sink.links.get(sink.links.size() - 1)).satisfies(l -> {
            assertThat(l.linkKey()).isEqualTo("dc|nyc");
            assertThat(l.status()).isEqualTo(InstanceStatus.DEGRADED);
            assertThat(l.utilizationP95()).isEqualTo(0.97);
            assertThat(l.degradedMetrics()).containsExactly(Metric.UTILIZATION);
        });
    }

    @Test
    void aProviderWhosePartitionLeftIsForgotten() {
        cpuAt(0, 0.3);
        assertThat(engine.instance(FW)).isPresent();
        engine.forgetProvider(EAST);
        assertThat(engine.instance(FW)).isEmpty();
        assertThat(engine.subjects()).isZero();
    }
}
