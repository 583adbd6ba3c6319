package org.chainmarket.placement.solver;

/**
 * The one place where the soft objectives are weighed, all in EUR/h-equivalents:
 * {@code unservedPerMbps} per Mbit/s of demand left unserved; {@code latencyPerMbpsMs} per Mbit/s times ms from where
 * the demand enters to the instance serving it; {@code instanceCost} per EUR/h of the catalogue price of the instances
 * run; {@code start}, {@code stop}, {@code move} per instance started, stopped, moved (a move, start-new then stop-old
 * of one provider and type, must cost no more than a start plus a stop); {@code chainMove} per chain substituted onto
 * another instance; {@code siteBalance} per unit of Σ over sites of (vCPU used / vCPU)²; {@code consolidation} per idle
 * instance-equivalent (instances − load / capacity). A weight of 0 switches the objective off.
 */
public record PlacementWeights(double unservedPerMbps, double latencyPerMbpsMs, double instanceCost, double start,
                               double stop, double move, double chainMove, double siteBalance, double consolidation) {
    /**
     * Serving demand first (100 Mbit/s unserved weigh 5 EUR/h, more than an instance costs), then running cost,
     * then nearness (100 Mbit/s 10 ms away weigh 0.2 EUR/h), with mild stability, balance and consolidation.
     */
    public static final PlacementWeights DEFAULT = new PlacementWeights(0.05, 0.0002, 1.0, 0.2, 0.1, 0.25, 0.05, 0.5, 0.3);

    public PlacementWeights {
        for (double w : new double[]{unservedPerMbps, latencyPerMbpsMs, instanceCost, start, stop, move, chainMove, siteBalance, consolidation}) {
            if (w < 0 || Double.isNaN(w) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("placement weights must be finite and >= 0, got " + this);
            }
        }
        if (move > start + stop) {
            throw new IllegalArgumentException("a move (" + move + ") must not cost more than a start plus a stop (" + (start + stop) + ")");
        }
    }

    /** The weights with {@code name} (a component name) set to {@code value}. */
    public PlacementWeights with(String name, double value) {
        double[] w = {unservedPerMbps, latencyPerMbpsMs, instanceCost, start, stop, move, chainMove, siteBalance, consolidation};
        String[] names = {"unservedPerMbps", "latencyPerMbpsMs", "instanceCost", "start", "stop", "move", "chainMove", "siteBalance", "consolidation"};
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                w[i] = value;
                return new PlacementWeights(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8]);
            }
        }
        throw new IllegalArgumentException("unknown placement weight '" + name + "'; known: " + String.join(", ", names));
    }
}
