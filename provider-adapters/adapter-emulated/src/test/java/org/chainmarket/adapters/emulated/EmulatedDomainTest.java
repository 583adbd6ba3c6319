package org.chainmarket.adapters.emulated;

import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.chainmarket.adapters.emulated.Fixtures.DOMAIN;
import static org.chainmarket.adapters.emulated.Fixtures.EAST;
import static org.chainmarket.adapters.emulated.Fixtures.border;
import static org.chainmarket.adapters.emulated.Fixtures.entry;
import static org.chainmarket.adapters.emulated.Fixtures.host;
import static org.chainmarket.adapters.emulated.Fixtures.segment;
import static org.chainmarket.adapters.emulated.Fixtures.setup;
import static org.chainmarket.adapters.emulated.Fixtures.teardown;
import static org.chainmarket.adapters.emulated.Fixtures.vnf;

class EmulatedDomainTest {
    private EmulatedDomain domain;
    private Fixtures.RecordingService service;

    @BeforeEach
    void activate() {
        domain = new EmulatedDomain(DOMAIN);
        service = new Fixtures.RecordingService();
        domain.activate(service);
    }

    @AfterEach
    void close() {
        domain.close();
    }

    @Test
    void steersThroughAVnfOnAnIntermediateSwitchAlongTheLowestLatencyPath() throws Exception {
        domain.apply(setup("c-1", "ch-1", segment(host("a"), List.of(vnf(0, "fw-b", "b")), host("e"))));

        DomainAck ack = service.next();
        assertThat(ack.success()).isTrue();
        assertThat(ack.commandId()).isEqualTo("c-1");
        assertThat(ack.providerId()).isEqualTo(EAST);
        assertThat(ack.operation()).isEqualTo(DomainCommand.Operation.SETUP);
        assertThat(ack.flowEntries()).containsExactly(
                entry("a", "ch-1", 0, "host", "to:b"),
                entry("b", "ch-1", 0, "to:a", "vnf:fw-b"),
                entry("b", "ch-1", 1, "vnf:fw-b", "to:c"),
                entry("c", "ch-1", 1, "to:b", "to:e"),
                entry("e", "ch-1", 1, "to:c", "host"));
        assertThat(domain.entriesOf(ChainId.of("ch-1"))).containsExactlyElementsOf(ack.flowEntries());

        PacketTrace trace = domain.trace(ChainId.of("ch-1"), "a", "host", 0);
        assertThat(trace.delivered()).isTrue();
        assertThat(trace.switches()).containsExactly("a", "b", "b", "c", "e");
        assertThat(trace.vnfs()).containsExactly(OfferId.of("fw-b"));
        assertThat(trace.exitSwitch()).isEqualTo("e");
        assertThat(trace.exitPort()).isEqualTo("host");
    }

    @Test
    void handsOffOverBorderLinksAtEntryAndExit() throws Exception {
        domain.apply(setup("c-1", "ch-1", segment(border("a", "w1"), List.of(), border("e", "s1"))));

        assertThat(service.next().flowEntries()).containsExactly(
                entry("a", "ch-1", 0, "border:w1", "to:b"),
                entry("b", "ch-1", 0, "to:a", "to:c"),
                entry("c", "ch-1", 0, "to:b", "to:e"),
                entry("e", "ch-1", 0, "to:c", "border:s1"));
        assertThat(domain.trace(ChainId.of("ch-1"), "a", "border:w1", 0).exitPort()).isEqualTo("border:s1");
    }

    @Test
    void visitsAVnfOnTheEntrySwitchBeforeLeavingIt() throws Exception {
        domain.apply(setup("c-1", "ch-1", segment(host("a"), List.of(vnf(0, "fw-a", "a")), host("c"))));

        assertThat(service.next().flowEntries()).containsExactly(
                entry("a", "ch-1", 0, "host", "vnf:fw-a"),
                entry("a", "ch-1", 1, "vnf:fw-a", "to:b"),
                entry("b", "ch-1", 1, "to:a", "to:c"),
                entry("c", "ch-1", 1, "to:b", "host"));
    }

