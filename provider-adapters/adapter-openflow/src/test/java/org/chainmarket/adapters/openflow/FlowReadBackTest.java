package org.chainmarket.adapters.openflow;

import org.chainmarket.adapters.api.FlowPlanner;
import org.chainmarket.adapters.openflow.OpenFlowRules.Rule;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck.FlowEntry;
import org.junit.jupiter.api.Test;

import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chainmarket.adapters.openflow.OpenFlowRulesTest.DOMAIN;
import static org.chainmarket.adapters.openflow.OpenFlowRulesTest.host;
import static org.chainmarket.adapters.openflow.OpenFlowRulesTest.segment;

/**
 * Turning what switches report back into chains and entries (no switch needed): the flows are written here as the
 * adapter writes them, then read back.
 */
class FlowReadBackTest {
    static final OpenFlowConfig CONFIG = new OpenFlowConfig(DOMAIN, UnixDomainSocketAddress.of("/nonexistent/of.sock"), Map.of(
            "a1", new OpenFlowConfig.SwitchBinding(1, Map.of("host", OpenFlowConfig.PortBinding.of("a1-host"),
                    "to:a2", OpenFlowConfig.PortBinding.of("a1-to-a2"), "vnf:fw1", new OpenFlowConfig.PortBinding("fw1-i", "fw1-o"))),
            "a2", new OpenFlowConfig.SwitchBinding(2, Map.of("host", OpenFlowConfig.PortBinding.of("a2-host"),
                    "to:a1", OpenFlowConfig.PortBinding.of("a2-to-a1"), "border:b1", OpenFlowConfig.PortBinding.of("a2-b1"),
                    "vnf:mon", OpenFlowConfig.PortBinding.of("mon")))), Duration.ofSeconds(1));
    final FlowPlanner planner = new FlowPlanner(DOMAIN);

    @Test
    void aChainWrittenToTheSwitchesIsReadBackWithItsNameAndExactlyItsEntries() {
        ChainId chain = ChainId.of("3f2b8c1e-5a7d-4e9b-9c0d-1a2b3c4d5e6f");
        List<FlowEntry> entries = planner.plan(chain, List.of(segment(host("a1"), host("a2"), "fw1@a1", "mon@a2")));

        Map<ChainId, FlowReadBack.Held> read = FlowReadBack.assemble(CONFIG, written(chain, entries, true));

        assertThat(read).containsOnlyKeys(chain);
        assertThat(read.get(chain).entries()).containsExactlyInAnyOrderElementsOf(entries);
        assertThat(read.get(chain).rules()).containsExactlyElementsOf(OpenFlowRules.of(chain, entries));
    }

    @Test
    void rulesWithoutTheirNameAreReportedUnderAnIdThatNamesTheirCookie() {
        ChainId chain = ChainId.of("lost-name");
        List<FlowEntry> entries = planner.plan(chain, List.of(segment(host("a1"), host("a2"), "fw1@a1")));

        Map<ChainId, FlowReadBack.Held> read = FlowReadBack.assemble(CONFIG, written(chain, entries, false));

        ChainId unnamed = ChainCookies.unnamed(ChainCookies.chain(chain));
        assertThat(read).containsOnlyKeys(unnamed);
        assertThat(unnamed.value()).startsWith("unnamed-openflow-");
        assertThat(ChainCookies.unnamedCookie(unnamed)).hasValue(ChainCookies.chain(chain));
        assertThat(read.get(unnamed).entries()).hasSameSizeAs(entries);
    }

    @Test
    void drainingRulesOtherFlowsAndForeignCookiesAreLeftOut() {
        ChainId chain = ChainId.of("c-1");
        List<FlowEntry> entries = planner.plan(chain, List.of(segment(host("a1"), host("a2"))));
        List<FlowReadBack.Seen> seen = new ArrayList<>(written(chain, entries, true));
        long cookie = ChainCookies.chain(chain);
        seen.add(new FlowReadBack.Seen("a1", 0, ChainCookies.rule(cookie, 0), 100, 1, "fw1-o", null, false, 1, "a1-to-a2", null));
        seen.add(new FlowReadBack.Seen("a1", 0, 0x1234, 100, 0, "a1-host", null, false, null, "a1-to-a2", null));

        assertThat(FlowReadBack.assemble(CONFIG, seen).get(chain).entries()).containsExactlyInAnyOrderElementsOf(entries);
    }

