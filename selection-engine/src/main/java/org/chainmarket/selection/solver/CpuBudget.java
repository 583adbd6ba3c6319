package org.chainmarket.selection.solver;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * A time budget counted in the CPU time of the thread that solves (wall-clock time where the JVM cannot measure it),
 * so that on a busy machine the construction does as much work as on a quiet one instead of less.
 */
final class CpuBudget {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean CPU = THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();

    private final long end;

    private CpuBudget(long end) {
        this.end = end;
    }

    /** A budget of {@code nanos} from now (a huge one never ends). */
    static CpuBudget of(long nanos) {
        long now = now();
        return new CpuBudget(now + nanos < now ? Long.MAX_VALUE : now + nanos);
    }

    /** Whether the budget is used up. */
    boolean over() {
        return now() > end;
    }

    /** CPU time (nanoseconds) left, 0 once over. */
    long left() {
        return end == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, end - now());
    }

    private static long now() {
        return CPU ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }
}