    @Test
    void chainsTwoVnfsOnOneSwitchPortToPort() throws Exception {
        domain.apply(setup("c-1", "ch-1", segment(border("a", "w1"),
                List.of(vnf(0, "fw-b", "b"), vnf(1, "dpi-b", "b")), border("a", "w1"))));

        assertThat(service.next().flowEntries()).containsExactly(
                entry("a", "ch-1", 0, "border:w1", "to:b"),
                entry("b", "ch-1", 0, "to:a", "vnf:fw-b"),
                entry("b", "ch-1", 1, "vnf:fw-b", "vnf:dpi-b"),
                entry("b", "ch-1", 2, "vnf:dpi-b", "to:a"),
                entry("a", "ch-1", 2, "to:b", "border:w1"));
        PacketTrace trace = domain.trace(ChainId.of("ch-1"), "a", "border:w1", 0);
        assertThat(trace.vnfs()).containsExactly(OfferId.of("fw-b"), OfferId.of("dpi-b"));
        assertThat(trace.exitPort()).isEqualTo("border:w1");
    }

    @Test
    void aSwitchVisitedTwiceIsToldApartByItsInPort() throws Exception {
        domain.apply(setup("c-1", "ch-1", segment(host("b"), List.of(vnf(0, "fw-a", "a")), host("c"))));

        assertThat(service.next().flowEntries()).containsExactly(
                entry("b", "ch-1", 0, "host", "to:a"),
                entry("a", "ch-1", 0, "to:b", "vnf:fw-a"),
                entry("a", "ch-1", 1, "vnf:fw-a", "to:b"),
                entry("b", "ch-1", 1, "to:a", "to:c"),
                entry("c", "ch-1", 1, "to:b", "host"));
        assertThat(domain.flowTable("b")).hasSize(2);
        PacketTrace trace = domain.trace(ChainId.of("ch-1"), "b", "host", 0);
        assertThat(trace.switches()).containsExactly("b", "a", "a", "b", "c");
        assertThat(trace.exitSwitch()).isEqualTo("c");
    }

    @Test
    void entersAndLeavesOnOneSwitch() throws Exception {
        domain.apply(setup("c-1", "ch-1", segment(border("e", "s1"), List.of(), host("e"))));

        assertThat(service.next().flowEntries()).containsExactly(entry("e", "ch-1", 0, "border:s1", "host"));
    }

    @Test
    void installsEverySegmentOfACommand() throws Exception {
        domain.apply(setup("c-1", "ch-1",
                segment(host("a"), List.of(vnf(0, "fw-b", "b")), border("c", "x1")),
                new org.chainmarket.schemas.model.DomainSegment(EAST, 2, border("e", "s1"), List.of(), host("e"))));

        assertThat(service.next().flowEntries()).hasSize(5);
        assertThat(domain.trace(ChainId.of("ch-1"), "e", "border:s1", 0).exitPort()).isEqualTo("host");
        assertThat(domain.trace(ChainId.of("ch-1"), "a", "host", 0).exitPort()).isEqualTo("border:x1");
    }

    @Test
    void teardownRemovesEveryEntryOfTheChainAndNoOther() throws Exception {
        domain.apply(setup("c-1", "ch-1", segment(host("a"), List.of(vnf(0, "fw-b", "b")), host("e"))));
        domain.apply(setup("c-2", "ch-2", segment(host("a"), List.of(vnf(0, "fw-c", "c")), host("e"))));
        service.next();
        List<DomainAck.FlowEntry> other = service.next().flowEntries();

        domain.apply(teardown("c-3", "ch-1"));

        DomainAck ack = service.next();
        assertThat(ack.success()).isTrue();
        assertThat(ack.operation()).isEqualTo(DomainCommand.Operation.TEARDOWN);
        assertThat(ack.flowEntries()).isEmpty();
        assertThat(domain.entriesOf(ChainId.of("ch-1"))).isEmpty();
        assertThat(domain.allEntries()).containsExactlyInAnyOrderElementsOf(other)
                .noneMatch(e -> e.chainTag().equals("ch-1"));
        for (String sw : List.of("a", "b", "c", "d", "e")) {
            assertThat(domain.flowTable(sw)).noneMatch(e -> e.chainTag().equals("ch-1"));
        }
        assertThat(domain.trace(ChainId.of("ch-1"), "a", "host", 0).delivered()).isFalse();
    }

