package org.chainmarket.adapters.lab;

import org.chainmarket.adapters.api.PlacementProviderService;
import org.chainmarket.schemas.model.CatalogueEntry;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.InstanceAck;
import org.chainmarket.schemas.model.InstanceCommand;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.VnfOffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chainmarket.adapters.lab.Drive.segment;
import static org.chainmarket.adapters.lab.Drive.setup;
import static org.chainmarket.adapters.lab.Drive.teardown;

/**
 * The lab's Open vSwitch provider carries placement out for real: a started firewall is a new namespace on the site's
 * bridge through which a chain set up afterwards carries real echo requests (and which drops UDP to port 9); it is not
 * stopped while a chain's rules lead into it; once stopped its namespace and bridge ports are gone and its offer
 * withdrawn.
 */
class LabPlacementTest {
    static final CatalogueEntry FIREWALL = new CatalogueEntry(Lab.OVS, "firewall", 2, 4, 1000, 1, 0, 1.0, 0.0001, 0.1,
            false, false, List.of("lab-ovs-a2"));
    static LabFixture fixture;
    static Lab lab;
    static LabPlacement placement;
    static final BlockingQueue<InstanceAck> acks = new LinkedBlockingQueue<>();
    static final List<String> offers = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        fixture = LabFixture.start();
        lab = fixture.lab;
        placement = new LabPlacement(lab, fixture.ovs(), List.of(FIREWALL));
        placement.activatePlacement(new PlacementProviderService() {
            @Override
            public void advertise(VnfOffer offer) {
                offers.add("advertised " + offer.offerId() + " at " + offer.siteId());
            }

            @Override
            public void withdraw(OfferId offerId) {
                offers.add("withdrawn " + offerId);
            }

            @Override
            public void completed(InstanceAck ack) {
                acks.add(ack);
            }
        });
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @AfterEach
    void clean() {
        fixture.removeChainsAndResetCounters();
    }

    private static InstanceCommand command(String id, InstanceCommand.Operation op, String offer, String site) {
        return new InstanceCommand(id, "plan-1", "d-" + id, Lab.OVS, op, OfferId.of(offer), "firewall", site, "test", null);
    }

    private static InstanceAck next() throws InterruptedException {
        InstanceAck a = acks.poll(60, TimeUnit.SECONDS);
        assertThat(a).as("an answer within 60 s").isNotNull();
        return a;
    }

    @Test
    void aStartedFirewallCarriesARealChainAndIsGoneAfterItsStop() throws Exception {
        String fw = "a-fw-placed";
        placement.start(command("s-1", InstanceCommand.Operation.START, fw, "lab-ovs-a2"), FIREWALL);
        InstanceAck started = next();
        assertThat(started.success()).as(started.reason()).isTrue();
        assertThat(offers).containsExactly("advertised " + fw + " at lab-ovs-a2");
        assertThat(lab.hasNamespace(fw)).isTrue();
        List<String> ports = List.of(lab.ovsPorts(fw).toward(), lab.ovsPorts(fw).from());
        assertThat(lab.bridgePorts("a2")).containsAll(ports);
        placement.start(command("s-1b", InstanceCommand.Operation.START, fw, "lab-ovs-a2"), FIREWALL);
        InstanceAck again = next();
        assertThat(again.success()).isTrue();
        assertThat(again.reason()).as("a start of a running instance builds nothing more").isEqualTo("instance " + fw + " runs already");

        ChainId chain = ChainId.of("placed-chain");
        DomainAck set = fixture.run(fixture.ovs(), setup(chain, Lab.OVS, segment(Lab.OVS, "a1", null, "a2", null, fw + "@a2")));
        assertThat(set.success()).as(set.reason()).isTrue();
        assertThat(lab.ping(Lab.H_A1, Lab.address(Lab.H_A2), 20, 50)).isEqualTo(20);
        assertThat(lab.received(fw, 0)).as("the new firewall saw the packets straight from the source").isEqualTo(20);
        assertThat(lab.received(Lab.H_A2, lab.stamp(fw))).as("the destination got them right after the new firewall").isEqualTo(20);
        lab.sendUdp(Lab.H_A1, Lab.address(Lab.H_A2), 9, 5);
        assertThat(lab.counters(fw).get("dropped")).as("its nftables rule dropped UDP to port 9").isEqualTo(5);
        assertThat(lab.counters(Lab.H_A2).get("udp9")).isZero();

        placement.stop(command("s-2", InstanceCommand.Operation.STOP, fw, "lab-ovs-a2"));
        InstanceAck refused = next();
        assertThat(refused.success()).isFalse();
        assertThat(refused.reason()).isEqualTo("instance " + fw + " still carries 1 chain; drain it first");
        assertThat(lab.hasNamespace(fw)).isTrue();

        placement.drain(command("s-3", InstanceCommand.Operation.DRAIN, fw, "lab-ovs-a2"));
        assertThat(next().success()).isTrue();
        assertThat(fixture.run(fixture.ovs(), teardown(chain, Lab.OVS)).success()).isTrue();
        placement.stop(command("s-4", InstanceCommand.Operation.STOP, fw, "lab-ovs-a2"));
        InstanceAck stopped = next();
        assertThat(stopped.success()).as(stopped.reason()).isTrue();
        assertThat(offers).containsExactly("advertised " + fw + " at lab-ovs-a2", "withdrawn " + fw);
        assertThat(lab.hasNamespace(fw)).as("its namespace is gone").isFalse();
        assertThat(lab.bridgePorts("a2")).as("its bridge ports are gone").doesNotContainAnyElementsOf(ports);
        assertThat(placement.state(OfferId.of(fw))).isEmpty();

        placement.stop(command("s-4", InstanceCommand.Operation.STOP, fw, "lab-ovs-a2"));
        assertThat(next()).as("a repeated command is answered again").isEqualTo(stopped);
    }

    @Test
    void aStartTheSiteOrCatalogueCannotHoldIsRefusedWithTheReasonAndBuildsNothing() throws Exception {
        placement.start(command("r-1", InstanceCommand.Operation.START, "a-fw-nowhere", "lab-ovs-a1"), FIREWALL);
        InstanceAck refused = next();
        assertThat(refused.success()).isFalse();
        assertThat(refused.reason()).isEqualTo("the catalogue entry lab-ovs:firewall does not allow site lab-ovs-a1 (allowed: [lab-ovs-a2])");
        assertThat(lab.hasNamespace("a-fw-nowhere")).isFalse();

        CatalogueEntry huge = new CatalogueEntry(Lab.OVS, "firewall", 8, 4, 1000, 1, 0, 1.0, 0.0001, 0.1, false, false,
                List.of("lab-ovs-a2"));
        placement.start(command("r-1b", InstanceCommand.Operation.START, "a-fw-huge", "lab-ovs-a2"), huge);
        InstanceAck full = next();
        assertThat(full.success()).isFalse();
        assertThat(full.reason()).as("the configured firewall a-fw2 takes 2 of the site's 8 vCPU")
                .startsWith("site lab-ovs-a2 has 6.0 of 8 vCPU");
        assertThat(lab.hasNamespace("a-fw-huge")).isFalse();

        placement.stop(command("r-2", InstanceCommand.Operation.STOP, "a-fw1", "lab-ovs-a1"));
        InstanceAck kept = next();
        assertThat(kept.success()).isFalse();
        assertThat(kept.reason()).isEqualTo("instance a-fw1 is one the lab was built with; it stays");
        assertThat(lab.hasNamespace("a-fw1")).isTrue();
    }
}
