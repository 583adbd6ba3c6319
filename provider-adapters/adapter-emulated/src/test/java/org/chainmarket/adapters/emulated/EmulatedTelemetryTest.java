package org.chainmarket.adapters.emulated;

import org.chainmarket.adapters.api.PlacementProviderService;
import org.chainmarket.schemas.model.CatalogueEntry;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.InstanceAck;
import org.chainmarket.schemas.model.InstanceCommand;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.InstanceStatus;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.TelemetryBatch;
import org.chainmarket.schemas.model.VnfOffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.chainmarket.adapters.emulated.Fixtures.DOMAIN;
import static org.chainmarket.adapters.emulated.Fixtures.EAST;
import static org.chainmarket.adapters.emulated.Fixtures.host;
import static org.chainmarket.adapters.emulated.Fixtures.segment;
import static org.chainmarket.adapters.emulated.Fixtures.setup;
import static org.chainmarket.adapters.emulated.Fixtures.teardown;
import static org.chainmarket.adapters.emulated.Fixtures.vnf;

/** The emulated domain's telemetry: load from installed chains, and injected faults. */
class EmulatedTelemetryTest {
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final OfferId FW = OfferId.of("fw-b");
    private static final OfferId DPI = OfferId.of("dpi-b");
    private static final OfferId NAT = OfferId.of("nat-e");

    private EmulatedDomain domain;
    private Fixtures.RecordingService service;

    static VnfOffer offer(String id, String site, double capacity, double latencyMs) {
        return new VnfOffer(OfferId.of(id), EAST, "firewall", site, capacity, 10, latencyMs, 1, 0, 0.999, false, false, null, null);
    }

    @BeforeEach
    void activate() {
        domain = new EmulatedDomain(DOMAIN, List.of(offer("fw-b", "site-b", 1000, 0.5), offer("dpi-b", "site-b", 500, 1.0),
                offer("nat-e", "site-e", 2000, 0.2)));
        service = new Fixtures.RecordingService();
        domain.activate(service);
    }

    @AfterEach
    void close() {
        domain.close();
    }

    @Test
    void anIdleDomainReportsEveryOfferUpAndEveryLinkItMeasuresIdle() {
        TelemetryBatch batch = domain.sample(T0);
        assertThat(batch.providerId()).isEqualTo(EAST);
        assertThat(batch.at()).isEqualTo(T0);
        assertThat(batch.vnfSamples()).extracting(TelemetryBatch.VnfSample::offerId).containsExactly(FW, DPI, NAT);
        assertThat(batch.vnfSamples()).allSatisfy(s -> {
            assertThat(s.status()).isEqualTo(InstanceStatus.UP);
            assertThat(s.cpu()).isEqualTo(TelemetryModel.BASE_CPU);
            assertThat(s.throughputInMbps()).isZero();
            assertThat(s.heartbeatSeq()).isEqualTo(1);
        });
        assertThat(sample(domain.sample(T0), NAT).processingDelayMs()).isEqualTo(0.2);
        // own links, and the border links whose local switch sorts first (a<w1, e<s1)
        assertThat(batch.linkSamples()).extracting(TelemetryBatch.LinkSample::key)
                .containsExactlyInAnyOrder("a|b", "b|c", "a|d", "c|d", "c|e", "a|w1", "e|s1");
        assertThat(batch.linkSamples()).allSatisfy(l -> {
            assertThat(l.utilization()).isZero();
            assertThat(l.loss()).isZero();
        });
        assertThat(link(batch, "a|d").delayMs()).isEqualTo(5);
    }

