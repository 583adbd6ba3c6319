package org.chainmarket.selection.solver;

import org.chainmarket.selection.domain.ChainFact;
import org.chainmarket.selection.domain.Leg;
import org.chainmarket.selection.domain.LinkFact;
import org.chainmarket.selection.domain.OfferFact;
import org.chainmarket.selection.domain.SelectionSolution;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Capacity still free while chains are placed one by one: per offer (kbit/s, chain slots) and per link (kbit/s). */
final class Residual {
    final long[] freeKbps;
    final int[] freeChains;
    final long[] linkKbps;
    /** A lower bound of the free bandwidth of every link (exact until capacity is given back). */
    private long minLinkKbps = Long.MAX_VALUE;

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
            minLinkKbps = Math.min(minLinkKbps, l.residualKbps());
        }
    }

    boolean offerFits(OfferFact o, long kbps) {
        return freeKbps[o.id()] >= kbps && freeChains[o.id()] >= 1;
    }

    /** Whether every link has {@code kbps} free (a lower bound; may say no when every link still has it). */
    boolean everyLinkFits(long kbps) {
        return minLinkKbps >= kbps;
    }

    /** Whether every link of {@code leg} has {@code kbps} free. */
    boolean legFits(Leg leg, long kbps) {
        if (minLinkKbps >= kbps) {
            return true;
        }
        for (int l : leg.linkIndices()) {
            if (linkKbps[l] < kbps) {
                return false;
            }
        }
        return true;
    }

    /** The links where the whole chain along {@code legs} (a link crossed twice counts twice) does not fit; empty when it fits. */
    List<LinkFact> overbookedLinks(ChainFact chain, Leg[] legs) {
        Map<LinkFact, Long> use = new HashMap<>();
        for (Leg leg : legs) {
            leg.links().forEach(l -> use.merge(l, chain.bandwidthKbps(), Long::sum));
        }
        return use.entrySet().stream().filter(e -> linkKbps[e.getKey().index()] < e.getValue()).map(Map.Entry::getKey).toList();
    }

    /** Takes ({@code sign} = -1) or gives back (+1) the capacity of a chain following {@code plan}. */
    void apply(ChainFact chain, ChainDp.Plan plan, int sign) {
        for (OfferFact o : plan.offers()) {
            freeKbps[o.id()] += sign * chain.bandwidthKbps();
            freeChains[o.id()] += sign;
        }
        for (Leg leg : plan.legs()) {
            for (int l : leg.linkIndices()) {
                linkKbps[l] += sign * chain.bandwidthKbps();
                minLinkKbps = Math.min(minLinkKbps, linkKbps[l]);
            }
        }
    }
}
