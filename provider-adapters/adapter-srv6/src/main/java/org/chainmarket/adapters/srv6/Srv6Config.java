package org.chainmarket.adapters.srv6;

import org.chainmarket.schemas.model.ProviderDomain;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How an SRv6 domain is wired: every switch of the advertised domain is a Linux router in a network namespace with a
 * locator (a /48 such as {@code fcbb:0:1}); its attachments ({@code host}, {@code border:<peer>}) name the device
 * and, for traffic leaving there, the neighbour to hand the decapsulated packet to. Every VNF offer is either
 * SR-aware (its own namespace with a locator; the domain gives it an End SID per chain) or SR-unaware (behind an
 * End.DX6 proxy on its router, which sends it plain IPv6 on {@code toDevice} and re-encapsulates what comes back on
 * {@code fromDevice}). The locators must already be routed among the namespaces (the underlay is not the adapter's).
 *
 * @param sidSpace the prefix that holds every locator (for example {@code fcbb::/16}); a chain's classification table
 *                 throws it back to the main table, so encapsulated packets are routed, not classified again
 * @param drain    how long stale SIDs stay after a replacement switched the ingress to the new segment list
 */
public record Srv6Config(ProviderDomain domain, Map<String, Router> routers, Map<String, Vnf> vnfs, String sidSpace,
                         Duration drain) {
    public Srv6Config {
        Objects.requireNonNull(domain, "domain");
        routers = Map.copyOf(routers);
        vnfs = Map.copyOf(vnfs);
        Objects.requireNonNull(sidSpace, "sidSpace");
        drain = drain == null ? Duration.ofMillis(20) : drain;
        for (ProviderDomain.Switch s : domain.switches()) {
            if (!routers.containsKey(s.switchId())) {
                throw new IllegalArgumentException("switch '" + s.switchId() + "' of domain " + domain.providerId()
                        + " has no router binding (namespace, locator)");
            }
        }
        for (Map.Entry<String, Vnf> v : vnfs.entrySet()) {
            if (!routers.containsKey(v.getValue().switchId())) {
                throw new IllegalArgumentException("VNF " + v.getKey() + " is at '" + v.getValue().switchId()
                        + "', not a router of domain " + domain.providerId());
            }
        }
    }

    /** A router: its namespace, its locator (three hextets, {@code fcbb:0:1}) and its attachments by logical port. */
    public record Router(String namespace, String locator, Map<String, Attachment> attachments) {
        public Router {
            attachments = Map.copyOf(attachments);
        }
    }

    /** An attachment: the router's device there, and the address of the neighbour on it (host or peer router). */
    public record Attachment(String device, String neighbour) {
    }

    /**
     * A VNF instance at router {@code switchId}. SR-aware: {@code namespace}, {@code locator} and {@code device} (its
     * interface toward the router). SR-unaware: {@code toDevice} (the router's device toward the VNF's input),
     * {@code address} (the VNF's input address) and {@code fromDevice} (the router's device the VNF sends back on).
     */
    public record Vnf(String switchId, boolean srAware, String namespace, String locator, String device,
                      String toDevice, String address, String fromDevice) {
        public static Vnf aware(String switchId, String namespace, String locator, String device) {
            return new Vnf(switchId, true, namespace, locator, device, null, null, null);
        }

        public static Vnf unaware(String switchId, String toDevice, String address, String fromDevice) {
            return new Vnf(switchId, false, null, null, null, toDevice, address, fromDevice);
        }
    }
}