    @Test
    void loadFollowsTheBandwidthOfTheChainsThroughEachInstanceAndLink() throws Exception {
        domain.apply(setup("c-1", "ch-1", segment(host("a"), List.of(vnf(0, "fw-b", "b"), vnf(1, "dpi-b", "b")), host("e"))));
        domain.apply(new DomainCommand("c-2", ChainId.of("ch-2"), EAST, DomainCommand.Operation.SETUP, 300,
                List.of(segment(host("a"), List.of(vnf(0, "fw-b", "b")), host("c"))), null));
        assertThat(service.next().success()).isTrue();
        assertThat(service.next().success()).isTrue();

        TelemetryBatch batch = domain.sample(T0);
        TelemetryBatch.VnfSample fw = sample(batch, FW);
        assertThat(fw.throughputInMbps()).isEqualTo(400);       // 100 + 300
        assertThat(fw.cpu()).isCloseTo(0.05 + 0.4, within(1e-9));
        assertThat(fw.processingDelayMs()).isCloseTo(0.5 / 0.6, within(1e-3));
        assertThat(sample(batch, DPI).throughputInMbps()).isEqualTo(100);
        assertThat(sample(batch, DPI).cpu()).isCloseTo(0.05 + 0.2, within(1e-9));
        assertThat(sample(batch, NAT).throughputInMbps()).isZero();
        assertThat(link(batch, "a|b").utilization()).isCloseTo(400 / 10_000.0, within(1e-9));
        assertThat(link(batch, "c|e").utilization()).isCloseTo(100 / 10_000.0, within(1e-9));
        assertThat(link(batch, "a|d").utilization()).isZero();

        domain.apply(teardown("c-3", "ch-2"));
        assertThat(service.next().success()).isTrue();
        assertThat(sample(domain.sample(T0), FW).throughputInMbps()).isEqualTo(100);
    }

    @Test
    void anInstanceStartedAtRunTimeReportsItsLoadFromItsAdvertisementUntilItStops() throws Exception {
        CatalogueEntry fw = new CatalogueEntry(EAST, "firewall", 2, 4, 1000, 10, 0, 1.0, 0.001, 0.5, false, false, List.of("site-c"));
        EmulatedDomain placing = new EmulatedDomain(DOMAIN, List.of(), List.of(fw));
        BlockingQueue<InstanceAck> acks = new LinkedBlockingQueue<>();
        placing.activate(service);
        placing.activatePlacement(new PlacementProviderService() {
            @Override
            public void advertise(VnfOffer offer) {
                assertThat(placing.sample(T0).vnfSamples()).as("reported only once advertised").isEmpty();
            }

            @Override
            public void withdraw(OfferId offerId) {
                assertThat(placing.sample(T0).vnfSamples()).as("no longer reported once withdrawn").isEmpty();
            }

            @Override
            public void completed(InstanceAck ack) {
                acks.add(ack);
            }
        });
        try {
            OfferId started = OfferId.of("fw-c-new");
            placing.start(new InstanceCommand("s-1", "plan-1", "d-1", EAST, InstanceCommand.Operation.START, started, "firewall",
                    "site-c", "test", null), fw);
            assertThat(acks.poll(5, TimeUnit.SECONDS)).isNotNull().satisfies(a -> assertThat(a.success()).isTrue());
            placing.apply(new DomainCommand("c-1", ChainId.of("ch-1"), EAST, DomainCommand.Operation.SETUP, 250,
                    List.of(segment(host("a"), List.of(vnf(0, "fw-c-new", "c")), host("e"))), null));
            assertThat(service.next().success()).isTrue();

            placing.sample(T0);
            TelemetryBatch.VnfSample s = sample(placing.sample(T0), started);
            assertThat(s.status()).isEqualTo(InstanceStatus.UP);
            assertThat(s.throughputInMbps()).isEqualTo(250);
            assertThat(s.cpu()).isCloseTo(0.05 + 0.25, within(1e-9));
            assertThat(s.heartbeatSeq()).isEqualTo(2);

            placing.apply(teardown("c-2", "ch-1"));
            assertThat(service.next().success()).isTrue();
            placing.stop(new InstanceCommand("s-2", "plan-1", "d-2", EAST, InstanceCommand.Operation.STOP, started, "firewall",
                    "site-c", "test", null));
            assertThat(acks.poll(5, TimeUnit.SECONDS)).isNotNull().satisfies(a -> assertThat(a.success()).isTrue());
            assertThat(placing.sample(T0).vnfSamples()).isEmpty();
        } finally {
            placing.close();
        }
    }

    @Test
    void aHotInstanceRunsAtFullLoadAndReportsDegradedUntilCooled() {
        domain.makeHot(FW, 1.0);
        TelemetryBatch.VnfSample hot = sample(domain.sample(T0), FW);
        assertThat(hot.cpu()).isEqualTo(1.0);
        assertThat(hot.status()).isEqualTo(InstanceStatus.DEGRADED);
        assertThat(hot.processingDelayMs()).isCloseTo(0.5 / 0.05, within(1e-3));

        domain.cool(FW);
        assertThat(sample(domain.sample(T0), FW).cpu()).isEqualTo(TelemetryModel.BASE_CPU);
    }

