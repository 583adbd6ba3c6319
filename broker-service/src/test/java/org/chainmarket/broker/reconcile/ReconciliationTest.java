package org.chainmarket.broker.reconcile;

import org.chainmarket.broker.reconcile.Reconciliation.Known;
import org.chainmarket.broker.reconcile.Reconciliation.Plan;
import org.chainmarket.broker.reconcile.Reconciliation.Report;
import org.chainmarket.schemas.model.ChainState;
import org.chainmarket.schemas.model.DomainAck.FlowEntry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What a domain's report, set against what the chains need there, asks the broker to do. */
class ReconciliationTest {
    static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    static final Duration SKEW = Duration.ofSeconds(1);
    static final Instant REPORTED = T0.plusSeconds(60);

    static List<FlowEntry> entries(String chain) {
        return List.of(new FlowEntry("a", chain, 0, 100, "host", List.of("output:to:b")),
                new FlowEntry("b", chain, 0, 100, "to:a", List.of("output:host")));
    }

    static Known active(String chain) {
        return new Known(chain, ChainState.ACTIVE, "INSTALLED", T0, entries(chain));
    }

    static Report full(Map<String, List<FlowEntry>> held) {
        return new Report(REPORTED, true, held);
    }

    static Plan plan(Report r, Known... known) {
        return Reconciliation.plan(r, List.of(known), SKEW);
    }

    @Test
    void aDomainThatHoldsWhatItsActiveChainsNeedIsLeftAlone() {
        Plan p = plan(full(Map.of("ch-1", entries("ch-1"))), active("ch-1"));
        assertThat(p.reinstall()).isEmpty();
        assertThat(p.remove()).isEmpty();
        assertThat(p.observed()).containsEntry("ch-1", entries("ch-1"));
    }

    @Test
    void anActiveChainMissingFromAFullReportIsReinstalled() {
        Plan p = plan(full(Map.of()), active("ch-1"), active("ch-2"));
        assertThat(p.reinstall()).containsExactly("ch-1", "ch-2");
        assertThat(p.remove()).isEmpty();
        assertThat(p.observed()).containsEntry("ch-1", List.of()).containsEntry("ch-2", List.of());
    }

    @Test
    void aDegradedChainStillCarriesTrafficAndIsReinstalledToo() {
        Known degraded = new Known("ch-1", ChainState.DEGRADED, "INSTALLED", T0, entries("ch-1"));
        assertThat(plan(full(Map.of()), degraded).reinstall()).containsExactly("ch-1");
    }

    @Test
    void aChainHoldingOtherEntriesThanItsDomainAcknowledgedIsReinstalled() {
        List<FlowEntry> partial = entries("ch-1").subList(0, 1);
        Plan p = plan(full(Map.of("ch-1", partial)), active("ch-1"));
        assertThat(p.reinstall()).containsExactly("ch-1");
        assertThat(p.observed()).containsEntry("ch-1", partial);
    }

    @Test
    void entriesListedInAnotherOrderAreTheSameEntries() {
        List<FlowEntry> reversed = List.of(entries("ch-1").get(1), entries("ch-1").get(0));
        assertThat(plan(full(Map.of("ch-1", reversed)), active("ch-1")).reinstall()).isEmpty();
    }

    @Test
    void aChainTheBrokerDoesNotKnowIsAnOrphanAndRemoved() {
        Plan p = plan(full(Map.of("ghost", entries("ghost"))));
        assertThat(p.remove()).containsExactly("ghost");
        assertThat(p.reinstall()).isEmpty();
    }

    @Test
    void anUnknownChainWhoseRemovalIsNewerThanTheReportIsNotRemovedTwice() {
        Known removing = new Known("ghost", null, null, REPORTED.plusMillis(500), List.of());
        Plan p = plan(full(Map.of("ghost", entries("ghost"))), removing);
        assertThat(p.remove()).isEmpty();
        assertThat(p.raced()).containsExactly("ghost");
        Known removedEarlier = new Known("ghost", null, null, T0, List.of());
        assertThat(plan(full(Map.of("ghost", entries("ghost"))), removedEarlier).remove()).containsExactly("ghost");
    }

    @Test
    void endedChainsAndDomainsNoLongerCrossedAreOrphansOnceTheirEndPrecedesTheReport() {
        Known terminated = new Known("ch-t", ChainState.TERMINATED, "REMOVED", T0, entries("ch-t"));
        Known failedUnconfirmed = new Known("ch-f", ChainState.FAILED, "REMOVING", T0, entries("ch-f"));
        Known notCrossed = new Known("ch-n", ChainState.ACTIVE, null, null, List.of());
        Known retired = new Known("ch-r", ChainState.ACTIVE, "REMOVED", T0, List.of());
        Plan p = plan(full(Map.of("ch-t", entries("ch-t"), "ch-f", entries("ch-f"), "ch-n", entries("ch-n"), "ch-r", entries("ch-r"))),
                terminated, failedUnconfirmed, notCrossed, retired);
        assertThat(p.remove()).containsExactly("ch-f", "ch-n", "ch-r", "ch-t");
        assertThat(p.reinstall()).isEmpty();
    }

    @Test
    void chainsInSetUpSubstitutionOrTearDownAreNotDisturbed() {
        Known settingUp = new Known("ch-s", ChainState.SETTING_UP, "INSTALLING", T0, List.of());
        Known substituting = new Known("ch-u", ChainState.SUBSTITUTING, "INSTALLED", T0, entries("ch-u"));
        Known tearingDown = new Known("ch-d", ChainState.TEARING_DOWN, "REMOVING", T0, entries("ch-d"));
        Plan p = plan(full(Map.of("ch-d", entries("ch-d"))), settingUp, substituting, tearingDown);
        assertThat(p.reinstall()).isEmpty();
        assertThat(p.remove()).isEmpty();
        assertThat(p.observed()).isEmpty();
    }

    @Test
    void aReportTakenBeforeTheChainsLastCommandRacedWithItAndChangesNothing() {
        Known justActivated = new Known("ch-1", ChainState.ACTIVE, "INSTALLED", REPORTED.minusMillis(300), entries("ch-1"));
        Known justTerminated = new Known("ch-2", ChainState.TERMINATED, "REMOVED", REPORTED.minusMillis(300), entries("ch-2"));
        Plan p = plan(full(Map.of("ch-2", entries("ch-2"))), justActivated, justTerminated);
        assertThat(p.reinstall()).isEmpty();
        assertThat(p.remove()).isEmpty();
        assertThat(p.raced()).containsExactly("ch-1", "ch-2");
        assertThat(p.observed()).isEmpty();
    }

    @Test
    void aPartialReportVouchesOnlyForWhatItLists() {
        Report partial = new Report(REPORTED, false, Map.of("ghost", entries("ghost")));
        Plan p = plan(partial, active("ch-1"));
        assertThat(p.reinstall()).isEmpty();
        assertThat(p.remove()).containsExactly("ghost");
        assertThat(p.observed()).containsOnlyKeys("ghost");
    }

    @Test
    void aChainWhoseDomainAcknowledgedNoEntriesIsNotMissingWhenAbsent() {
        Known empty = new Known("ch-1", ChainState.ACTIVE, "INSTALLED", T0, List.of());
        assertThat(plan(full(Map.of()), empty).reinstall()).isEmpty();
    }
}
