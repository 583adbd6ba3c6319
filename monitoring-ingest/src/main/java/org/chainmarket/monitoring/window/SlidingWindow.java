package org.chainmarket.monitoring.window;

import java.util.Arrays;

/**
 * The last samples of one subject, several series sharing one timestamp ring: at most {@code capacity} samples, none
 * older than {@code windowMillis} before the newest. Keeps a running sum per series, so the moving average is O(1);
 * a percentile sorts a copy of the series (call it when publishing, not per sample). Not thread-safe: a subject's
 * window belongs to the one thread that ingests its samples.
 */
public final class SlidingWindow {
    private static final int RESUM_EVERY = 4096;

    private final int capacity;
    private final long windowMillis;
    private final long[] at;
    private final double[][] values;
    private final double[] sums;
    private int head;
    private int size;
    private long newest = Long.MIN_VALUE;
    private int sinceResum;

    /**
     * @param capacity     most samples kept (the oldest goes first when full)
     * @param windowMillis age limit relative to the newest sample
     * @param series       how many values each sample carries
     */
    public SlidingWindow(int capacity, long windowMillis, int series) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1 but was " + capacity);
        }
        if (windowMillis < 0) {
            throw new IllegalArgumentException("windowMillis must be 0 or more but was " + windowMillis);
        }
        if (series < 1) {
            throw new IllegalArgumentException("series must be at least 1 but was " + series);
        }
        this.capacity = capacity;
        this.windowMillis = windowMillis;
        this.at = new long[capacity];
        this.values = new double[series][capacity];
        this.sums = new double[series];
    }

    /**
     * Adds a sample taken at {@code atMillis} with one value per series, then drops what is too old or too many.
     * A sample older than the newest is kept in arrival order and ages out by its own time.
     *
     * @throws IllegalArgumentException when {@code sample} does not have one value per series
     */
    public void add(long atMillis, double[] sample) {
        if (sample.length != values.length) {
            throw new IllegalArgumentException("sample must have " + values.length + " values but had " + sample.length);
        }
        if (size == capacity) {
            evictOldest();
        }
        int slot = (head + size) % capacity;
        at[slot] = atMillis;
        for (int s = 0; s < values.length; s++) {
            values[s][slot] = sample[s];
            sums[s] += sample[s];
        }
        size++;
        newest = Math.max(newest, atMillis);
        long oldestAllowed = newest - windowMillis;
        while (size > 1 && at[head] < oldestAllowed) {
            evictOldest();
        }
        if (++sinceResum >= RESUM_EVERY) {
            resum();
        }
    }

    /** How many samples the window holds. */
    public int size() {
        return size;
    }

    /** The moving average of a series; 0 when empty. */
    public double average(int series) {
        return size == 0 ? 0 : sums[series] / size;
    }

    /** The newest value of a series; 0 when empty. */
    public double last(int series) {
        return size == 0 ? 0 : values[series][(head + size - 1) % capacity];
    }

    /**
     * The {@code p}-th percentile (0 < p <= 100) of a series by nearest rank: the smallest value with at least p % of
     * the samples at or below it; 0 when empty.
     */
    public double percentile(int series, double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("p must be within (0, 100] but was " + p);
        }
        if (size == 0) {
            return 0;
        }
        double[] copy = new double[size];
        for (int i = 0; i < size; i++) {
            copy[i] = values[series][(head + i) % capacity];
        }
        Arrays.sort(copy);
        int rank = (int) Math.ceil(p / 100.0 * size);
        return copy[Math.max(0, rank - 1)];
    }

    /** Calls {@code consumer} with the time and value of the last {@code n} samples of a series, oldest first. */
    public void forEachRecent(int series, int n, PointConsumer consumer) {
        int count = Math.min(n, size);
        for (int i = size - count; i < size; i++) {
            int slot = (head + i) % capacity;
            consumer.accept(at[slot], values[series][slot]);
        }
    }

    /** Receives one point of a series. */
    @FunctionalInterface
    public interface PointConsumer {
        void accept(long atMillis, double value);
    }

    private void evictOldest() {
        for (int s = 0; s < values.length; s++) {
            sums[s] -= values[s][head];
        }
        head = (head + 1) % capacity;
        size--;
    }

    /** Recomputes the sums from the values, so floating-point drift of add/subtract never accumulates. */
    private void resum() {
        sinceResum = 0;
        for (int s = 0; s < values.length; s++) {
            double sum = 0;
            for (int i = 0; i < size; i++) {
                sum += values[s][(head + i) % capacity];
            }
            sums[s] = sum;
        }
    }
}
