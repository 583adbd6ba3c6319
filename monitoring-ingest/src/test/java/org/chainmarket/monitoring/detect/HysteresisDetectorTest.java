package org.chainmarket.monitoring.detect;

import org.chainmarket.monitoring.detect.HysteresisDetector.Transition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HysteresisDetectorTest {
    private static final Threshold BAND = new Threshold(0.8, 0.7);

    private static List<Transition> feed(HysteresisDetector d, double... values) {
        List<Transition> out = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            Transition t = d.observe(i * 1000L, values[i], BAND);
            if (t != Transition.NONE) {
                out.add(t);
            }
        }
        return out;
    }

    @Test
    void aValueFlappingAtTheThresholdGivesOneEventNotAStorm() {
        HysteresisDetector d = new HysteresisDetector(0);
        double[] flapping = new double[1000];
        for (int i = 0; i < flapping.length; i++) {
            flapping[i] = i % 2 == 0 ? 0.81 : 0.79;
        }
        assertThat(feed(d, flapping)).containsExactly(Transition.DETECTED);
        assertThat(d.degraded()).isTrue();
    }

    @Test
    void crossingBackRequiresTheClearThreshold() {
        HysteresisDetector d = new HysteresisDetector(0);
        assertThat(feed(d, 0.5, 0.85, 0.75, 0.72, 0.79, 0.7, 0.75, 0.79)).containsExactly(Transition.DETECTED, Transition.CLEARED);
    }

    @Test
    void theValueMustStayPastTheThresholdForTheDwell() {
        HysteresisDetector d = new HysteresisDetector(3000);
        // above for 2 s only, then below, then above for 3 s: one detection at the 3 s mark (sample 9)
        List<Transition> events = new ArrayList<>();
        double[] v = {0.9, 0.9, 0.9, 0.5, 0.9, 0.5, 0.9, 0.9, 0.9, 0.9, 0.9};
        for (int i = 0; i < v.length; i++) {
            if (d.observe(i * 1000L, v[i], BAND) == Transition.DETECTED) {
                events.add(Transition.DETECTED);
                assertThat(i).isEqualTo(9);
            }
        }
        assertThat(events).hasSize(1);
    }

    @Test
    void withADwellAFastFlapAcrossTheWholeBandStaysQuiet() {
        HysteresisDetector d = new HysteresisDetector(2000);
        double[] flapping = new double[1000];
        for (int i = 0; i < flapping.length; i++) {
            flapping[i] = i % 2 == 0 ? 0.95 : 0.6;
        }
        assertThat(feed(d, flapping)).isEmpty();
    }

    @Test
    void thresholdsAreCheckedAndParsedNamingTheField() {
        assertThat(Threshold.parse("instance.cpu", " 0.9 / 0.75 ")).isEqualTo(new Threshold(0.9, 0.75));
        assertThatThrownBy(() -> Threshold.parse("instance.cpu", "0.9")).hasMessageContaining("instance.cpu must be 'enter/clear'");
        assertThatThrownBy(() -> Threshold.parse("link.loss", "0.1/0.2")).hasMessageContaining("link.loss: clear must be");
        assertThatThrownBy(() -> new HysteresisDetector(-1)).hasMessageContaining("minDwellMillis");
    }
}
