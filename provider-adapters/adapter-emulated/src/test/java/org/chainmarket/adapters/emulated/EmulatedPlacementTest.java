package org.chainmarket.adapters.emulated;

import org.chainmarket.adapters.api.PlacementProviderService;
import org.chainmarket.schemas.model.CatalogueEntry;
import org.chainmarket.schemas.model.InstanceAck;
import org.chainmarket.schemas.model.InstanceCommand;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.VnfOffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chainmarket.adapters.emulated.Fixtures.DOMAIN;
import static org.chainmarket.adapters.emulated.Fixtures.EAST;

/**
 * The emulated domain's instances: a start takes the site's compute at once and advertises the offer only after the
 * catalogue's boot time; what the site cannot hold, or the catalogue does not allow, is refused with the reason; a
 * stop frees the compute and withdraws the offer, unless the instance still carries chains. Boot timers are run by
 * hand, so nothing here depends on the clock.
 */
class EmulatedPlacementTest {
    /** 6 vCPU, 24 GB per instance: two fit on a 16-core, 64 GB site, a third does not. */
    static final CatalogueEntry DPI = new CatalogueEntry(EAST, "dpi", 6, 24, 2000, 40, 30, 1.5, 0.001, 0.4, true, false,
            List.of("site-a", "site-b"));
    static final CatalogueEntry FIREWALL = new CatalogueEntry(EAST, "firewall", 2, 4, 1000, 20, 5, 0.5, 0.0005, 0.2, false,
            false, List.of("site-a"));

    final List<Runnable> timers = new ArrayList<>();
    final List<Duration> delays = new ArrayList<>();
    final Recorder out = new Recorder();
    final Map<OfferId, Integer> chains = new HashMap<>();
    EmulatedPlacement placement;

    @BeforeEach
    void setUp() {
        placement = new EmulatedPlacement(DOMAIN, List.of(DPI, FIREWALL), List.of(),
                offer -> chains.getOrDefault(offer, 0), (delay, task) -> {
                    delays.add(delay);
                    timers.add(task);
                });
        placement.activate(out);
    }

    @Test
    void aStartTakesTheSitesComputeAtOnceAndAdvertisesTheOfferAfterTheBootTime() {
        placement.start(start("c1", "dpi-a-1", "dpi", "site-a"), DPI);

        assertThat(placement.freeVcpu("site-a")).as("taken while it boots").isEqualTo(10);
        assertThat(placement.freeMemoryGb("site-a")).isEqualTo(40);
        assertThat(out.advertised).as("nothing advertised before it booted").isEmpty();
        assertThat(out.acks).isEmpty();
        assertThat(delays).containsExactly(Duration.ofSeconds(30));

        timers.remove(0).run();

        assertThat(out.advertised).singleElement().satisfies(o -> {
            assertThat(o.offerId()).isEqualTo(OfferId.of("dpi-a-1"));
            assertThat(o.providerId()).isEqualTo(EAST);
            assertThat(o.vnfType()).isEqualTo("dpi");
            assertThat(o.siteId()).isEqualTo("site-a");
            assertThat(o.capacityMbps()).isEqualTo(2000);
            assertThat(o.maxChains()).isEqualTo(40);
            assertThat(o.pricePerHour()).isEqualTo(1.5);
            assertThat(o.processingLatencyMs()).isEqualTo(0.4);
        });
        assertThat(out.acks).singleElement().satisfies(a -> {
            assertThat(a.commandId()).isEqualTo("c1");
            assertThat(a.success()).isTrue();
            assertThat(a.operation()).isEqualTo(InstanceCommand.Operation.START);
        });
        assertThat(out.order).containsExactly("advertise dpi-a-1", "ack c1");
        assertThat(placement.running()).extracting(VnfOffer::offerId).containsExactly(OfferId.of("dpi-a-1"));
    }

    @Test
    void aStartTheSiteCannotHoldIsRefusedWithWhatIsFreeAndWhatItNeeds() {
        placement.start(start("c1", "dpi-a-1", "dpi", "site-a"), DPI);
        placement.start(start("c2", "dpi-a-2", "dpi", "site-a"), DPI);
        placement.start(start("c3", "dpi-a-3", "dpi", "site-a"), DPI);

        assertThat(out.acks).singleElement().satisfies(a -> {
            assertThat(a.commandId()).isEqualTo("c3");
            assertThat(a.success()).isFalse();
            assertThat(a.reason()).isEqualTo("site site-a has 4 of 16 vCPU and 16 of 64 GB memory free; an instance of dpi needs 6 vCPU and 24 GB");
        });
        assertThat(placement.freeVcpu("site-a")).as("the refused start took nothing").isEqualTo(4);
        assertThat(timers).hasSize(2);
    }

    @Test
    void aSiteOrTypeTheCatalogueDoesNotAllowIsRefused() {
        placement.start(start("c1", "dpi-c-1", "dpi", "site-c"), DPI);
        placement.start(start("c2", "x-1", "dpi", "nowhere"), DPI);
        placement.start(start("c3", "fw-a-1", "firewall", "site-a"), DPI);

        assertThat(out.acks).extracting(InstanceAck::success).containsExactly(false, false, false);
        assertThat(out.acks).extracting(InstanceAck::reason).containsExactly(
                "the catalogue entry east:dpi does not allow site site-c (allowed: [site-a, site-b])",
                "site nowhere is not a site of domain east",
                "command c3 asks for a firewall but the catalogue entry is for dpi");
        assertThat(timers).isEmpty();
    }

