package org.chainmarket.adapters.srv6;

import com.fasterxml.jackson.databind.JsonNode;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck.FlowEntry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chainmarket.adapters.srv6.Srv6DomainTest.CONFIG;

/**
 * Turning what {@code ip -j} prints back into chains and entries (no kernel needed): the JSON is what iproute2 prints
 * for the routes and rules the adapter writes (router r1 with its host, an SR-unaware firewall fw behind it).
 */
class KernelReadBackTest {
    @Test
    void routesRulesAndNamesAreReadBackToTheAcknowledgedEntriesAndStateWithoutANameIsNamedByItsNumber() throws Exception {
        JsonNode routes = Json.MAPPER.readTree("""
                [{"type":"blackhole","dst":"6368:2d31::","dev":"lo","table":"65536","metric":48,"flags":[]},
                 {"type":"throw","dst":"fcbb::/16","dev":"lo","table":"65728","metric":1024,"flags":[]},
                 {"dst":"default","gateway":"fc00:9::2","dev":"fw-in","table":"65728","metric":1,"flags":[]},
                 {"type":"throw","dst":"fcbb::/16","dev":"lo","table":"65729","metric":1024,"flags":[]},
                 {"dst":"default","gateway":"fc00::2","dev":"h","table":"65729","metric":2,"flags":[]},
                 {"dst":"fcbb:0:1:7::d600","encap":"seg6local","action":"End.DX6","nh6":"fc00:0::2","dev":"h","metric":1,"flags":[]}]
                """);
        JsonNode rules = Json.MAPPER.readTree("""
                [{"priority":0,"src":"all","table":"local"},
                 {"priority":1000,"src":"all","iif":"h","table":"65728","protocol":"199"},
                 {"priority":1000,"src":"all","iif":"fw-out","table":"65729","protocol":"199"},
                 {"priority":32766,"src":"all","table":"main"}]
                """);

        Map<ChainId, Srv6Domain.Installed> read = KernelReadBack.assemble(CONFIG, List.of("fw"), Map.of("ns-r1", routes),
                Map.of("ns-r1", rules));

        ChainId named = ChainId.of("ch-1");
        ChainId unnamed = ChainId.of("unnamed-srv6-7");
        assertThat(read).containsOnlyKeys(named, unnamed);
        assertThat(read.get(named).number()).isEqualTo(3);
        assertThat(read.get(named).entries()).containsExactlyInAnyOrder(
                new FlowEntry("r1", "ch-1", 0, 100, "host", List.of("output:vnf:fw")),
                new FlowEntry("r1", "ch-1", 1, 100, "vnf:fw", List.of("output:host")));
        assertThat(read.get(named).resources()).hasSize(7);
        assertThat(read.get(unnamed).entries()).containsExactly(new FlowEntry("r1", "unnamed-srv6-7", 0, 100,
                "sid:fcbb:0:1:7::d600", List.of("seg6local End.DX6 nh6 fc00::2", "output:host")));
    }

    @Test
    void aNameRouteSpellsTheChainIdSixteenBytesAtATime() {
        List<Srv6Domain.Res> names = Srv6Domain.names("ns", 3, ChainId.of("9d1c7a52-0e3b-4f6a-8b2d-7c6e5f4a3b21"));
        assertThat(names).hasSize(3);
        assertThat(names.get(0).add()).isEqualTo("route replace blackhole 3964:3163:3761:3532:2d30:6533:622d:3466/128 table 65536"
                + " metric 48 proto 199");
        assertThat(names.get(2).add()).contains(" metric 50 ");
        assertThat(Srv6Domain.names("ns", 3, ChainId.of("ch-1")).get(0).add()).contains("blackhole 6368:2d31::/128");
    }
}
