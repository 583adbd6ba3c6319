package org.chainmarket.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.chainmarket.adapters.emulated.PacketTrace;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.ProviderId;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Follows a chain's packet through the emulated domains' installed flow entries, as a test observer. */
final class Traces {
    private Traces() {
    }

    /**
     * Sends a packet of {@code chain} (its REST view) in at the ingress host and follows it domain by domain over the
     * border links to the egress host; returns the offers of the VNFs it visited, in order.
     */
    static List<String> vnfsVisited(Marketplace market, JsonNode chain) {
        ChainId id = ChainId.of(chain.get("chainId").asText());
        JsonNode path = chain.get("path");
        List<String> vnfs = new ArrayList<>();
        String provider = path.get(0).get("providerId").asText();
        String sw = path.get(0).get("switchId").asText();
        String inPort = "host";
        for (int domains = 0; domains < 10; domains++) {
            PacketTrace t = market.domain(ProviderId.of(provider)).trace(id, sw, inPort, vnfs.size());
            assertThat(t.delivered()).as("packet in %s: %s", provider, t.dropReason()).isTrue();
            t.vnfs().forEach(o -> vnfs.add(o.value()));
            if (t.exitPort().equals("host")) {
                assertThat(t.exitSwitch()).isEqualTo(chain.get("order").get("egress").asText());
                return vnfs;
            }
            String next = t.exitPort().substring("border:".length());
            provider = path.findParents("switchId").stream().filter(n -> n.get("switchId").asText().equals(next))
                    .findFirst().orElseThrow().get("providerId").asText();
            inPort = "border:" + t.exitSwitch();
            sw = next;
        }
        throw new AssertionError("the packet of chain " + id + " did not reach the egress");
    }
}
