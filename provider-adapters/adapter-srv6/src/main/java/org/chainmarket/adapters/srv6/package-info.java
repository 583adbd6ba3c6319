/** A provider domain on the Linux kernel's SRv6: a chain is a segment list installed at the domain ingress with {@code ip -batch}. */
package org.chainmarket.adapters.srv6;
