package org.chainmarket.adapters.emulated;

import org.chainmarket.adapters.api.PathProviderService;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.DomainSegment;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Domain "east": a fast path a-b-c (1 ms links), a slow detour a-d-c (5 ms links), c-e, and an isolated switch z.
 * Sites at a, b, c, e and z; border links a-w1 (provider west) and e-s1 (provider south).
 */
final class Fixtures {
    static final ProviderId EAST = ProviderId.of("east");
    static final ProviderId WEST = ProviderId.of("west");
    static final ProviderId SOUTH = ProviderId.of("south");

    static final ProviderDomain DOMAIN = new ProviderDomain(EAST, "East", List.of(
            sw("a"), sw("b"), sw("c"), sw("d"), sw("e"), sw("z")),
            List.of(site("site-a", "a"), site("site-b", "b"), site("site-c", "c"), site("site-e", "e"), site("site-z", "z")),
            List.of(link("a", "b", 1), link("b", "c", 1), link("a", "d", 5), link("d", "c", 5), link("c", "e", 1)),
            List.of(new ProviderDomain.BorderLink("a", WEST, "w1", 2, 10_000),
                    new ProviderDomain.BorderLink("e", SOUTH, "s1", 2, 10_000)));

    private Fixtures() {
    }

    static ProviderDomain.Switch sw(String id) {
        return new ProviderDomain.Switch(id, id.toUpperCase(), null, null);
    }

    static ProviderDomain.Site site(String id, String switchId) {
        return new ProviderDomain.Site(id, switchId, 16, 64);
    }

    static ProviderDomain.Link link(String from, String to, double ms) {
        return new ProviderDomain.Link(from, to, ms, 10_000);
    }

    static DomainSegment.Attachment host(String switchId) {
        return new DomainSegment.Attachment(switchId, null);
    }

    static DomainSegment.Attachment border(String switchId, String peer) {
        return new DomainSegment.Attachment(switchId, peer);
    }

    static DomainSegment.Waypoint vnf(int hop, String offer, String switchId) {
        return new DomainSegment.Waypoint(hop, OfferId.of(offer), switchId);
    }

    static DomainSegment segment(DomainSegment.Attachment entry, List<DomainSegment.Waypoint> waypoints,
                                 DomainSegment.Attachment exit) {
        return new DomainSegment(EAST, 0, entry, waypoints, exit);
    }

    static DomainCommand setup(String commandId, String chain, DomainSegment... segments) {
        return new DomainCommand(commandId, ChainId.of(chain), EAST, DomainCommand.Operation.SETUP, 100,
                List.of(segments), null);
    }

    static DomainCommand teardown(String commandId, String chain) {
        return new DomainCommand(commandId, ChainId.of(chain), EAST, DomainCommand.Operation.TEARDOWN, 100,
                List.of(), null);
    }

    static DomainAck.FlowEntry entry(String switchId, String chain, int stage, String inPort, String output) {
        return new DomainAck.FlowEntry(switchId, chain, stage, EmulatedDomain.PRIORITY, inPort, List.of("output:" + output));
    }

    /** Collects acks; {@link #next()} waits up to five seconds for one. */
    static final class RecordingService implements PathProviderService {
        final BlockingQueue<DomainAck> acks = new LinkedBlockingQueue<>();
        volatile Thread lastThread;

        @Override
        public void completed(DomainAck ack) {
            lastThread = Thread.currentThread();
            acks.add(ack);
        }

        DomainAck next() throws InterruptedException {
            DomainAck ack = acks.poll(5, TimeUnit.SECONDS);
            if (ack == null) {
                throw new AssertionError("no ack within 5 s");
            }
            return ack;
        }

        DomainAck none(long millis) throws InterruptedException {
            return acks.poll(millis, TimeUnit.MILLISECONDS);
        }
    }
}
