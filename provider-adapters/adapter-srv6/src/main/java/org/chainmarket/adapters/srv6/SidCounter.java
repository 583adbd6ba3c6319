package org.chainmarket.adapters.srv6;

/** A SID's packet counter as the kernel reports it ({@code count} on a seg6local route, {@code ip -s -6 route}). */
public record SidCounter(String namespace, String sid, String action, long packets, long bytes) {
}
