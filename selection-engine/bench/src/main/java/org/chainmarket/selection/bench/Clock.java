package org.chainmarket.selection.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Wall-clock and CPU time of the measuring thread, side by side. On a busy machine a single-threaded computation
 * waits for a core, so its wall time stretches with the load while the CPU time of the thread that ran it does not;
 * on a quiet machine the two are close. The thread's CPU time leaves out what other threads of the JVM do for it
 * (garbage collection, the JIT compiler), which the warm-up and the process's spare core keep small. Also reads the
 * machine's load average, printed next to each table.
 */
final class Clock {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Times recorded for one row: wall and thread CPU time per run, in ms. */
    static final class Times {
        private final double[] wall;
        private final double[] cpu;
        private int count;

        Times(int capacity) {
            wall = new double[capacity];
            cpu = new double[capacity];
        }

        /** Runs {@code work} on this thread and records its wall and CPU time. */
        <T> T time(Supplier<T> work) {
            long c0 = THREADS.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            T out = work.get();
            long t1 = System.nanoTime();
            long c1 = THREADS.getCurrentThreadCpuTime();
            wall[count] = (t1 - t0) / 1e6;
            cpu[count++] = (c1 - c0) / 1e6;
            return out;
        }

        double wall(int percentile) {
            return percentile(wall, percentile);
        }

        double cpu(int percentile) {
            return percentile(cpu, percentile);
        }

        double wallMax() {
            return percentile(wall, 100);
        }

        double cpuMax() {
            return percentile(cpu, 100);
        }

        private double percentile(double[] values, int p) {
            if (count == 0) {
                return Double.NaN;
            }
            double[] sorted = Arrays.copyOf(values, count);
            Arrays.sort(sorted);
            int idx = (int) Math.ceil(p / 100.0 * count) - 1;
            return sorted[Math.max(0, Math.min(count - 1, idx))];
        }
    }

    private Clock() {
    }

    static {
        if (THREADS.isCurrentThreadCpuTimeSupported() && !THREADS.isThreadCpuTimeEnabled()) {
            THREADS.setThreadCpuTimeEnabled(true);
        }
    }

    /** The one-minute load average of the machine, and how many cores it has. */
    static String load() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return String.format(Locale.ROOT, "%.1f", load);
    }

    static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }
}
