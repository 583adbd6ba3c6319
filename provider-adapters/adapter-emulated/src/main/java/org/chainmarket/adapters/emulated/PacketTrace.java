package org.chainmarket.adapters.emulated;

import org.chainmarket.schemas.model.OfferId;

import java.util.List;

/**
 * Where a chain's packet goes through the installed flow entries: the switches it passes (a switch appears again
 * when the packet comes back from a VNF), the VNFs it visits in order, and where it leaves the domain; or why it
 * was dropped.
 */
public record PacketTrace(List<String> switches, List<OfferId> vnfs, String exitSwitch, String exitPort,
                          String dropReason) {
    public PacketTrace {
        switches = List.copyOf(switches);
        vnfs = List.copyOf(vnfs);
    }

    /** Whether the packet left the domain on a host or border port. */
    public boolean delivered() {
        return dropReason == null;
    }
}
