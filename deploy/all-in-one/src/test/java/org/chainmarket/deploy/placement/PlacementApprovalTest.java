package org.chainmarket.deploy.placement;

import com.fasterxml.jackson.databind.JsonNode;
import org.chainmarket.deploy.Api;
import org.chainmarket.deploy.Marketplace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A provider whose placement decisions wait for approval: an operator sees the plan and its waiting decision through
 * the broker ({@code GET /api/v1/placement/plans}, what the console's placement view shows), nothing starts until they
 * approve it ({@code POST /api/v1/placement/decisions/{id}/approve}), then the DPI starts and serves the order.
 */
class PlacementApprovalTest {
    static Marketplace market;
    static Api api;

    @BeforeAll
    static void start() {
        market = PlacementMarket.start(false, "east");
        api = new Api(market.url());
    }

    @AfterAll
    static void stop() {
        market.close();
    }

    @Test
    void anOperatorApprovesAWaitingDecisionAndOnlyThenTheInstanceStarts() {
        for (int i = 0; i < 3; i++) {
            assertThat(api.post("/api/v1/chains", PlacementMarket.dpiOrder()).status()).isEqualTo(422);
        }
        JsonNode waiting = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            JsonNode body = api.get("/api/v1/placement/plans").body();
            for (JsonNode plan : body.get("plans")) {
                for (JsonNode d : plan.get("decisions")) {
                    if (d.get("action").asText().equals("START") && d.get("vnfType").asText().equals("dpi")
                            && body.get("awaiting").toString().contains(d.get("decisionId").asText())) {
                        return d;
                    }
                }
            }
            return null;
        }, d -> d != null);
        assertThat(waiting.get("approval").asText()).isEqualTo("AWAITING_APPROVAL");
        assertThat(waiting.get("providerId").asText()).isEqualTo("east");
        String offerId = waiting.get("offerId").asText();
        assertThat(PlacementMarket.advertised(api, offerId)).as("nothing starts before approval").isFalse();
        assertThat(market.domain(org.chainmarket.schemas.model.ProviderId.of("east")).placement().states()).doesNotContainKey(
                org.chainmarket.schemas.model.OfferId.of(offerId));

        Api.Response approved = api.post("/api/v1/placement/decisions/" + waiting.get("decisionId").asText() + "/approve", "");
        assertThat(approved.status()).as("%s", approved.body()).isEqualTo(202);
        assertThat(approved.body().get("approvedBy").asText()).isEqualTo(Api.OPERATOR);
        assertThat(api.post("/api/v1/placement/decisions/" + waiting.get("decisionId").asText() + "/approve", "").status())
                .as("approved once").isEqualTo(404);

        await().atMost(Duration.ofSeconds(30)).until(() -> PlacementMarket.advertised(api, offerId));
        Api.Response order = api.post("/api/v1/chains", PlacementMarket.dpiOrder());
        assertThat(order.status()).isEqualTo(201);
        assertThat(api.awaitState(order.body().get("chainId").asText(), "ACTIVE").get("hops").get(0).get("offerId").asText()).isEqualTo(offerId);
        assertThat(api.get("/api/v1/placement/plans").body().get("awaiting").toString()).doesNotContain(waiting.get("decisionId").asText());
    }
}