    @Test
    void aRuleWhoseTagHandlingDiffersFromItsEntryNeverEqualsTheAcknowledgedEntry() {
        ChainId chain = ChainId.of("c-2");
        List<FlowEntry> entries = planner.plan(chain, List.of(segment(host("a1"), host("a2"))));
        List<FlowReadBack.Seen> seen = new ArrayList<>();
        for (FlowReadBack.Seen s : written(chain, entries, true)) {
            seen.add(s.table() == 0 && s.pushVlan() != null ? new FlowReadBack.Seen(s.switchId(), 0, s.cookie(), s.priority(), 0,
                    s.inPort(), null, false, null, s.outPort(), null) : s);
        }

        assertThat(FlowReadBack.assemble(CONFIG, seen).get(chain).entries()).hasSameSizeAs(entries)
                .anySatisfy(e -> assertThat(entries).doesNotContain(e));
    }

    @Test
    void aNameWithoutRulesIsAChainHoldingNothing() {
        ChainId chain = ChainId.of("c-3");
        List<FlowReadBack.Seen> names = written(chain, List.of(), true);

        assertThat(FlowReadBack.assemble(CONFIG, names)).containsOnlyKeys(chain);
        assertThat(FlowReadBack.assemble(CONFIG, names).get(chain).entries()).isEmpty();
    }

    @Test
    void namesOfEveryLengthSpellTheChainIdBackAndOnlyForTheirOwnCookie() {
        for (String id : List.of("a", "c-1", "x".repeat(20), "y".repeat(21), "z".repeat(128))) {
            ChainId chain = ChainId.of(id);
            TreeMap<Integer, byte[]> chunks = new TreeMap<>();
            List<byte[]> c = ChainCookies.nameChunks(chain);
            for (int i = 0; i < c.size(); i++) {
                chunks.put(i, c.get(i));
            }
            assertThat(ChainCookies.name(ChainCookies.chain(chain), chunks)).hasValue(chain);
            assertThat(ChainCookies.name(ChainCookies.chain(ChainId.of("other")), chunks)).isEmpty();
        }
        assertThat(ChainCookies.chain(ChainId.of("a")) & ~ChainCookies.CHAIN_MASK).isZero();
        assertThat(ChainCookies.ours(ChainCookies.chain(ChainId.of("a")))).isTrue();
        assertThat(ChainCookies.unnamedCookie(ChainId.of("a"))).isEmpty();
    }

    /** The flows the adapter writes for the chain's entries (rules in table 0, and its name flows unless told not to). */
    static List<FlowReadBack.Seen> written(ChainId chain, List<FlowEntry> entries, boolean withName) {
        long cookie = ChainCookies.chain(chain);
        List<FlowReadBack.Seen> out = new ArrayList<>();
        List<Rule> rules = OpenFlowRules.of(chain, entries);
        for (int i = 0; i < rules.size(); i++) {
            Rule r = rules.get(i);
            OpenFlowConfig.SwitchBinding b = CONFIG.switches().get(r.switchId());
            String in = b.ports().get(r.inPort()).from();
            String outName = b.ports().get(r.outPort()).toward();
            out.add(new FlowReadBack.Seen(r.switchId(), 0, ChainCookies.rule(cookie, entries.get(i).stage()), r.priority(), 0,
                    in, r.matchVlan(), r.pop(), r.pushVlan(), outName.equals(in) ? "in_port" : outName, null));
        }
        if (withName) {
            for (String sw : List.of("a1", "a2")) {
                List<byte[]> chunks = ChainCookies.nameChunks(chain);
                for (int i = 0; i < chunks.size(); i++) {
                    out.add(new FlowReadBack.Seen(sw, ChainCookies.NAME_TABLE, ChainCookies.name(cookie), i, 0, null, null, false,
                            null, null, ByteBuffer.wrap(chunks.get(i)).array()));
                }
            }
        }
        return out;
    }
}
