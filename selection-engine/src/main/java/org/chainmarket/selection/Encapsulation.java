package org.chainmarket.selection;

/** How a chain's traffic is steered through its VNFs, which decides whether an instance must understand it. */
public enum Encapsulation {
    /** Per-flow forwarding rules (OpenFlow), as in paper 003: any instance will do. */
    NONE,
    /** An SRv6 segment list: an SR-unaware instance needs its domain to proxy it. */
    SRV6,
    /** A Network Service Header: an NSH-unaware instance needs its domain to proxy it. */
    NSH
}
