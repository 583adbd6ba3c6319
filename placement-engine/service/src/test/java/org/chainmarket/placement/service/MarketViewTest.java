package org.chainmarket.placement.service;

import org.chainmarket.placement.model.Demand;
import org.chainmarket.placement.model.PlacementProblem;
import org.chainmarket.placement.model.RunningInstance;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfDemand;
import org.chainmarket.schemas.model.VnfOffer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the view turns into a placement problem: rejected demand kept until a plan uses it, idle instances' grace; an offer id
 * stays with the provider that advertised it first.
 */
class MarketViewTest {
    private static final ProviderId P = ProviderId.of("east");
    private static final Duration HORIZON = Duration.ofMinutes(15);
    private static final Duration GRACE = Duration.ofSeconds(60);
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    private Instant now = T0;
    private final MarketView view = new MarketView(() -> now, HORIZON, GRACE);

    MarketViewTest() {
        view.domain(new ProviderDomain(P, "East",
                List.of(new ProviderDomain.Switch("a", "A", null, null), new ProviderDomain.Switch("b", "B", null, null)),
                List.of(new ProviderDomain.Site("b-dc", "b", 16, 32)),
                List.of(new ProviderDomain.Link("a", "b", 2, 10_000)), List.of()));
    }

    private static VnfDemand rejected(String type, String at, int orders, double mbps, Double maxLatencyMs) {
        return new VnfDemand(type, T0, T0, List.of(new VnfDemand.Point(at, 0, 0, orders, 0, mbps, maxLatencyMs)), List.of());
    }

    private static VnfDemand carrying(String type, OfferId offer, int chains) {
        return new VnfDemand(type, T0, T0, List.of(), List.of(new VnfDemand.InstanceLoad(offer, P, "b-dc",
                chains == 0 ? List.of() : List.of(new VnfDemand.Share("a", chains, 50.0 * chains)))));
    }

    private static VnfOffer offer(OfferId id, String type) {
        return new VnfOffer(id, P, type, "b-dc", 1000, 10, 0.5, 1.0, 0.001, 0.999, false, false, null, null, null);
    }

    private List<Demand> unmet() {
        return view.problem(20).demands().stream().filter(d -> !d.isCarried() && d.rejectedOrders() > 0).toList();
    }

    @Test
    void rejectionsOfSeveralReportsBetweenTwoPlansAllCount() {
        view.demand(rejected("dpi", "a", 2, 200, 8.0));
        now = now.plusSeconds(1);
        view.demand(rejected("dpi", "a", 3, 300, 5.0));
        now = now.plusSeconds(1);
        view.demand(new VnfDemand("dpi", T0, T0, List.of(), List.of())); // the window slid: nothing new

        assertThat(unmet()).singleElement().satisfies(d -> {
            assertThat(d.switchId()).isEqualTo("a");
            assertThat(d.mbps()).isEqualTo(500);
            assertThat(d.rejectedOrders()).isEqualTo(5);
            assertThat(d.maxLatencyMs()).as("the tightest bound").isEqualTo(5.0);
        });
    }

    @Test
    void aPublishedPlanConsumesWhatItWasBuiltFromAndLaterRejectionsWaitForTheNext() {
        view.demand(rejected("dpi", "a", 4, 400, null));
        PlacementProblem used = view.problem(20);
        assertThat(used.demands()).hasSize(1);
        view.demand(rejected("dpi", "a", 1, 100, null)); // after the problem was built
        view.planned();

        assertThat(unmet()).singleElement().satisfies(d -> {
            assertThat(d.mbps()).isEqualTo(100);
            assertThat(d.rejectedOrders()).isEqualTo(1);
            assertThat(d.maxLatencyMs()).as("the default bound").isEqualTo(20);
        });
        view.planned();
        assertThat(unmet()).isEmpty();
    }

    @Test
    void aProblemNoPlanWasPublishedFromKeepsItsDemand() {
        view.demand(rejected("dpi", "a", 4, 400, null));
        view.problem(20); // the plan was infeasible and not published: no planned()
        assertThat(unmet()).singleElement().satisfies(d -> assertThat(d.mbps()).isEqualTo(400));
    }

