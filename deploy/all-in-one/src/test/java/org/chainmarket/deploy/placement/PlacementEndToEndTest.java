package org.chainmarket.deploy.placement;

import com.fasterxml.jackson.databind.JsonNode;
import org.chainmarket.deploy.Api;
import org.chainmarket.deploy.Marketplace;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.PlacementPlan;
import org.chainmarket.schemas.model.ProviderId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Demand that no instance serves grows the market where it is (real embedded Kafka and PostgreSQL, the broker, the
 * placement service and three emulated domains): orders for a DPI at New York are rejected while no provider runs
 * one; past the rejection threshold a plan starts a DPI at the New York cloud (the site nearest the demand), the east
 * domain boots it and advertises its offer, and the same order is then ACTIVE on it. Idle instances the plan stops are
 * withdrawn; no site's vCPU or memory is ever exceeded.
 */
class PlacementEndToEndTest {
    static Marketplace market;
    static Api api;

    @BeforeAll
    static void start() {
        market = PlacementMarket.start(false);
        api = new Api(market.url());
    }

    @AfterAll
    static void stop() {
        market.close();
    }

    @Test
    void rejectedDemandStartsAnInstanceNearItAndTheSameOrderIsThenServedThere() {
        for (int i = 0; i < 3; i++) {
            Api.Response r = api.post("/api/v1/chains", PlacementMarket.dpiOrder());
            assertThat(r.status()).as("no DPI runs anywhere: %s", r.body()).isEqualTo(422);
        }

        String newYork = PlacementMarket.site(market, PlacementMarket.NEW_YORK);
        JsonNode started = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (JsonNode o : api.get("/api/v1/offers").body()) {
                if (o.get("offer").get("vnfType").asText().equals("dpi")) {
                    return o.get("offer");
                }
            }
            return null;
        }, o -> o != null);
        assertThat(started.get("siteId").asText()).as("the site nearest the demand").isEqualTo(newYork);
        assertThat(started.get("providerId").asText()).isEqualTo("east");
        String offerId = started.get("offerId").asText();
        PlacementMarket.noSiteOverbooked(market);

        PlacementPlan.Decision start = PlacementMarket.decisions(market).stream()
                .filter(d -> d.action() == PlacementPlan.Action.START && d.offerId().value().equals(offerId)).findFirst().orElseThrow();
        assertThat(start.vnfType()).isEqualTo("dpi");
        assertThat(start.reason()).as("the reason names the demand it serves").contains(PlacementMarket.NEW_YORK);
        assertThat(start.serves()).anySatisfy(s -> assertThat(s.switchId()).isEqualTo(PlacementMarket.NEW_YORK));

        Api.Response again = api.post("/api/v1/chains", PlacementMarket.dpiOrder());
        assertThat(again.status()).as("the same order once the DPI runs: %s", again.body()).isEqualTo(201);
        JsonNode active = api.awaitState(again.body().get("chainId").asText(), "ACTIVE");
        assertThat(active.get("hops").get(0).get("offerId").asText()).isEqualTo(offerId);
        assertThat(market.domain(ProviderId.of("east")).chainsOn(OfferId.of(offerId))).as("its traffic goes into the new instance").isEqualTo(1);

        List<PlacementPlan.Decision> stops = PlacementMarket.decisions(market).stream()
                .filter(d -> d.action() == PlacementPlan.Action.STOP).toList();
        for (PlacementPlan.Decision stop : stops) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(PlacementMarket.advertised(api, stop.offerId().value())).as("idle %s stopped and withdrawn", stop.offerId()).isFalse();
                assertThat(market.domain(stop.providerId()).placement().state(stop.offerId())).isEmpty();
            });
        }
        PlacementMarket.noSiteOverbooked(market);
        PlacementMarket.noOfferOverbooked(api);
    }
}
