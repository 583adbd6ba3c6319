package org.chainmarket.selection.solver;

import org.chainmarket.selection.domain.ChainFact;
import org.chainmarket.selection.domain.SelectionSolution;

import java.util.ArrayList;
import java.util.List;

/**
 * A batch's chains priced one at a time: given a price per unit of every capacity the chains share (an offer's chain
 * slots and kbps, a link's kbps), the least a chain's plan can cost, over every plan it has on its own (one admissible
 * offer per hop with room for it, every leg on one of its k routes within the links' free bandwidth, its latency bound
 * and budget), by the single-chain search ({@link ChainPlacer#least}). This is the pricing step of a column generation
 * over whole-chain plans, and with it the Lagrangian bound of chains served (the benchmark's and tests' bound).
 * Capacities are the snapshot's: offers and links are numbered {@code 0 .. offers()-1} and {@code 0 .. links()-1}.
 */
public final class PlanPricing {
    /**
     * A chain's least cost at the given prices (a proven lower bound of it, exact when the search finished; infinite
     * when the chain has no plan) and the plan found: its offers and the links its legs cross (a link twice if crossed
     * twice); both empty when none was found.
     */
    public record Priced(double least, int[] offers, int[] links) {
    }

    /** Labels per chain search (the exact selector's budget). */
    static final long LABELS = org.chainmarket.selection.exact.LayeredParetoSelector.DEFAULT_LABEL_BUDGET;
    /** Labels for a second search where the first stopped at its budget. */
    static final long RETRY_LABELS = 40 * LABELS;

    private final Placements p;
    private final List<ChainFact> chains;

    PlanPricing(SelectionSolution solution) {
        this.p = new Placements(solution);
        this.chains = new ArrayList<>(p.chains());
    }

    public int chains() {
        return chains.size();
    }

    public int offers() {
        return p.residual.freeKbps.length;
    }

    public int links() {
        return p.residual.linkKbps.length;
    }

    /** The chain's bandwidth. */
    public long chainKbps(int chain) {
        return chains.get(chain).bandwidthKbps();
    }

    /** Chain slots and kbps free on an offer, kbps free on a link, in the snapshot. */
    public int freeChains(int offer) {
        return p.residual.freeChains[offer];
    }

    public long freeKbps(int offer) {
        return p.residual.freeKbps[offer];
    }

    public long linkKbps(int link) {
        return p.residual.linkKbps[link];
    }

    /**
     * The least cost of {@code chain}'s plans when each slot of offer o costs {@code perSlot[o]}, each kbps of it
     * {@code perKbps[o]} and each kbps across link l {@code perKbpsOfLink[l]} (all at least 0).
     */
    public Priced price(int chain, double[] perSlot, double[] perKbps, double[] perKbpsOfLink) {
        ChainFact c = chains.get(chain);
        ChainPlacer.Least l = ChainPlacer.least(c, p.byChain.get(c), p.solution.getPaths(), p.residual, perSlot, perKbps,
                perKbpsOfLink, LABELS, false);
        if (!l.exact()) {
            // the search's bounds leave the links' prices out, so a priced search can need many more labels
            l = ChainPlacer.least(c, p.byChain.get(c), p.solution.getPaths(), p.residual, perSlot, perKbps, perKbpsOfLink,
                    RETRY_LABELS, false);
        }
        if (l.plan() == null) {
            return new Priced(l.lowerBound(), new int[0], new int[0]);
        }
        return new Priced(l.lowerBound(), l.plan().offerIds(), l.plan().links());
    }
}
