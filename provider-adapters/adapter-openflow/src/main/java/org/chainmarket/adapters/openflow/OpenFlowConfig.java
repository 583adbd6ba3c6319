package org.chainmarket.adapters.openflow;

import org.chainmarket.schemas.model.ProviderDomain;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How an OpenFlow domain is wired: the advertised domain, where the controller listens (a TCP address or a Unix
 * socket, {@code ovs-vsctl set-controller br tcp:...} or {@code unix:...}), and for every switch its datapath id and
 * how the logical port names of the SPI ({@code host}, {@code border:<peer>}, {@code to:<neighbour>},
 * {@code vnf:<offerId>}) map to the bridge's OpenFlow port names.
 *
 * @param drain how long a rule that a replacement no longer needs stays on the switch after the last packet that
 *              matched it (its OpenFlow idle timeout, in whole seconds, at least 1; default 1 s), so packets still
 *              inside an old VNF can leave it (make-before-break)
 */
public record OpenFlowConfig(ProviderDomain domain, SocketAddress listen, Map<String, SwitchBinding> switches,
                             Duration drain) {
    public OpenFlowConfig {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(listen, "listen");
        switches = Map.copyOf(switches);
        drain = drain == null ? Duration.ofSeconds(1) : drain;
        for (ProviderDomain.Switch s : domain.switches()) {
            if (!switches.containsKey(s.switchId())) {
                throw new IllegalArgumentException("switch '" + s.switchId() + "' of domain " + domain.providerId()
                        + " has no binding (datapath id and ports)");
            }
        }
    }

    /**
     * The same wiring with one more logical port on {@code switchId} (a VNF instance attached at run time), or with
     * {@code binding} null, without it.
     *
     * @throws IllegalArgumentException for a switch the domain does not have
     */
    public OpenFlowConfig withPort(String switchId, String logicalPort, PortBinding binding) {
        SwitchBinding b = switches.get(switchId);
        if (b == null) {
            throw new IllegalArgumentException("switch '" + switchId + "' of domain " + domain.providerId() + " has no binding");
        }
        Map<String, PortBinding> ports = new java.util.HashMap<>(b.ports());
        if (binding == null) {
            ports.remove(logicalPort);
        } else {
            ports.put(logicalPort, binding);
        }
        Map<String, SwitchBinding> all = new java.util.HashMap<>(switches);
        all.put(switchId, new SwitchBinding(b.datapathId(), ports));
        return new OpenFlowConfig(domain, listen, all, drain);
    }

    /** One bridge: its datapath id and its logical ports. */
    public record SwitchBinding(long datapathId, Map<String, PortBinding> ports) {
        public SwitchBinding {
            ports = Map.copyOf(ports);
        }
    }

    /**
     * The OpenFlow port names behind one logical port: traffic is sent {@code toward} the first and comes back
     * {@code from} the second. They are the same port except for a bump-in-the-wire VNF with an in and an out side.
     */
    public record PortBinding(String toward, String from) {
        public PortBinding {
            Objects.requireNonNull(toward, "toward");
            Objects.requireNonNull(from, "from");
        }

        /** A port that sends and receives on the same OpenFlow port. */
        public static PortBinding of(String name) {
            return new PortBinding(name, name);
        }
    }
}
