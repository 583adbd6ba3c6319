package org.chainmarket.monitoring.detect;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HeartbeatWatchdogTest {

    @Test
    void silenceGrowsWhileTheCounterStandsStillAndResetsWhenItMoves() {
        HeartbeatWatchdog w = new HeartbeatWatchdog(0);
        assertThat(w.observe(1, 1000)).isTrue();
        assertThat(w.observe(2, 2000)).isTrue();
        assertThat(w.observe(2, 3000)).isFalse();
        assertThat(w.observe(2, 7000)).isFalse();
        assertThat(w.silenceMillis(7000)).isEqualTo(5000);
        assertThat(w.observe(3, 8000)).isTrue();
        assertThat(w.silenceMillis(8000)).isZero();
    }

    @Test
    void aCounterThatRestartsLowerCountsAsABeat() {
        HeartbeatWatchdog w = new HeartbeatWatchdog(0);
        w.observe(500, 1000);
        assertThat(w.observe(1, 2000)).isTrue();
        assertThat(w.lastBeatMillis()).isEqualTo(2000);
    }
}
