package org.chainmarket.adapters.srv6;

import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.DomainSegment;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the SRv6 adapter refuses before touching the kernel (the lab tests in adapter-lab cover the rest). */
class Srv6DomainTest {
    static final ProviderId P = ProviderId.of("p");
    static final ProviderDomain DOMAIN = new ProviderDomain(P, "P", List.of(new ProviderDomain.Switch("r1", "r1", null, null)),
            List.of(new ProviderDomain.Site("s1", "r1", 1, 1)), List.of(), List.of());
    static final Srv6Config CONFIG = new Srv6Config(DOMAIN,
            Map.of("r1", new Srv6Config.Router("ns-r1", "fcbb:0:1", Map.of("host", new Srv6Config.Attachment("h", "fc00::2")))),
            Map.of("fw", Srv6Config.Vnf.unaware("r1", "fw-in", "fc00:9::2", "fw-out")), "fcbb::/16", Duration.ZERO);

    @Test
    void anUnknownOfferFailsTheSetupNamingIt() throws Exception {
        DomainAck ack = answer(new DomainCommand("c1", ChainId.of("ch"), P, DomainCommand.Operation.SETUP, 1,
                List.of(new DomainSegment(P, 0, new DomainSegment.Attachment("r1", null),
                        List.of(new DomainSegment.Waypoint(0, OfferId.of("dpi"), "r1")), new DomainSegment.Attachment("r1", null))), null));
        assertThat(ack.success()).isFalse();
        assertThat(ack.reason()).isEqualTo("segment 0: waypoint hop 0 (offer dpi) is not a VNF of domain p");
    }

    @Test
    void theSharedPlannersChecksRefuseWhatNoDomainKindCanCarryOut() throws Exception {
        DomainAck ack = answer(new DomainCommand("c4", ChainId.of("ch"), P, DomainCommand.Operation.SETUP, 1,
                List.of(new DomainSegment(P, 0, new DomainSegment.Attachment("r1", null), List.of(),
                        new DomainSegment.Attachment("r1", "r1"))), null));
        assertThat(ack.success()).isFalse();
        assertThat(ack.reason())
                .isEqualTo("segment 0: exit peer switch 'r1' is a switch of domain p; a border hand-off leads to another provider");
    }

    @Test
    void aCommandForAnotherProviderFailsAndATeardownFailsWhileTheKernelCannotBeReadBack() throws Exception {
        assertThat(answer(new DomainCommand("c2", ChainId.of("ch"), ProviderId.of("q"), DomainCommand.Operation.TEARDOWN, 1,
                List.of(), null)).reason()).isEqualTo("command c2 is for provider q, not p");
        // the namespace does not exist here: the adapter cannot know what an earlier run left, so it does not pretend
        DomainAck teardown = answer(new DomainCommand("c3", ChainId.of("ch"), P, DomainCommand.Operation.TEARDOWN, 1, List.of(), null));
        assertThat(teardown.success()).isFalse();
        assertThat(teardown.reason()).contains("ns-r1");
    }

    @Test
    void aVnfAtAnUnknownRouterIsRefused() {
        assertThatThrownBy(() -> new Srv6Config(DOMAIN, CONFIG.routers(), Map.of("x", Srv6Config.Vnf.unaware("r9", "a", "b", "c")),
                "fcbb::/16", null)).hasMessage("VNF x is at 'r9', not a router of domain p");
    }

    private static DomainAck answer(DomainCommand command) throws Exception {
        CompletableFuture<DomainAck> f = new CompletableFuture<>();
        try (Srv6Domain d = new Srv6Domain(CONFIG)) {
            d.activate(f::complete);
            d.apply(command);
            return f.get(10, TimeUnit.SECONDS);
        }
    }
}
