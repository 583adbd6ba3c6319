package org.chainmarket.selection.domain;

import org.chainmarket.schemas.model.OfferId;
import org.optaplanner.core.api.domain.entity.PlanningEntity;
import org.optaplanner.core.api.domain.lookup.PlanningId;
import org.optaplanner.core.api.domain.valuerange.CountableValueRange;
import org.optaplanner.core.api.domain.valuerange.ValueRangeFactory;
import org.optaplanner.core.api.domain.valuerange.ValueRangeProvider;
import org.optaplanner.core.api.domain.variable.PlanningVariable;
import org.optaplanner.core.api.domain.variable.ShadowVariable;

import java.util.ArrayList;
import java.util.List;

/**
 * Which offer serves hop {@code index} of a chain (planning variable; null = the hop is not served, so the chain is
 * rejected), which of its k routes the leg into it takes ({@code routeIn}, and {@code routeOut} for the leg from the
 * last hop to the egress; both planning variables, 0 = lowest latency), and the leg that reaches it from the previous
 * hop or the ingress (a shadow variable kept by {@link LegListener}). Candidates are the offers that may serve the hop
 * (type, provider lists, steering: {@link org.chainmarket.selection.HopCandidates#admissible(int)}).
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

    /** Which of its routes the leg into this hop takes (0 = lowest latency; see {@link PathTable.Paths#leg(int, int, int)}). */
    @PlanningVariable(valueRangeProviderRefs = "routes")
    private Integer routeIn = 0;

    /** Which route the leg from this hop to the egress takes; only the last hop has that leg. */
    @PlanningVariable(valueRangeProviderRefs = "routesOut")
    private Integer routeOut = 0;

    @ShadowVariable(variableListenerClass = LegListener.class, sourceVariableName = "offer")
    @ShadowVariable(variableListenerClass = LegListener.class, sourceVariableName = "routeIn")
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

    @ValueRangeProvider(id = "routes")
    public CountableValueRange<Integer> getRoutes() {
        return ValueRangeFactory.createIntValueRange(0, chain.paths().kPaths());
    }

    @ValueRangeProvider(id = "routesOut")
    public CountableValueRange<Integer> getRoutesOut() {
        return ValueRangeFactory.createIntValueRange(0, next == null ? chain.paths().kPaths() : 1);
    }

    /** The leg into this hop given the current offers of this hop and the previous one and its route; null when an offer is unset. */
    public Leg computeLegIn() {
        if (offer == null) {
            return null;
        }
        if (previous == null) {
            return chain.paths().leg(chain.ingress(), offer.switchId(), routeIn);
        }
        return previous.offer == null ? null : chain.paths().leg(previous.offer.switchId(), offer.switchId(), routeIn);
    }

    /** The leg from this hop to the egress, on route {@code routeOut}, when it is the last hop and assigned; null otherwise. */
    public Leg legOut() {
        return next == null && offer != null ? chain.paths().leg(offer.switchId(), chain.egress(), routeOut) : null;
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

    public HopAssignment getNext() {
        return next;
    }

    public OfferFact getOffer() {
        return offer;
    }

    public void setOffer(OfferFact offer) {
        this.offer = offer;
    }

    public Integer getRouteIn() {
        return routeIn;
    }

    public void setRouteIn(Integer routeIn) {
        this.routeIn = routeIn;
    }

    public Integer getRouteOut() {
        return routeOut;
    }

    public void setRouteOut(Integer routeOut) {
        this.routeOut = routeOut;
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