    @Test
    void aStopFreesTheComputeAndWithdrawsTheOfferOnceTheInstanceCarriesNoChains() {
        placement.start(start("c1", "dpi-a-1", "dpi", "site-a"), DPI);
        timers.remove(0).run();
        chains.put(OfferId.of("dpi-a-1"), 2);

        placement.drain(command("d1", InstanceCommand.Operation.DRAIN, "dpi-a-1", "dpi", "site-a"));
        placement.stop(command("s1", InstanceCommand.Operation.STOP, "dpi-a-1", "dpi", "site-a"));

        assertThat(out.acks).extracting(InstanceAck::commandId, InstanceAck::success)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("c1", true), org.assertj.core.groups.Tuple.tuple("d1", true),
                        org.assertj.core.groups.Tuple.tuple("s1", false));
        assertThat(out.acks.get(2).reason()).isEqualTo("instance dpi-a-1 still carries 2 chains; drain it first");
        assertThat(out.withdrawn).isEmpty();
        assertThat(placement.draining()).containsExactly(OfferId.of("dpi-a-1"));

        chains.put(OfferId.of("dpi-a-1"), 0);
        placement.stop(command("s2", InstanceCommand.Operation.STOP, "dpi-a-1", "dpi", "site-a"));

        assertThat(out.acks.get(3).success()).isTrue();
        assertThat(out.withdrawn).containsExactly(OfferId.of("dpi-a-1"));
        assertThat(out.order.subList(out.order.size() - 2, out.order.size())).containsExactly("withdraw dpi-a-1", "ack s2");
        assertThat(placement.freeVcpu("site-a")).isEqualTo(16);
        assertThat(placement.running()).isEmpty();
    }

    @Test
    void commandsAreIdempotentByCommandIdAndByOffer() {
        placement.start(start("c1", "dpi-a-1", "dpi", "site-a"), DPI);
        placement.start(start("c1", "dpi-a-1", "dpi", "site-a"), DPI);
        placement.start(start("c9", "dpi-a-1", "dpi", "site-a"), DPI); // another plan's start of the same offer
        assertThat(placement.freeVcpu("site-a")).as("one instance, whatever was repeated").isEqualTo(10);
        timers.remove(0).run();
        assertThat(timers).isEmpty();

        placement.start(start("c1", "dpi-a-1", "dpi", "site-a"), DPI);
        placement.stop(command("s1", InstanceCommand.Operation.STOP, "dpi-a-1", "dpi", "site-a"));
        placement.stop(command("s2", InstanceCommand.Operation.STOP, "dpi-a-1", "dpi", "site-a"));

        assertThat(out.acks).extracting(InstanceAck::commandId).containsExactly("c9", "c1", "c1", "s1", "s2");
        assertThat(out.acks).allMatch(InstanceAck::success);
        assertThat(out.advertised).hasSize(1);
        assertThat(out.withdrawn).hasSize(1);
        assertThat(placement.freeVcpu("site-a")).isEqualTo(16);
    }

    @Test
    void aStopWhileBootingCancelsTheStart() {
        placement.start(start("c1", "dpi-a-1", "dpi", "site-a"), DPI);
        placement.stop(command("s1", InstanceCommand.Operation.STOP, "dpi-a-1", "dpi", "site-a"));
        timers.remove(0).run();

        assertThat(out.advertised).isEmpty();
        assertThat(out.acks).extracting(InstanceAck::commandId, InstanceAck::success).containsExactly(
                org.assertj.core.groups.Tuple.tuple("s1", true), org.assertj.core.groups.Tuple.tuple("c1", false));
        assertThat(out.acks.get(1).reason()).isEqualTo("instance dpi-a-1 was stopped before it finished booting");
        assertThat(placement.freeVcpu("site-a")).isEqualTo(16);
    }

    @Test
    void offersRunningAtTheStartTakeTheirCatalogueCompute() {
        VnfOffer running = new VnfOffer(OfferId.of("fw-a"), EAST, "firewall", "site-a", 1000, 20, 0.2, 0.5, 0.0005, 0.999,
                false, false, null, null);
        EmulatedPlacement p = new EmulatedPlacement(DOMAIN, List.of(DPI, FIREWALL), List.of(running), offer -> 0, (d, t) -> { });
        p.activate(out);

        assertThat(p.freeVcpu("site-a")).isEqualTo(14);
        assertThat(p.running()).containsExactly(running);
        p.drain(command("d1", InstanceCommand.Operation.DRAIN, "nope", "dpi", "site-a"));
        assertThat(out.acks).singleElement().satisfies(a -> assertThat(a.reason()).isEqualTo("no instance nope runs in domain east"));
    }

    static InstanceCommand start(String id, String offer, String type, String site) {
        return command(id, InstanceCommand.Operation.START, offer, type, site);
    }

    static InstanceCommand command(String id, InstanceCommand.Operation op, String offer, String type, String site) {
        return new InstanceCommand(id, "plan-1", "d-1", EAST, op, OfferId.of(offer), type, site, "test", null);
    }

    static final class Recorder implements PlacementProviderService {
        final List<VnfOffer> advertised = new ArrayList<>();
        final List<OfferId> withdrawn = new ArrayList<>();
        final List<InstanceAck> acks = new ArrayList<>();
        final List<String> order = new ArrayList<>();

        @Override
        public void advertise(VnfOffer offer) {
            advertised.add(offer);
            order.add("advertise " + offer.offerId());
        }

        @Override
        public void withdraw(OfferId offerId) {
            withdrawn.add(offerId);
            order.add("withdraw " + offerId);
        }

        @Override
        public void completed(InstanceAck ack) {
            acks.add(ack);
            order.add("ack " + ack.commandId());
        }
    }
}
