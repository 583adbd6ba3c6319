package org.chainmarket.schemas.model;

import java.util.List;

/**
 * The part of a chain inside one provider domain: where traffic enters, which VNFs it visits there in
 * order, and where it leaves. The domain routes between these points itself. {@code hopsBefore} is how many
 * of the chain's VNFs traffic has visited when it enters (the stage it carries in, see
 * {@link DomainAck.FlowEntry#stage()}).
 */
public record DomainSegment(ProviderId providerId, int sequence, int hopsBefore, Attachment entry, List<Waypoint> waypoints,
                            Attachment exit) {
    public DomainSegment {
        waypoints = List.copyOf(waypoints);
    }

    /** A segment entered before any of the chain's VNFs. */
    public DomainSegment(ProviderId providerId, int sequence, Attachment entry, List<Waypoint> waypoints, Attachment exit) {
        this(providerId, sequence, 0, entry, waypoints, exit);
    }

    /**
     * Where traffic enters or leaves the domain: at {@code switchId}, from/to a host endpoint
     * ({@code peerSwitch} null) or over a border link to {@code peerSwitch} of another provider.
     */
    public record Attachment(String switchId, String peerSwitch) {
        /** The port name the emulated and real domains use for this attachment. */
        public String port() {
            return peerSwitch == null ? "host" : "border:" + peerSwitch;
        }
    }

    /** A VNF the traffic visits: the hop's index in the chain, its offer and the switch of its site. */
    public record Waypoint(int hopIndex, OfferId offerId, String switchId) {
    }
}
