package org.chainmarket.selection.solver;

import org.chainmarket.selection.Objective;

/**
 * The one place where the soft objectives are weighed against each other, all in EUR/h-equivalents:
 * {@code price} per EUR/h of price, {@code latencyPerMs} per millisecond of end-to-end latency,
 * {@code interDomainCrossing} per border link crossed, {@code instanceLoad} per unit of added squared load
 * (sum over instances of load² after minus before, load in 0..1), {@code switchLoad} per (Gbit/s)² of chain
 * traffic through the VNFs at one switch, {@code changedHop} per hop of a re-selected chain that moves to
 * another offer. A weight of 0 switches the objective off.
 */
public record SelectionWeights(double price, double latencyPerMs, double interDomainCrossing, double instanceLoad,
                               double switchLoad, double changedHop) {
    /** Price and latency as {@link Objective#DEFAULT}, and mild preferences for balance, fewer crossings and stability. */
    public static final SelectionWeights DEFAULT = new SelectionWeights(1.0, Objective.DEFAULT.latencyWeight(), 0.05, 0.5, 0.05, 1.0);

    public SelectionWeights {
        for (double w : new double[]{price, latencyPerMs, interDomainCrossing, instanceLoad, switchLoad, changedHop}) {
            if (w < 0 || Double.isNaN(w) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("selection weights must be finite and >= 0, got " + this);
            }
        }
    }

    /** Exactly {@code objective} (price + latencyWeight * latency) and nothing else: what the exact reference optimizes. */
    public static SelectionWeights objectiveOnly(Objective objective) {
        return new SelectionWeights(1.0, objective.latencyWeight(), 0, 0, 0, 0);
    }

    /** The {@link Objective} part of these weights (price normalized to 1). */
    public Objective objective() {
        return new Objective(price == 0 ? 0 : latencyPerMs / price);
    }
}
