package org.chainmarket.deploy.experiments;

import java.util.Arrays;
import java.util.Locale;

/** Percentiles of measured spans (nanoseconds), formatted in milliseconds for the benchmarks' tables. */
final class LatencySummary {
    private final long[] sorted;

    LatencySummary(long[] nanos) {
        this.sorted = nanos.clone();
        Arrays.sort(sorted);
    }

    int count() {
        return sorted.length;
    }

    /** p50, p95, p99, max and mean, in ms with two decimals. */
    String[] cells() {
        return new String[]{ms(percentile(50)), ms(percentile(95)), ms(percentile(99)), ms(sorted[sorted.length - 1]),
                ms((long) Arrays.stream(sorted).average().orElse(0))};
    }

    long max() {
        return sorted[sorted.length - 1];
    }

    long percentile(double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)];
    }

    static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e6);
    }
}
