package org.chainmarket.selection.domain;

import org.chainmarket.schemas.model.OfferId;
import org.optaplanner.core.api.domain.entity.PlanningEntity;
import org.optaplanner.core.api.domain.lookup.PlanningId;
import org.optaplanner.core.api.domain.valuerange.ValueRangeProvider;
import org.optaplanner.core.api.domain.variable.PlanningVariable;
import org.optaplanner.core.api.domain.variable.ShadowVariable;

import java.util.ArrayList;
import java.util.List;

/**
 * Which offer serves hop {@code index} of a chain (the planning variable; null = the hop is not served, so the
 * chain is rejected), and the leg that reaches it from the previous hop or the ingress (a shadow variable kept
 * by {@link LegListener}). Candidates are the offers of the hop's VNF type.
 */
@PlanningEntity
public class HopAssignment {
    @PlanningId
    private Integer id;
    private ChainFact chain;
    private int index;
    private String vnfType;
    private OfferId previousOffer;
    private HopAssignment previous;
    private HopAssignment next;
    private List<OfferFact> candidates;

    @PlanningVariable(valueRangeProviderRefs = "candidates", nullable = true)
    private OfferFact offer;

    @ShadowVariable(variableListenerClass = LegListener.class, sourceVariableName = "offer")
    private Leg legIn;

    public HopAssignment() {
    }

    public HopAssignment(int id, ChainFact chain, int index, List<OfferFact> candidates) {
        this.id = id;
        this.chain = chain;
        this.index = index;
        this.vnfType = chain.order().vnfTypes().get(index);
        this.previousOffer = chain.request().previousOffer(index);
        this.candidates = candidates;
    }

    /** Links hops of one chain in order. */
    public static void link(List<HopAssignment> chainHops) {
        for (int i = 0; i < chainHops.size(); i++) {
            chainHops.get(i).previous = i == 0 ? null : chainHops.get(i - 1);
            chainHops.get(i).next = i + 1 < chainHops.size() ? chainHops.get(i + 1) : null;
        }
    }

    @ValueRangeProvider(id = "candidates")
    public List<OfferFact> getCandidates() {
        return candidates;
    }

    /** The leg into this hop given the current offers of this hop and the previous one; null when either is unset. */
    public Leg computeLegIn() {
        if (offer == null) {
            return null;
        }
        if (previous == null) {
            return chain.paths().leg(chain.ingress(), offer.switchId());
        }
        return previous.offer == null ? null : chain.paths().leg(previous.offer.switchId(), offer.switchId());
    }

    /** The leg from this hop to the egress when it is the last hop and assigned; null otherwise. */
    public Leg legOut() {
        return next == null && offer != null ? chain.paths().leg(offer.switchId(), chain.egress()) : null;
    }

    public boolean isLast() {
        return next == null;
    }

    /** Processing at this hop plus the usable legs into it (and out to the egress for the last hop), in µs. */
    public long latencyMicros() {
        if (offer == null) {
            return 0;
        }
        long total = offer.processingMicros();
        if (legIn != null && legIn.reachable()) {
            total += legIn.latencyMicros();
        }
        Leg out = legOut();
        if (out != null && out.reachable()) {
            total += out.latencyMicros();
        }
        return total;
    }

    public long priceMicros() {
        return offer == null ? 0 : offer.priceMicros(chain.bandwidthMbps());
    }

    /** Border links crossed by the legs this hop accounts for. */
    public int crossings() {
        int c = legIn != null && legIn.reachable() ? legIn.crossings() : 0;
        Leg out = legOut();
        return out != null && out.reachable() ? c + out.crossings() : c;
    }

    /** Whether a leg this hop accounts for has no path with the chain's bandwidth free. */
    public boolean hasUnreachableLeg() {
        if (offer == null) {
            return false;
        }
        Leg out = legOut();
        return (legIn != null && !legIn.reachable()) || (out != null && !out.reachable());
    }

    /** The chain's bandwidth on every link of the legs this hop accounts for. */
    public List<LinkLoad> linkLoads() {
        List<LinkLoad> loads = new ArrayList<>();
        if (legIn != null) {
            legIn.links().forEach(l -> loads.add(new LinkLoad(l, chain.bandwidthKbps())));
        }
        Leg out = legOut();
        if (out != null) {
            out.links().forEach(l -> loads.add(new LinkLoad(l, chain.bandwidthKbps())));
        }
        return loads;
    }

    /** Whether this hop is being re-selected and now uses a different offer than before. */
    public boolean changed() {
        return previousOffer != null && offer != null && !previousOffer.equals(offer.offerId());
    }

    public Integer getId() {
        return id;
    }

    public ChainFact getChain() {
        return chain;
    }

    public int getIndex() {
        return index;
    }

    public String getVnfType() {
        return vnfType;
    }

    public OfferId getPreviousOffer() {
        return previousOffer;
    }

    public HopAssignment getPrevious() {
        return previous;
    }

    public HopAssignment getNext() {
        return next;
    }

    public OfferFact getOffer() {
        return offer;
    }

    public void setOffer(OfferFact offer) {
        this.offer = offer;
    }

    public Leg getLegIn() {
        return legIn;
    }

    public void setLegIn(Leg legIn) {
        this.legIn = legIn;
    }

    @Override
    public String toString() {
        return chain + "#" + index + "=" + offer;
    }
}