    @Test
    void aKilledInstanceReportsDownAndItsHeartbeatsStopUntilRevived() {
        domain.sample(T0);
        domain.sample(T0);
        domain.kill(FW);
        assertThat(domain.isDown(FW)).isTrue();
        TelemetryBatch.VnfSample dead = sample(domain.sample(T0), FW);
        assertThat(dead.status()).isEqualTo(InstanceStatus.DOWN);
        assertThat(dead.heartbeatSeq()).isEqualTo(2);
        assertThat(sample(domain.sample(T0), FW).heartbeatSeq()).isEqualTo(2);
        assertThat(sample(domain.sample(T0), DPI).heartbeatSeq()).isEqualTo(5);

        domain.revive(FW);
        TelemetryBatch.VnfSample back = sample(domain.sample(T0), FW);
        assertThat(back.status()).isEqualTo(InstanceStatus.UP);
        assertThat(back.heartbeatSeq()).isEqualTo(3);
    }

    @Test
    void aFailedSiteTakesDownEveryInstanceThere() {
        domain.failSite("site-b");
        TelemetryBatch batch = domain.sample(T0);
        assertThat(sample(batch, FW).status()).isEqualTo(InstanceStatus.DOWN);
        assertThat(sample(batch, DPI).status()).isEqualTo(InstanceStatus.DOWN);
        assertThat(sample(batch, NAT).status()).isEqualTo(InstanceStatus.UP);
        domain.restoreSite("site-b");
        assertThat(sample(domain.sample(T0), DPI).status()).isEqualTo(InstanceStatus.UP);
    }

    @Test
    void aHotLinkIsBusierSlowerAndLossyPastNinetyPercent() {
        domain.makeLinkHot("b", "a", 0.95);
        TelemetryBatch.LinkSample hot = link(domain.sample(T0), "a|b");
        assertThat(hot.utilization()).isEqualTo(0.95);
        assertThat(hot.delayMs()).isCloseTo(1 + 0.1 * 0.95 / 0.05, within(1e-3));
        assertThat(hot.loss()).isCloseTo(0.005, within(1e-9));
        domain.coolLink("a", "b");
        assertThat(link(domain.sample(T0), "a|b").utilization()).isZero();
    }

    @Test
    void faultsNameWhatIsUnknown() {
        assertThatThrownBy(() -> domain.kill(OfferId.of("nope"))).hasMessageContaining("offerId nope is not an offer of domain east");
        assertThatThrownBy(() -> domain.failSite("site-q")).hasMessageContaining("siteId 'site-q'");
        assertThatThrownBy(() -> domain.makeLinkHot("a", "e", 0.5)).hasMessageContaining("link a-e");
        assertThatThrownBy(() -> domain.makeHot(FW, 1.5)).hasMessageContaining("extraLoad");
        VnfOffer foreign = new VnfOffer(OfferId.of("x"), ProviderId.of("west"), "nat", "site-a", 1, 1, 0, 0, 0, 1, false, false, null, null);
        assertThatThrownBy(() -> new EmulatedDomain(DOMAIN, List.of(foreign))).hasMessageContaining("offers[0] (x) belongs to provider west");
        VnfOffer nowhere = offer("y", "site-q", 10, 1);
        assertThatThrownBy(() -> new EmulatedDomain(DOMAIN, List.of(nowhere))).hasMessageContaining("offers[0] (y) is at site 'site-q'");
    }

    @Test
    void withoutOffersOnlyLinksAreReported() {
        try (EmulatedDomain plain = new EmulatedDomain(DOMAIN)) {
            TelemetryBatch batch = plain.sample(T0);
            assertThat(batch.vnfSamples()).isEmpty();
            assertThat(batch.linkSamples()).hasSize(7);
        }
    }

    private static TelemetryBatch.VnfSample sample(TelemetryBatch batch, OfferId id) {
        return batch.vnfSamples().stream().filter(s -> s.offerId().equals(id)).findFirst().orElseThrow();
    }

    private static TelemetryBatch.LinkSample link(TelemetryBatch batch, String key) {
        return batch.linkSamples().stream().filter(s -> s.key().equals(key)).findFirst().orElseThrow();
    }
}
