package org.chainmarket.deploy.console;

import org.chainmarket.schemas.kafka.KafkaClients;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.chainmarket.deploy.Api;
import org.chainmarket.deploy.Marketplace;
import org.chainmarket.deploy.demo.DemoMarket;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.model.Degradation;
import org.chainmarket.schemas.model.Metric;
import org.chainmarket.schemas.model.SubjectKind;
import org.chainmarket.schemas.model.ProviderId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The operator console at {@code /console} in headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}), against the whole marketplace on the real Kafka and PostgreSQL: a substitution that a
 * degradation on Kafka causes shows up in the open page without a reload, and approving a proposed substitution in
 * the page changes the chain; the chains and usage views show a chain's state, hops and SLA record and its invoice
 * lines as the API computes them. Skipped when the browser or its driver is not installed.
 */
class ConsoleBrowserTest {
    static final Duration PATIENCE = Duration.ofSeconds(30);
    static final String MARKER = "console-page-never-reloaded";

    static Marketplace market;
    static Api api;
    static KafkaProducer<String, byte[]> producer;
    static HeadlessBrowser browser;
    static WebDriver driver;

    @BeforeAll
    static void start() throws IOException {
        if (HeadlessBrowser.missing() != null) {
            return; // each test is skipped with the reason (a class-level skip would be reported without it)
        }
        market = Marketplace.start(DemoMarket.abilene(), Map.of("micronaut.server.port", "-1"));
        api = new Api(market.url());
        producer = KafkaClients.producer(market.bootstrapServers(), "test", market.kafka().admin());
        browser = HeadlessBrowser.start("console");
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
            if (producer != null) {
                producer.close();
            }
            if (market != null) {
                market.close();
            }
        }
    }

    @Test
    void aSubstitutionCausedOnKafkaAppearsInTheOpenPageAndItsActionsAnswer() {
        openConsole();
        JsonNode chain = buy("seattle", "new-york", null, "firewall", "dpi");
        String chainId = chain.get("chainId").asText();
        JsonNode hot = chain.get("hops").get(1);
        String hotOffer = hot.get("offerId").asText();

        publish(EventType.DEGRADATION_DETECTED, degradation(hotOffer, hot.get("providerId").asText()));

        By rowOfChain = By.cssSelector("#substitution-rows tr[data-chain-id='" + chainId + "']");
        WebElement row = waitFor().until(ExpectedConditions.presenceOfElementLocated(rowOfChain));
        waitFor().until(ExpectedConditions.attributeToBe(rowOfChain, "data-status", "COMPLETED"));
        assertThat(script("return window.consoleMarker")).as("the page was updated in place, not reloaded").isEqualTo(MARKER);
        String substitutionId = row.getAttribute("data-substitution-id");
        JsonNode s = api.get("/api/v1/substitutions/" + substitutionId).body();
        assertThat(s.get("chainId").asText()).isEqualTo(chainId);
        assertThat(s.get("trigger").get("subjectId").asText()).isEqualTo(hotOffer);
        assertThat(row.getText()).contains(hotOffer).contains("completed");
        String newOffer = s.get("after").get("hops").get(1).get("offerId").asText();

        row.click();
        waitFor().until(ExpectedConditions.attributeToBe(By.id("detail"), "data-substitution-id", substitutionId));
        WebElement before = driver.findElement(By.cssSelector("#compare-before tr[data-hop-index='1']"));
        WebElement after = driver.findElement(By.cssSelector("#compare-after tr[data-hop-index='1']"));
        assertThat(before.getAttribute("data-offer-id")).isEqualTo(hotOffer);
        assertThat(after.getAttribute("data-offer-id")).isEqualTo(newOffer);
        assertThat(after.getAttribute("class")).as("the changed hop is highlighted").contains("changed");
        assertThat(driver.findElement(By.cssSelector("#compare-after tr[data-hop-index='0']")).getAttribute("data-changed"))
                .as("the kept hop is not").isEqualTo("false");
        assertThat(driver.findElements(By.cssSelector("#trigger-chart-svg circle"))).as("one chart point per recent value")
                .hasSize(s.get("trigger").get("recent").size());
        assertThat(driver.findElements(By.cssSelector("#trigger-chart-svg line.threshold"))).hasSize(1);
        waitFor().until(ExpectedConditions.attributeToBe(By.id("chain-state"), "data-chain-state", "ACTIVE"));
        assertThat(driver.findElement(By.id("action-approve")).isDisplayed()).as("only a proposal can be approved").isFalse();

        // Rolling back onto the still-degraded instance is refused (409): the page shows the problem's detail.
        driver.findElement(By.id("action-rollback")).click();
        waitFor().until(ExpectedConditions.attributeToBe(By.id("action-message"), "data-kind", "error"));
        assertThat(driver.findElement(By.id("action-message")).getText()).contains("still degraded").contains(hotOffer);

        // The acknowledging operator is the one signed in.
        driver.findElement(By.id("action-acknowledge")).click();
        waitFor().until(ExpectedConditions.attributeToBe(By.id("action-message"), "data-kind", "ok"));
        assertThat(api.get("/api/v1/substitutions/" + substitutionId).body().get("acknowledgedBy").asText()).isEqualTo("alice");
        waitFor().until(ExpectedConditions.textToBePresentInElementLocated(rowOfChain, "alice"));

        // Filters narrow the list in place: another outcome hides the row, the chain and its provider show only it.
        new Select(driver.findElement(By.id("filter-status"))).selectByValue("NO_ALTERNATIVE");
        waitFor().until(ExpectedConditions.numberOfElementsToBe(rowOfChain, 0));
        driver.findElement(By.id("filter-clear")).click();
        waitFor().until(ExpectedConditions.numberOfElementsToBe(rowOfChain, 1));
        String provider = hot.get("providerId").asText();
        waitFor().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#filter-provider option[value='" + provider + "']")));
        new Select(driver.findElement(By.id("filter-provider"))).selectByValue(provider);
        driver.findElement(By.id("filter-chain")).sendKeys(chainId);
        waitFor().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#substitution-rows tr"), 1));
        assertThat(driver.findElement(By.cssSelector("#substitution-rows tr")).getAttribute("data-chain-id")).isEqualTo(chainId);
        screenshot("console-acknowledged.png");
        driver.findElement(By.id("filter-clear")).click();
        assertThat(script("return window.consoleMarker")).isEqualTo(MARKER);
    }

    @Test
    void approvingAProposedSubstitutionInThePageChangesTheChain() {
        openConsole();
        JsonNode chain = buy("los-angeles", "washington-dc", "APPROVAL", "load-balancer");
        String chainId = chain.get("chainId").asText();
        String oldOffer = chain.get("hops").get(0).get("offerId").asText();
        publish(EventType.DEGRADATION_DETECTED, degradation(oldOffer, chain.get("hops").get(0).get("providerId").asText()));

        By rowOfChain = By.cssSelector("#substitution-rows tr[data-chain-id='" + chainId + "']");
        waitFor().until(ExpectedConditions.attributeToBe(rowOfChain, "data-status", "PROPOSED"));
        WebElement row = driver.findElement(rowOfChain);
        String substitutionId = row.getAttribute("data-substitution-id");
        JsonNode proposed = api.get("/api/v1/substitutions/" + substitutionId).body();
        String newOffer = proposed.get("after").get("hops").get(0).get("offerId").asText();
        assertThat(newOffer).isNotEqualTo(oldOffer);
        assertThat(api.get("/api/v1/chains/" + chainId).body().get("state").asText()).as("nothing moves before approval").isEqualTo("DEGRADED");

        row.click();
        waitFor().until(ExpectedConditions.attributeToBe(By.id("detail"), "data-substitution-id", substitutionId));
        assertThat(driver.findElement(By.cssSelector("#compare-after tr[data-hop-index='0']")).getAttribute("data-offer-id")).isEqualTo(newOffer);
        waitFor().until(ExpectedConditions.attributeToBe(By.id("chain-state"), "data-chain-state", "DEGRADED"));
        assertThat(driver.findElement(By.id("action-rollback")).isDisplayed()).isFalse();
        WebElement approve = waitFor().until(ExpectedConditions.elementToBeClickable(By.id("action-approve")));
        approve.click();

        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> assertThat(
                api.get("/api/v1/chains/" + chainId).body().path("state").asText())
                .as(() -> "chain after approval; its substitutions: " + api.get("/api/v1/substitutions?chain=" + chainId).body())
                .isEqualTo("ACTIVE"));
        JsonNode active = api.get("/api/v1/chains/" + chainId).body();
        assertThat(active.get("hops").get(0).get("offerId").asText()).as("the chain runs on the proposed offer").isEqualTo(newOffer);
        waitFor().until(ExpectedConditions.attributeToBe(rowOfChain, "data-status", "COMPLETED"));
        waitFor().until(ExpectedConditions.attributeToBe(By.id("detail"), "data-status", "COMPLETED"));
        waitFor().until(ExpectedConditions.attributeToBe(By.id("chain-state"), "data-chain-state", "ACTIVE"));
        assertThat(driver.findElement(By.cssSelector("#chain-hops tr[data-hop-index='0']")).getAttribute("data-offer-id")).isEqualTo(newOffer);
        assertThat(driver.findElement(By.id("action-approve")).isDisplayed()).isFalse();
        assertThat(driver.findElement(By.id("action-rollback")).isDisplayed()).isTrue();
        assertThat(api.get("/api/v1/substitutions/" + substitutionId).body().get("status").asText()).isEqualTo("COMPLETED");
        assertThat(script("return window.consoleMarker")).as("the page was updated in place, not reloaded").isEqualTo(MARKER);
        screenshot("console.png");
    }

    @Test
    void theConsoleAsksForAnOperatorsLoginAndSendsItsToken() {
        driver.get(api.base() + "/console");
        if (!driver.findElement(By.id("login")).isDisplayed()) {
            driver.findElement(By.id("sign-out")).click();
        }
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("login")));
        assertThat(driver.findElement(By.id("app")).isDisplayed()).as("nothing is shown before signing in").isFalse();
        browser.signIn(Api.BUYER, Marketplace.DEFAULT_DEMO_PASSWORD);
        waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("login-message"), "for operators"));
        browser.signIn(Api.OPERATOR, "not-the-password");
        waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("login-message"), "wrong password"));
        browser.signIn(Api.OPERATOR, Marketplace.DEFAULT_DEMO_PASSWORD);
        waitFor().until(ExpectedConditions.textToBe(By.id("signed-in-as"), Api.OPERATOR));
        waitFor().until(ExpectedConditions.attributeToBe(By.id("live-status"), "data-state", "live"));
        assertThat(driver.findElement(By.id("login")).isDisplayed()).isFalse();
    }

    @Test
    void theConsoleShowsEachProvidersHealth() {
        openConsole();
        for (String provider : List.of("west", "central", "east")) {
            By item = By.cssSelector("#provider-health li[data-provider='" + provider + "']");
            waitFor().until(ExpectedConditions.presenceOfElementLocated(item));
            // the demo domains answer, so each provider's circuit is closed and the page says so
            assertThat(driver.findElement(item).getAttribute("data-state")).as(provider).isEqualTo("CLOSED");
            assertThat(driver.findElement(item).getText()).isEqualTo(provider + ": healthy");
        }
    }

    @Test
    void theChainsAndUsageViewsShowEachChainWithItsSlaAndTheInvoiceLinesPerBuyerAndRevenuePerProvider() {
        openConsole();
        JsonNode chain = buy("seattle", "new-york", null, "firewall", "nat");
        String chainId = chain.get("chainId").asText();

        // chains: the list shows its state, buyer, hops and SLA status; a click shows its hops, domains and SLA record
        driver.findElement(By.cssSelector("#views [data-view='chains']")).click();
        waitFor().until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-view", "chains"));
        assertThat(driver.findElement(By.id("view-substitutions")).isDisplayed()).as("one view at a time").isFalse();
        By rowOfChain = By.cssSelector("#chain-rows tr[data-chain-id='" + chainId + "']");
        waitFor().until(ExpectedConditions.attributeToBe(rowOfChain, "data-state", "ACTIVE"));
        WebElement row = driver.findElement(rowOfChain);
        assertThat(row.getAttribute("data-buyer")).isEqualTo(Api.BUYER);
        assertThat(row.getAttribute("data-sla")).as("its latency is within the bound").isEqualTo("kept");
        for (JsonNode hop : chain.get("hops")) {
            assertThat(row.getText()).contains(hop.get("vnfType").asText() + " @ " + hop.get("providerId").asText());
        }
        row.click();
        waitFor().until(ExpectedConditions.attributeToBe(By.id("chain-detail"), "data-chain-id", chainId));
        for (int i = 0; i < chain.get("hops").size(); i++) {
            By hop = By.cssSelector("#chain-detail-hops tr[data-hop-index='" + i + "']");
            waitFor().until(ExpectedConditions.presenceOfElementLocated(hop));
            assertThat(driver.findElement(hop).getAttribute("data-offer-id")).isEqualTo(chain.get("hops").get(i).get("offerId").asText());
        }
        waitFor().until(ExpectedConditions.attributeToBe(By.id("chain-detail-sla"), "data-in-violation", "false"));
        assertThat(driver.findElement(By.id("chain-detail-measured")).getText()).as("measured along its path").contains(" ms");
        assertThat(driver.findElements(By.cssSelector("#chain-detail-domains li"))).hasSizeGreaterThanOrEqualTo(1);

        // the state filter leaves it out when it names another state
        new Select(driver.findElement(By.id("chains-state"))).selectByValue("FAILED");
        waitFor().until(ExpectedConditions.numberOfElementsToBe(rowOfChain, 0));
        new Select(driver.findElement(By.id("chains-state"))).selectByValue("");
        waitFor().until(ExpectedConditions.numberOfElementsToBe(rowOfChain, 1));

        // usage: once ended, the chain's invoice lines are final; the page shows them under its buyer as the API does
        assertThat(api.delete("/api/v1/chains/" + chainId).status()).isEqualTo(202);
        api.awaitState(chainId, "TERMINATED");
        driver.findElement(By.cssSelector("#views [data-view='usage']")).click();
        JsonNode report = api.get("/api/v1/usage").body();
        List<JsonNode> lines = new ArrayList<>();
        report.get("lines").forEach(l -> {
            if (l.get("chainId").asText().equals(chainId)) {
                lines.add(l);
            }
        });
        assertThat(lines).as("one line per hop").hasSize(chain.get("hops").size());
        By pageLines = By.cssSelector("#usage-buyers section[data-buyer='" + Api.BUYER + "'] tr[data-chain-id='" + chainId + "']");
        waitFor().until(ExpectedConditions.numberOfElementsToBe(pageLines, lines.size()));
        for (JsonNode line : lines) {
            WebElement shown = driver.findElement(By.cssSelector("#usage-buyers section[data-buyer='" + Api.BUYER + "'] tr[data-chain-id='"
                    + chainId + "'][data-offer-id='" + line.get("offerId").asText() + "']"));
            assertThat(new java.math.BigDecimal(shown.getAttribute("data-amount")))
                    .isCloseTo(line.get("amount").decimalValue(), org.assertj.core.data.Offset.offset(new java.math.BigDecimal("1e-9")));
            assertThat(shown.getText()).contains(line.get("providerId").asText());
        }
        // every provider the buyer paid is in the revenue table (the operator sees every provider's)
        for (JsonNode provider : report.get("providers")) {
            waitFor().until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("#usage-provider-rows tr[data-provider-id='" + provider.get("id").asText() + "']")));
        }
        assertThat(driver.findElement(By.id("usage-totals")).getText()).contains("Owed");
        screenshot("console-usage.png");
        driver.findElement(By.cssSelector("#views [data-view='substitutions']")).click();
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("substitutions")));
        assertThat(script("return window.consoleMarker")).as("the page was updated in place, not reloaded").isEqualTo(MARKER);
    }

    /**
     * Opens the console (signing in as the demo operator when the tab has no token yet), waits for its first poll
     * and marks the page, so a reload would be noticed.
     */
    static void openConsole() {
        driver.get(api.base() + "/console");
        waitFor().until(d -> driver.findElement(By.id("login")).isDisplayed() || script("return document.body.dataset.polls") != null);
        if (driver.findElement(By.id("login")).isDisplayed()) {
            browser.signIn(Api.OPERATOR, Marketplace.DEFAULT_DEMO_PASSWORD);
        }
        waitFor().until(d -> script("return document.body.dataset.polls") != null);
        assertThat(driver.findElement(By.id("live-status")).getAttribute("data-state")).isEqualTo("live");
        ((JavascriptExecutor) driver).executeScript("window.consoleMarker = arguments[0];", MARKER);
    }

    static Object script(String js) {
        return ((JavascriptExecutor) driver).executeScript(js);
    }

    static WebDriverWait waitFor() {
        return new WebDriverWait(driver, PATIENCE, Duration.ofMillis(100));
    }

    static void screenshot(String name) {
        try {
            Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(shot, Path.of("target", name), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode buy(String ingress, String egress, String policy, String... types) {
        Map<String, Object> order = new HashMap<>(Map.of("buyerId", "acme", "vnfTypes", List.of(types), "ingress", ingress,
                "egress", egress, "bandwidthMbps", 50, "maxLatencyMs", 120, "maxPricePerHour", 40));
        if (policy != null) {
            order.put("substitutionPolicy", policy);
        }
        Api.Response r = api.post("/api/v1/chains", Json.text(order));
        assertThat(r.status()).as("order %s", r.body()).isEqualTo(201);
        String id = r.body().get("chainId").asText();
        return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50))
                .until(() -> api.get("/api/v1/chains/" + id).body(), c -> "ACTIVE".equals(c.path("state").asText()));
    }

    /** A hot CPU on an instance, with the climb monitoring saw before it crossed the threshold. */
    static Degradation degradation(String offerId, String provider) {
        Instant now = Instant.now();
        double[] cpu = {0.52, 0.58, 0.63, 0.71, 0.79, 0.86, 0.93, 0.97};
        List<Degradation.Point> recent = new ArrayList<>();
        for (int i = 0; i < cpu.length; i++) {
            recent.add(new Degradation.Point(now.minusSeconds(cpu.length - 1 - i), cpu[i]));
        }
        return new Degradation(SubjectKind.INSTANCE, offerId, ProviderId.of(provider), Metric.CPU, 0.97, 0.9, 0.75, 10, now, recent);
    }

    static void publish(EventType type, Degradation d) {
        try {
            producer.send(CloudEvents.encode(type, d.subjectId(), d, "/monitoring")).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not publish " + type, e);
        }
    }
}
