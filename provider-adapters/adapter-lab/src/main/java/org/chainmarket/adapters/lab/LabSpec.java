package org.chainmarket.adapters.lab;

import java.util.List;

/**
 * What VNFs the lab runs. The network around them is fixed: provider {@code lab-ovs} (Open vSwitch bridges
 * {@code a1}, {@code a2}) and provider {@code lab-srv6} (Linux routers {@code b1}, {@code b2}) joined by a border link
 * {@code a2-b1}, and a host on each switch ({@code h-a1}, {@code h-a2}, {@code h-b1}, {@code h-b2}).
 */
public record LabSpec(List<Vnf> ovsVnfs, List<Vnf> srv6Vnfs) {
    public LabSpec {
        ovsVnfs = List.copyOf(ovsVnfs);
        srv6Vnfs = List.copyOf(srv6Vnfs);
        if (ovsVnfs.size() + srv6Vnfs.size() > Lab.MAX_VNFS) {
            throw new IllegalArgumentException("the lab holds at most 60 VNFs (each stamps its own DSCP value)");
        }
    }

    /**
     * One VNF namespace. On Open vSwitch it is a bump in the wire (nftables netdev ingress, in and out ports); on
     * SRv6 it is SR-aware (End SID in its own namespace) or SR-unaware (plain IPv6 router behind an End.DX6 proxy).
     * {@code filter} makes it drop UDP to port 9 (a real firewall rule).
     */
    public record Vnf(String offerId, String vnfType, String switchId, boolean srAware, double pricePerHour, boolean filter) {
    }

    /**
     * The lab of the integration tests: on OVS a firewall (a real filter) at a1, a spare firewall at a2 and a monitor
     * at a2; on SRv6 an SR-unaware DPI at b1, an SR-aware NAT at b2 and a spare SR-aware DPI at b2.
     */
    public static LabSpec standard() {
        return new LabSpec(
                List.of(new Vnf("a-fw1", "firewall", "a1", false, 1.0, true),
                        new Vnf("a-fw2", "firewall", "a2", false, 3.0, true),
                        new Vnf("a-mon", "monitor", "a2", false, 1.0, false)),
                List.of(new Vnf("b-dpi1", "dpi", "b1", false, 1.0, false),
                        new Vnf("b-nat", "nat", "b2", true, 1.0, false),
                        new Vnf("b-dpi2", "dpi", "b2", true, 3.0, false)));
    }

    /** {@code perDomain} generic VNFs ({@code t0}, {@code t1}, ...) in each domain, alternating switches (and SR kinds). */
    public static LabSpec bench(int perDomain) {
        List<Vnf> ovs = new java.util.ArrayList<>();
        List<Vnf> srv6 = new java.util.ArrayList<>();
        for (int i = 0; i < perDomain; i++) {
            ovs.add(new Vnf("a-v" + i, "t" + i, i % 2 == 0 ? "a1" : "a2", false, 1.0, false));
            srv6.add(new Vnf("b-v" + i, "t" + i, i % 2 == 0 ? "b1" : "b2", i % 2 == 1, 1.0, false));
        }
        return new LabSpec(ovs, srv6);
    }
}
