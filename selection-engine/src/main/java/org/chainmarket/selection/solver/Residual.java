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

    /** The legs of a chain through {@code offers}, ingress to egress. */
    static List<Leg> legs(ChainFact chain, OfferFact[] offers) {
        Leg[] legs = new Leg[offers.length + 1];
        String at = chain.ingress();
        for (int i = 0; i <= offers.length; i++) {
            String to = i < offers.length ? offers[i].switchId() : chain.egress();
            legs[i] = chain.paths().leg(at, to);
            at = to;
        }
        return List.of(legs);
    }

    /** The links where the whole chain (a link crossed twice counts twice) does not fit; empty when it fits. */
    List<LinkFact> overbookedLinks(ChainFact chain, OfferFact[] offers) {
        Map<LinkFact, Long> use = new HashMap<>();
        for (Leg leg : legs(chain, offers)) {
            leg.links().forEach(l -> use.merge(l, chain.bandwidthKbps(), Long::sum));
        }
        return use.entrySet().stream().filter(e -> linkKbps[e.getKey().index()] < e.getValue()).map(Map.Entry::getKey).toList();
    }

    /** Takes ({@code sign} = -1) or gives back (+1) the capacity of a chain through {@code offers}. */
    void apply(ChainFact chain, OfferFact[] offers, int sign) {
        for (OfferFact o : offers) {
            freeKbps[o.id()] += sign * chain.bandwidthKbps();
            freeChains[o.id()] += sign;
        }
        for (Leg leg : legs(chain, offers)) {
            for (LinkFact l : leg.links()) {
                linkKbps[l.index()] += sign * chain.bandwidthKbps();
                minLinkKbps = Math.min(minLinkKbps, linkKbps[l.index()]);
            }
        }
    }
}