    @Test
    void teardownOfAnUnknownChainSucceedsWithNothingToRemove() throws Exception {
        domain.apply(teardown("c-1", "never-set-up"));

        DomainAck ack = service.next();
        assertThat(ack.success()).isTrue();
        assertThat(ack.flowEntries()).isEmpty();
    }

    @Test
    void listsWhatItsSwitchesHoldChainByChainAsACompleteSnapshot() throws Exception {
        domain.apply(setup("c-1", "ch-1", segment(host("a"), List.of(vnf(0, "fw-b", "b")), host("e"))));
        DomainAck one = service.next();
        domain.apply(setup("c-2", "ch-2", segment(border("a", "w1"), List.of(), border("e", "s1"))));
        DomainAck two = service.next();

        org.chainmarket.adapters.api.HeldState held = domain.held().orElseThrow();
        assertThat(held.full()).isTrue();
        assertThat(held.chains()).containsOnlyKeys(ChainId.of("ch-1"), ChainId.of("ch-2"));
        assertThat(held.chains().get(ChainId.of("ch-1"))).containsExactlyInAnyOrderElementsOf(one.flowEntries());
        assertThat(held.chains().get(ChainId.of("ch-2"))).containsExactlyInAnyOrderElementsOf(two.flowEntries());

        domain.apply(teardown("c-3", "ch-1"));
        service.next();
        assertThat(domain.held().orElseThrow().chains()).containsOnlyKeys(ChainId.of("ch-2"));
    }

    @Test
    void aSecondSetupOfAChainItHoldsChangesNothingAndAnswersItsEntries() throws Exception {
        domain.apply(setup("c-1", "ch-1", segment(host("a"), List.of(vnf(0, "fw-b", "b")), host("e"))));
        DomainAck first = service.next();
        List<String> mods = Collections.synchronizedList(new ArrayList<>());
        domain.flowModObserver = (kind, e) -> mods.add(kind + " " + e.switchId());

        domain.apply(setup("reinstall-1", "ch-1", segment(host("a"), List.of(vnf(0, "fw-b", "b")), host("e"))));

        DomainAck again = service.next();
        assertThat(again.success()).isTrue();
        assertThat(again.flowEntries()).containsExactlyElementsOf(first.flowEntries());
        assertThat(mods).isEmpty();
        assertThat(domain.allEntries()).containsExactlyInAnyOrderElementsOf(first.flowEntries());
    }

    @Test
    void replacingAChainKeepsNoStaleEntryAndInstallsBeforeItRemoves() throws Exception {
        domain.apply(setup("c-1", "ch-1", segment(host("a"), List.of(vnf(0, "fw-b", "b")), host("e"))));
        service.next();
        List<String> mods = Collections.synchronizedList(new ArrayList<>());
        domain.flowModObserver = (kind, e) -> mods.add(kind + " " + e.switchId() + " " + e.inPort());

        domain.apply(setup("c-2", "ch-1", segment(host("a"), List.of(vnf(0, "fw-c", "c")), border("e", "s1"))));

        DomainAck ack = service.next();
        assertThat(ack.flowEntries()).containsExactly(
                entry("a", "ch-1", 0, "host", "to:b"),
                entry("b", "ch-1", 0, "to:a", "to:c"),
                entry("c", "ch-1", 0, "to:b", "vnf:fw-c"),
                entry("c", "ch-1", 1, "vnf:fw-c", "to:e"),
                entry("e", "ch-1", 1, "to:c", "border:s1"));
        assertThat(domain.entriesOf(ChainId.of("ch-1"))).containsExactlyElementsOf(ack.flowEntries());
        assertThat(domain.allEntries()).containsExactlyInAnyOrderElementsOf(ack.flowEntries());
        assertThat(domain.flowTable("b")).containsExactly(entry("b", "ch-1", 0, "to:a", "to:c"));
        // unchanged a/host is left alone; changed and new entries go in first, the stale one leaves last
        assertThat(mods).containsExactly(
                "INSTALL b to:a", "INSTALL c to:b", "INSTALL c vnf:fw-c", "INSTALL e to:c", "REMOVE b vnf:fw-b",
                "REMOVE c to:b");
    }