    @Test
    void rejectionsOlderThanTheHorizonAreDroppedEvenUnplanned() {
        view.demand(rejected("dpi", "a", 4, 400, null));
        now = now.plus(HORIZON).minusSeconds(1);
        view.demand(rejected("firewall", "a", 1, 50, null));
        assertThat(unmet()).extracting(Demand::vnfType).containsExactlyInAnyOrder("dpi", "firewall");
        now = now.plusSeconds(2);
        assertThat(unmet()).extracting(Demand::vnfType).containsExactly("firewall");
    }

    @Test
    void carriedDemandIsTheLastReports() {
        OfferId dpi = OfferId.of("dpi-1");
        view.offer(offer(dpi, "dpi"));
        view.demand(carrying("dpi", dpi, 3));
        view.demand(carrying("dpi", dpi, 1));
        assertThat(view.problem(20).demands()).singleElement().satisfies(d -> {
            assertThat(d.carriedBy()).isEqualTo(dpi);
            assertThat(d.chains()).isEqualTo(1);
        });
    }

    @Test
    void anIdleInstanceIsInItsGraceUntilItHasCarriedNothingForTheGracePeriod() {
        OfferId fw = OfferId.of("fw-1");
        view.offer(offer(fw, "firewall"));
        assertThat(running(fw).idleGrace()).as("seen at %s, idle for 0 s", T0).isTrue();
        now = T0.plus(GRACE);
        assertThat(running(fw).idleGrace()).as("idle for the whole grace period").isFalse();

        view.demand(carrying("firewall", fw, 2));
        assertThat(running(fw).idleGrace()).as("carrying chains: not idle").isFalse();
        now = now.plusSeconds(30);
        view.demand(carrying("firewall", fw, 0));
        assertThat(running(fw).idleGrace()).as("emptied just now").isTrue();
        now = now.plus(GRACE).minusSeconds(1);
        assertThat(running(fw).idleGrace()).as("carried a chain %s ago", GRACE.minusSeconds(1)).isTrue();
        now = now.plusSeconds(1);
        assertThat(running(fw).idleGrace()).isFalse();
    }

    @Test
    void anInstanceStillBootingIsInItsGraceAndItsGraceRunsFromWhenItIsReady() {
        OfferId dpi = OfferId.of("dpi-new");
        now = T0.plus(Duration.ofHours(1));
        view.starting(new RunningInstance(dpi, P, "b-dc", "dpi"));
        assertThat(running(dpi).idleGrace()).isTrue();
        now = now.plus(GRACE).plusSeconds(10);
        assertThat(running(dpi).idleGrace()).as("booting for longer than the grace: still not to be stopped").isTrue();
        view.offer(offer(dpi, "dpi")); // advertised once booted: its grace runs from now
        now = now.plus(GRACE).minusSeconds(1);
        assertThat(running(dpi).idleGrace()).isTrue();
        now = now.plusSeconds(1);
        assertThat(running(dpi).idleGrace()).as("ready and idle for the whole grace").isFalse();
    }

    private RunningInstance running(OfferId id) {
        return view.problem(20).instances().stream().filter(i -> i.offerId().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void anotherProvidersTopicCannotTakeOverOrWithdrawAnOffer() {
        ProviderId west = ProviderId.of("west");
        ProviderId east = ProviderId.of("east");
        OfferId id = OfferId.of("west-nat");
        view.offer(offerOf(id, west, 1000));

        view.offer(offerOf(id, east, 5));
        assertThat(view.offer(id).providerId()).as("east's advertisement of west's offer id").isEqualTo(west);
        assertThat(view.offer(id).capacityMbps()).isEqualTo(1000);

        view.offerWithdrawn(id, east);
        assertThat(view.knowsOffer(id)).as("east's withdrawal of west's offer").isTrue();

        view.offer(offerOf(id, west, 800));
        assertThat(view.offer(id).capacityMbps()).as("west changes its own offer").isEqualTo(800);
        view.offerWithdrawn(id, west);
        assertThat(view.knowsOffer(id)).as("west withdraws its own offer").isFalse();
    }

    private static VnfOffer offerOf(OfferId id, ProviderId provider, double mbps) {
        return new VnfOffer(id, provider, "nat", provider + "-1", mbps, 10, 0.4, 1.0, 0.001, 0.999, true, false, null, null);
    }
}
