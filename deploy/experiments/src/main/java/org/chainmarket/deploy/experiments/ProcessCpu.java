package org.chainmarket.deploy.experiments;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;

/**
 * CPU time of this process (the marketplace, its embedded Kafka, the benchmark's clients) and of the processes it
 * started (the embedded PostgreSQL's server processes): divided by the orders of a run, it is what an order costs, which
 * stays meaningful when other processes share the machine and stretch the latencies.
 */
final class ProcessCpu {
    private ProcessCpu() {
    }

    /** CPU nanoseconds used so far by this JVM and its descendant processes; -1 where the JVM does not say. */
    static long nanos() {
        if (!(ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os)) {
            return -1;
        }
        long children = ProcessHandle.current().descendants()
                .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
        return os.getProcessCpuTime() + children;
    }

    /**
     * Milliseconds this JVM's JIT compilers have spent compiling so far (the sum over its compiler threads); -1 where
     * the JVM does not say. On two cores a JVM of this size compiles for minutes after it starts, and what its compilers
     * take the order path does not get.
     */
    static long jitMillis() {
        java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    /** Milliseconds of CPU per item between two {@link #nanos()} readings, two decimals; "-" when unknown. */
    static String msPer(long from, long to, int items) {
        return from < 0 || to < 0 || items <= 0 ? "-" : String.format(Locale.ROOT, "%.2f", (to - from) / 1e6 / items);
    }
}