    @Test
    void aFailedSetupLeavesTheChainAsItWas() throws Exception {
        domain.apply(setup("c-1", "ch-1", segment(host("a"), List.of(vnf(0, "fw-b", "b")), host("e"))));
        List<DomainAck.FlowEntry> before = service.next().flowEntries();

        domain.apply(setup("c-2", "ch-1", segment(host("a"), List.of(vnf(0, "fw-z", "z")), host("e"))));

        assertThat(service.next().success()).isFalse();
        assertThat(domain.entriesOf(ChainId.of("ch-1"))).containsExactlyElementsOf(before);
        assertThat(domain.allEntries()).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    void explainsEveryFailure() throws Exception {
        assertThat(failure(setup("f-1", "ch-1", segment(host("nowhere"), List.of(), host("e")))))
                .isEqualTo("segment 0: entry switch 'nowhere' is unknown in domain east");
        assertThat(failure(setup("f-2", "ch-1", segment(host("a"), List.of(vnf(1, "fw-w", "w1")), host("e")))))
                .isEqualTo("segment 0: waypoint hop 1 (offer fw-w) is at switch 'w1', which belongs to provider west, outside domain east");
        assertThat(failure(setup("f-3", "ch-1", segment(host("a"), List.of(vnf(0, "fw-z", "z")), host("e")))))
                .isEqualTo("segment 0: no path inside domain east from a to z");
        assertThat(failure(setup("f-4", "ch-1", segment(host("a"), List.of(vnf(0, "fw-d", "d")), host("e")))))
                .isEqualTo("segment 0: waypoint hop 0 (offer fw-d) is at switch 'd', which has no site in domain east");
        assertThat(failure(setup("f-5", "ch-1", segment(border("a", "b"), List.of(), host("e")))))
                .isEqualTo("segment 0: entry peer switch 'b' is a switch of domain east; a border hand-off leads to another provider");
        assertThat(failure(setup("f-6", "ch-1", new org.chainmarket.schemas.model.DomainSegment(Fixtures.WEST, 3,
                host("a"), List.of(), host("e")))))
                .isEqualTo("segment 3 belongs to provider west, not east");
        assertThat(failure(setup("f-7", "ch-1")))
                .isEqualTo("a SETUP needs at least one segment");
        assertThat(failure(new DomainCommand("f-8", ChainId.of("ch-1"), Fixtures.WEST, DomainCommand.Operation.TEARDOWN,
                0, List.of(), null)))
                .isEqualTo("command f-8 is for provider west, not east");
        assertThat(domain.allEntries()).isEmpty();
    }

    @Test
    void aSwitchLeftForAVnfAndReEnteredOnTheSamePortIsToldApartByTheStage() throws Exception {
        // a -> b -> c (fw-c) -> b -> a (fw-a) -> b (host): b leaves on to:a for fw-a and receives the chain on to:a at
        // stage 0 (bound for c) and again at stage 2 (bound for the host)
        domain.apply(setup("c-1", "ch-1", segment(host("a"), List.of(vnf(0, "fw-c", "c"), vnf(1, "fw-a", "a")), host("b"))));

        assertThat(service.next().flowEntries()).contains(
                entry("b", "ch-1", 0, "to:a", "to:c"),
                entry("b", "ch-1", 2, "to:a", "host"));
        PacketTrace trace = domain.trace(ChainId.of("ch-1"), "a", "host", 0);
        assertThat(trace.vnfs()).containsExactly(OfferId.of("fw-c"), OfferId.of("fw-a"));
        assertThat(trace.switches()).containsExactly("a", "b", "c", "c", "b", "a", "a", "b");
        assertThat(trace.exitSwitch()).isEqualTo("b");
        assertThat(trace.exitPort()).isEqualTo("host");
    }

    @Test
    void injectedFailureAnswersWithoutTouchingTheTables() throws Exception {
        domain.setFaultMode(FaultMode.FAIL);
        domain.apply(setup("c-1", "ch-1", segment(host("a"), List.of(vnf(0, "fw-b", "b")), host("e"))));

        DomainAck ack = service.next();
        assertThat(ack.success()).isFalse();
        assertThat(ack.reason()).isEqualTo("injected failure");
        assertThat(domain.allEntries()).isEmpty();
    }

    @Test
    void silentModeNeverAnswersAndLaterRedeliveryIsCarriedOut() throws Exception {
        domain.setFaultMode(FaultMode.SILENT);
        domain.apply(setup("c-1", "ch-1", segment(host("a"), List.of(), host("e"))));
        assertThat(service.none(300)).isNull();
        assertThat(domain.allEntries()).isEmpty();

        domain.setFaultMode(FaultMode.NONE);
        domain.apply(setup("c-1", "ch-1", segment(host("a"), List.of(), host("e"))));
        assertThat(service.next().success()).isTrue();
        assertThat(domain.appliedCommands()).isEqualTo(1);
    }

    @Test
    void aRepeatedCommandIsAnsweredAgainButNotAppliedTwice() throws Exception {
        DomainCommand first = setup("c-1", "ch-1", segment(host("a"), List.of(vnf(0, "fw-b", "b")), host("e")));
        domain.apply(first);
        DomainAck original = service.next();
        domain.apply(setup("c-2", "ch-1", segment(host("a"), List.of(vnf(0, "fw-c", "c")), host("e"))));
        DomainAck replaced = service.next();

        domain.apply(first);

        assertThat(service.next()).isEqualTo(original);
        assertThat(domain.appliedCommands()).isEqualTo(2);
        assertThat(domain.entriesOf(ChainId.of("ch-1"))).containsExactlyElementsOf(replaced.flowEntries());
    }

    @Test
    void answersOnItsOwnThreadWithoutBlockingTheCaller() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch answered = new CountDownLatch(1);
        domain.activate(ack -> {
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            service.completed(ack);
            answered.countDown();
        });

        domain.apply(setup("c-1", "ch-1", segment(host("a"), List.of(), host("e"))));
        assertThat(answered.getCount()).isEqualTo(1);
        release.countDown();

        assertThat(service.next().success()).isTrue();
        assertThat(service.lastThread).isNotSameAs(Thread.currentThread());
    }

    @Test
    void rejectsADomainWhoseLinksNameUnknownSwitches() {
        ProviderDomain broken = new ProviderDomain(EAST, "East", List.of(Fixtures.sw("a")), List.of(),
                List.of(Fixtures.link("a", "q", 1)), List.of());
        assertThatThrownBy(() -> new EmulatedDomain(broken))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("domain east: link a-q names unknown switch 'q'");
    }

    @Test
    void refusesCommandsBeforeActivationAndAfterClose() {
        try (EmulatedDomain fresh = new EmulatedDomain(DOMAIN)) {
            assertThatThrownBy(() -> fresh.apply(teardown("c-1", "ch-1")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("not activated");
        }
        domain.close();
        assertThatThrownBy(() -> domain.apply(teardown("c-1", "ch-1")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void flowTableOfAnUnknownSwitchIsAnError() {
        assertThatThrownBy(() -> domain.flowTable("w1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("unknown switch 'w1' in domain east");
    }

    private String failure(DomainCommand command) throws InterruptedException {
        domain.apply(command);
        DomainAck ack = service.next();
        assertThat(ack.success()).as("success of %s", command.commandId()).isFalse();
        assertThat(ack.flowEntries()).isEmpty();
        return ack.reason();
    }
}
