package org.chainmarket.selection.solver;

import org.chainmarket.selection.domain.ChainFact;
import org.chainmarket.selection.domain.Leg;
import org.chainmarket.selection.domain.LinkFact;
import org.chainmarket.selection.domain.OfferFact;
import org.chainmarket.selection.domain.SelectionSolution;

/**
 * Capacity still free while the construction places chains one by one: per offer (kbit/s, chain slots) and per link
 * (kbit/s), by index. The working copy of the snapshot's ledger that construction takes from and gives back to.
 */
final class Residual {
    final long[] freeKbps;
    final int[] freeChains;
    final long[] linkKbps;
    /** {@link #freeMbps()} until a link's capacity changes (null: to be computed). */
    private double[] freeMbps;

    Residual(SelectionSolution solution) {
        int maxId = solution.getOffers().stream().mapToInt(OfferFact::id).max().orElse(-1);
        freeKbps = new long[maxId + 1];
        freeChains = new int[maxId + 1];
        for (OfferFact o : solution.getOffers()) {
            freeKbps[o.id()] = o.freeKbps();
            freeChains[o.id()] = o.freeChains();
        }
        linkKbps = new long[solution.getPaths().links().size()];
        for (LinkFact l : solution.getPaths().links()) {
            linkKbps[l.index()] = l.residualKbps();
        }
    }

    boolean offerFits(OfferFact o, long kbps) {
        return freeKbps[o.id()] >= kbps && freeChains[o.id()] >= 1;
    }

    /** Bandwidth free per link index, in Mbit/s (shared until the links' capacity changes: do not modify). */
    double[] freeMbps() {
        if (freeMbps == null) {
            freeMbps = new double[linkKbps.length];
            for (int l = 0; l < freeMbps.length; l++) {
                freeMbps[l] = linkKbps[l] / 1000.0;
            }
        }
        return freeMbps;
    }

    /**
     * Whether {@code plan} fits what is free: each of its offers has the chain's bandwidth and a slot, each link the
     * chain's bandwidth once per leg that crosses it.
     */
    boolean fits(ChainFact chain, ChainPlacer.Plan plan) {
        long kbps = chain.bandwidthKbps();
        for (OfferFact o : plan.offers()) {
            if (!offerFits(o, kbps)) {
                return false;
            }
        }
        boolean fits = true;
        for (Leg leg : plan.legs()) {
            for (int l : leg.linkIndices()) {
                linkKbps[l] -= kbps;
                fits &= linkKbps[l] >= 0;
            }
        }
        for (Leg leg : plan.legs()) {
            for (int l : leg.linkIndices()) {
                linkKbps[l] += kbps;
            }
        }
        return fits;
    }

    /** Takes ({@code sign} = -1) or gives back (+1) the capacity of a chain following {@code plan}. */
    void apply(ChainFact chain, ChainPlacer.Plan plan, int sign) {
        for (OfferFact o : plan.offers()) {
            freeKbps[o.id()] += sign * chain.bandwidthKbps();
            freeChains[o.id()] += sign;
        }
        for (Leg leg : plan.legs()) {
            for (int l : leg.linkIndices()) {
                linkKbps[l] += sign * chain.bandwidthKbps();
            }
        }
        freeMbps = null;
    }
}
