package org.chainmarket.selection;

import org.chainmarket.selection.network.PathFinder;
import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.DomainSegment;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.selection.network.MultiDomainNetwork;
import org.chainmarket.selection.network.NetLink;
import org.jgrapht.GraphPath;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a choice of one offer per hop into a {@link ConcreteChain}: a path from ingress through each hop's switch to
 * egress (the lowest-latency usable one per leg, or the legs a strategy chose), its split into per-provider
 * segments, and predicted latency and price.
 * Every selection strategy ends here, so all of them describe chains the same way.
 */
public final class ChainAssembler {
    private ChainAssembler() {
    }

    /** The concrete chain along the lowest-latency usable paths, or empty when some leg has no usable path. */
    public static Optional<ConcreteChain> assemble(ChainOrder order, List<OfferState> chosen,
                                                   MultiDomainNetwork network, PathFinder paths) {
        List<GraphPath<String, NetLink>> legs = new ArrayList<>();
        String at = order.ingress();
        for (int leg = 0; leg <= chosen.size(); leg++) {
            String to = leg < chosen.size() ? chosen.get(leg).switchId() : order.egress();
            Optional<GraphPath<String, NetLink>> p = paths.path(at, to);
            if (p.isEmpty()) {
                return Optional.empty();
            }
            legs.add(p.get());
            at = to;
        }
        return Optional.of(assemble(order, chosen, network, legs));
    }

    /**
     * The concrete chain along the given paths, one per leg (ingress to hop 1, hop to hop, last hop to egress), each
     * from the switch where the previous leg ended to the next hop's switch (or the egress).
     */
    public static ConcreteChain assemble(ChainOrder order, List<OfferState> chosen, MultiDomainNetwork network,
                                         List<GraphPath<String, NetLink>> legs) {
        if (legs.size() != chosen.size() + 1) {
            throw new IllegalArgumentException(chosen.size() + " hops need " + (chosen.size() + 1) + " legs, got " + legs.size());
        }
        List<ConcreteChain.PathNode> path = new ArrayList<>();
        path.add(node(network, order.ingress(), null));
        double latency = 0;
        for (int leg = 0; leg < legs.size(); leg++) {
            GraphPath<String, NetLink> p = legs.get(leg);
            latency += p.getWeight();
            List<String> vertices = p.getVertexList();
            boolean toHop = leg < chosen.size();
            for (int i = 1; i < vertices.size() - 1; i++) {
                path.add(node(network, vertices.get(i), null));
            }
            if (toHop) {
                path.add(node(network, vertices.get(vertices.size() - 1), leg));
            } else if (vertices.size() > 1) {
                path.add(node(network, vertices.get(vertices.size() - 1), null));
            }
        }
        List<ConcreteChain.Hop> hops = new ArrayList<>();
        double price = 0;
        for (int i = 0; i < chosen.size(); i++) {
            OfferState o = chosen.get(i);
            double hopPrice = o.offer().priceFor(order.bandwidthMbps());
            price += hopPrice;
            latency += o.processingLatencyMs();
            hops.add(new ConcreteChain.Hop(i, order.vnfTypes().get(i), o.offer().offerId(), o.offer().providerId(),
                    o.offer().siteId(), o.switchId(), o.processingLatencyMs(), hopPrice));
        }
        return new ConcreteChain(hops, path, segments(path, hops), latency, price);
    }

    private static ConcreteChain.PathNode node(MultiDomainNetwork network, String sw, Integer hop) {
        return new ConcreteChain.PathNode(sw, network.owner(sw).orElseThrow(), hop);
    }

    /** Splits the path into maximal runs inside one provider; runs meet over border links. */
    static List<DomainSegment> segments(List<ConcreteChain.PathNode> path, List<ConcreteChain.Hop> hops) {
        List<List<ConcreteChain.PathNode>> runs = new ArrayList<>();
        for (ConcreteChain.PathNode n : path) {
            if (runs.isEmpty() || !runs.get(runs.size() - 1).get(0).providerId().equals(n.providerId())) {
                runs.add(new ArrayList<>());
            }
            runs.get(runs.size() - 1).add(n);
        }
        List<DomainSegment> segments = new ArrayList<>();
        int hopsBefore = 0;
        for (int r = 0; r < runs.size(); r++) {
            List<ConcreteChain.PathNode> run = runs.get(r);
            String entryPeer = r == 0 ? null : last(runs.get(r - 1)).switchId();
            String exitPeer = r == runs.size() - 1 ? null : runs.get(r + 1).get(0).switchId();
            List<DomainSegment.Waypoint> waypoints = run.stream().filter(n -> n.hopIndex() != null)
                    .map(n -> new DomainSegment.Waypoint(n.hopIndex(), hops.get(n.hopIndex()).offerId(), n.switchId()))
                    .toList();
            ProviderId provider = run.get(0).providerId();
            segments.add(new DomainSegment(provider, r, hopsBefore, new DomainSegment.Attachment(run.get(0).switchId(), entryPeer),
                    waypoints, new DomainSegment.Attachment(last(run).switchId(), exitPeer)));
            hopsBefore += waypoints.size();
        }
        return segments;
    }

    private static <T> T last(List<T> list) {
        return list.get(list.size() - 1);
    }
}
