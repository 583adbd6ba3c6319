package org.chainmarket.selection;

/**
 * What "best" means between feasible chains: price per hour plus {@code latencyWeight} euros per hour for each
 * millisecond of end-to-end latency. The default weighs 20 ms like 1 EUR/h.
 */
public record Objective(double latencyWeight) {
    public static final Objective DEFAULT = new Objective(0.05);

    public double of(double latencyMs, double pricePerHour) {
        return pricePerHour + latencyWeight * latencyMs;
    }
}
