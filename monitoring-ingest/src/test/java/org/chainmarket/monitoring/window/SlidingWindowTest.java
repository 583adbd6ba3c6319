package org.chainmarket.monitoring.window;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SlidingWindowTest {

    @Test
    void movingAverageAndPercentileOverTheLastSamples() {
        SlidingWindow w = new SlidingWindow(100, 60_000, 1);
        for (int i = 1; i <= 20; i++) {
            w.add(i * 1000L, new double[] {i});
        }
        assertThat(w.size()).isEqualTo(20);
        assertThat(w.average(0)).isEqualTo(10.5);
        assertThat(w.percentile(0, 95)).isEqualTo(19);   // nearest rank: ceil(0.95 * 20) = 19th value
        assertThat(w.percentile(0, 100)).isEqualTo(20);
        assertThat(w.last(0)).isEqualTo(20);
    }

    @Test
    void dropsSamplesOlderThanTheWindowRelativeToTheNewest() {
        SlidingWindow w = new SlidingWindow(100, 10_000, 2);
        for (int s = 0; s < 30; s++) {
            w.add(s * 1000L, new double[] {s, 2 * s});
        }
        // newest at 29 s: samples at 19..29 s remain
        assertThat(w.size()).isEqualTo(11);
        assertThat(w.average(0)).isEqualTo(24);
        assertThat(w.average(1)).isEqualTo(48);
    }

    @Test
    void keepsAtMostCapacitySamples() {
        SlidingWindow w = new SlidingWindow(4, 1_000_000, 1);
        for (int s = 1; s <= 10; s++) {
            w.add(s, new double[] {s});
        }
        assertThat(w.size()).isEqualTo(4);
        assertThat(w.average(0)).isEqualTo(8.5);
        List<Double> recent = new ArrayList<>();
        w.forEachRecent(0, 3, (at, v) -> recent.add(v));
        assertThat(recent).containsExactly(8.0, 9.0, 10.0);
    }

    @Test
    void theRunningSumDoesNotDriftOverManySamples() {
        // huge values pass through first: adding and subtracting them leaves a rounding error in a running sum that
        // only recomputing the sum from the values removes
        SlidingWindow w = new SlidingWindow(8, 1_000_000_000L, 1);
        int i = 0;
        for (; i < 8; i++) {
            w.add(i, new double[] {1e15});
        }
        for (; i < 8 + 5000; i++) {
            w.add(i, new double[] {0.1});
        }
        assertThat(w.average(0)).isCloseTo(0.1, within(1e-9));
    }

    @Test
    void anEmptyWindowIsZeroAndBadArgumentsAreNamed() {
        SlidingWindow w = new SlidingWindow(4, 1000, 1);
        assertThat(w.average(0)).isZero();
        assertThat(w.percentile(0, 95)).isZero();
        assertThatThrownBy(() -> new SlidingWindow(0, 1, 1)).hasMessageContaining("capacity");
        assertThatThrownBy(() -> w.add(1, new double[2])).hasMessageContaining("sample must have 1 values");
        assertThatThrownBy(() -> w.percentile(0, 0)).hasMessageContaining("p must be");
    }
}
