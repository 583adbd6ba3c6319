package org.chainmarket.monitoring.policy;

import org.chainmarket.schemas.model.Metric;

import org.chainmarket.monitoring.detect.Threshold;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfOffer;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ThresholdPolicyTest {
    static VnfOffer offer(String type, double latencyMs, VnfOffer.ScaleThresholds declared) {
        return new VnfOffer(OfferId.of("o-1"), ProviderId.of("east"), type, "s", 1000, 10, latencyMs, 1, 0, 1, false,
                false, null, null, declared);
    }

    @Test
    void defaultsWithoutAnOffer() {
        ThresholdPolicy p = ThresholdPolicy.defaults();
        assertThat(p.instanceThresholds(null)).containsEntry(Metric.LOAD, new Threshold(0.85, 0.7))
                .containsEntry(Metric.CPU, null)
                .containsEntry(Metric.PROCESSING_DELAY, new Threshold(50, 40));
        assertThat(p.linkThreshold(Metric.UTILIZATION)).isEqualTo(new Threshold(0.9, 0.75));
        assertThat(p.heartbeatThreshold()).isEqualTo(new Threshold(5, 0));
        assertThat(p.windowMillis()).isEqualTo(10_000);
        assertThat(p.minDwellMillis()).isEqualTo(2_000);
    }

    @Test
    void declaredScaleThresholdsWinOverTypePolicyWhichWinsOverDefaults() {
        ThresholdPolicy p = ThresholdPolicy.defaults().with("type.dpi.cpu", "0.7/0.6").with("type.dpi.load", "0.75/0.6");
        assertThat(p.instanceThresholds(offer("dpi", 2, null)))
                .containsEntry(Metric.CPU, new Threshold(0.7, 0.6))
                .containsEntry(Metric.LOAD, new Threshold(0.75, 0.6))
                .containsEntry(Metric.PROCESSING_DELAY, new Threshold(10, 6));   // 5x / 3x the nominal 2 ms
        assertThat(p.instanceThresholds(offer("dpi", 2, new VnfOffer.ScaleThresholds(0.8, null, 4.0))))
                .containsEntry(Metric.LOAD, new Threshold(0.8, 0.8 * 0.85))
                .containsEntry(Metric.CPU, new Threshold(0.7, 0.6))
                .containsEntry(Metric.PROCESSING_DELAY, new Threshold(4, 4 * 0.85));
        assertThat(p.instanceThresholds(offer("nat", 2, null))).containsEntry(Metric.CPU, null);
        assertThat(p.with("link.loss", "off").linkThreshold(Metric.LOSS)).isNull();
    }

    @Test
    void readsPropertiesAndNamesTheBadKey() {
        Properties props = new Properties();
        props.setProperty("dwell.seconds", "0.5");
        props.setProperty("link.delayMs", "20/15");
        ThresholdPolicy p = ThresholdPolicy.fromProperties(props);
        assertThat(p.minDwellMillis()).isEqualTo(500);
        assertThat(p.linkThreshold(Metric.DELAY)).isEqualTo(new Threshold(20, 15));

        assertThatThrownBy(() -> ThresholdPolicy.defaults().with("instance.colour", "1/0")).hasMessageContaining("instance.colour: unknown metric 'colour'");
        assertThatThrownBy(() -> ThresholdPolicy.defaults().with("window.sconds", "3")).hasMessageContaining("window.sconds: unknown policy setting");
        assertThatThrownBy(() -> ThresholdPolicy.defaults().with("window.capacity", "0")).hasMessageContaining("window.capacity must be a whole number");
        assertThatThrownBy(() -> ThresholdPolicy.defaults().with("dwell.seconds", "soon")).hasMessageContaining("dwell.seconds must be a number");
        assertThatThrownBy(() -> ThresholdPolicy.defaults().with("type.dpi", "1/0")).hasMessageContaining("type.dpi: must be type.<vnfType>.<metric>");
    }
}
