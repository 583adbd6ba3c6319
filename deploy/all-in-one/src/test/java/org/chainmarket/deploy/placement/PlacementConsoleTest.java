package org.chainmarket.deploy.placement;

import com.fasterxml.jackson.databind.JsonNode;
import org.chainmarket.deploy.Api;
import org.chainmarket.deploy.Marketplace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The console's placement view in headless Chromium (Debian's {@code chromium} and {@code chromium-driver}; skipped
 * without them): an operator sees the plan that would start a DPI at New York, with its reason, waiting for approval,
 * clicks Approve, and the DPI starts.
 */
class PlacementConsoleTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static Marketplace market;
    static Api api;
    static ChromeDriverService service;
    static ChromeDriver driver;
    static Path profile;

    static String missingBrowser() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER) ? null
                : CHROMIUM + " or " + CHROMEDRIVER + " is missing: install Debian's 'chromium' and 'chromium-driver' to run it";
    }

    @BeforeAll
    static void start() throws IOException {
        if (missingBrowser() != null) {
            return;
        }
        market = PlacementMarket.start(false, "east");
        api = new Api(market.url());
        profile = Files.createTempDirectory("placement-chromium-");
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.toString());
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=1600,1500");
        driver = new ChromeDriver(service, options);
    }

    @BeforeEach
    void browserInstalled() {
        assumeTrue(missingBrowser() == null, PlacementConsoleTest::missingBrowser);
    }

    @AfterAll
    static void stop() throws IOException {
        if (driver != null) {
            driver.quit();
        }
        if (service != null) {
            service.stop();
        }
        if (market != null) {
            market.close();
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
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
        d("login-username").sendKeys(Api.OPERATOR);
        d("login-password").sendKeys(Marketplace.DEFAULT_DEMO_PASSWORD);
        d("login-submit").click();

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

    private static WebElement d(String id) {
        return driver.findElement(By.id(id));
    }
}
