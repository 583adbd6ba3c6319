package org.chainmarket.deploy.placement;

import com.fasterxml.jackson.databind.JsonNode;
import org.chainmarket.deploy.Api;
import org.chainmarket.deploy.Marketplace;
import org.chainmarket.deploy.console.HeadlessBrowser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The console's placement view in headless Chromium (Debian's {@code chromium} and {@code chromium-driver}; skipped
 * without them): an operator opens the Placement tab, sees the plan that would start a DPI at New York, with its
 * reason, waiting for approval, clicks Approve, and the DPI starts.
 */
class PlacementConsoleTest {
    static Marketplace market;
    static Api api;
    static HeadlessBrowser browser;
    static WebDriver driver;

    @BeforeAll
    static void start() throws IOException {
        if (HeadlessBrowser.missing() != null) {
            return; // each test is skipped with the reason
        }
        market = PlacementMarket.start(false, "east");
        api = new Api(market.url());
        browser = HeadlessBrowser.start("placement");
        driver = browser.driver();
    }

    @BeforeEach
    void browserInstalled() {
        assumeTrue(HeadlessBrowser.missing() == null, HeadlessBrowser::missing);
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (market != null) {
                market.close();
            }
        }
    }

    @Test
    void anOperatorApprovesAPlacementDecisionInThePage() {
        for (int i = 0; i < 3; i++) {
            assertThat(api.post("/api/v1/chains", PlacementMarket.dpiOrder()).status()).isEqualTo(422);
        }
        driver.get(api.base() + "/console");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60), Duration.ofMillis(200));
        wait.until(d -> d.findElement(By.id("login")).isDisplayed());
        browser.signIn(Api.OPERATOR, Marketplace.DEFAULT_DEMO_PASSWORD);
        wait.until(d -> d.findElement(By.id("app")).isDisplayed());
        driver.findElement(By.cssSelector("#views [data-view='placement']")).click();
        assertThat(driver.findElement(By.id("view-substitutions")).isDisplayed()).as("one view at a time").isFalse();

        WebElement approve = wait.until(d -> d.findElements(By.cssSelector("#placement button[data-decision-id]")).stream()
                .filter(b -> b.findElement(By.xpath("./ancestor::tr")).getText().contains("dpi")).findFirst().orElse(null));
        WebElement row = approve.findElement(By.xpath("./ancestor::tr"));
        assertThat(row.getText()).contains("START", "east", PlacementMarket.site(market, PlacementMarket.NEW_YORK))
                // one to three of the rejected orders' 100 Mbit/s, as the demand reports the plan read had counted them
                .containsPattern("serves [123]00 Mbit/s entering at new-york");
        String decisionId = approve.getAttribute("data-decision-id");
        JsonNode decision = null;
        for (JsonNode plan : api.get("/api/v1/placement/plans").body().get("plans")) {
            for (JsonNode dd : plan.get("decisions")) {
                if (dd.get("decisionId").asText().equals(decisionId)) {
                    decision = dd;
                }
            }
        }
        assertThat(decision).isNotNull();
        String offerId = decision.get("offerId").asText();
        assertThat(PlacementMarket.advertised(api, offerId)).as("nothing starts before approval").isFalse();

        approve.click();
        wait.until(d -> d.findElement(By.id("placement-message")).getText().startsWith("Approved " + decisionId));
        await().atMost(Duration.ofSeconds(30)).until(() -> PlacementMarket.advertised(api, offerId));
        wait.until(d -> d.findElements(By.cssSelector("#placement button[data-decision-id='" + decisionId + "']")).isEmpty());
    }
}
