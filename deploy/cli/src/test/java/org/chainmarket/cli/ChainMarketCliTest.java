package org.chainmarket.cli;

import org.chainmarket.deploy.Marketplace;
import org.chainmarket.deploy.demo.DemoMarket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.deploy.DemoRequests;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import static org.awaitility.Awaitility.await;

/** The client's commands against a running marketplace (embedded Kafka and PostgreSQL, emulated Abilene domains). */
class ChainMarketCliTest {
    static Marketplace market;

    @BeforeAll
    static void start() {
        market = Marketplace.start(DemoMarket.abilene(), Map.of("micronaut.server.port", "-1", "chainmarket.delivery-timeout", "5s"));
    }

    @AfterAll
    static void stop() {
        market.close();
    }

    /** Exit code, stdout and stderr of one command. */
    record Run(int code, String out, String err) {
    }

    /** One command as the demo account {@code user} (its token from the marketplace). */
    static Run as(String user, String... args) {
        List<String> all = new ArrayList<>(List.of("--token", DemoRequests.token(URI.create(market.url().toString()), user)));
        all.addAll(List.of(args));
        return cli(all.toArray(String[]::new));
    }

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--url", market.url().toString()));
        all.addAll(List.of(args));
        int code = ChainMarketCli.run(new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    static final String[] ORDER = {"--buyer", DemoRequests.BUYER, "--vnf", "firewall,dpi", "--from", "seattle", "--to", "new-york",
            "--mbps", "50", "--max-latency", "80", "--max-price", "40"};

    /** {@code before} (global options and the command), the order's flags, then {@code more}. */
    static String[] with(List<String> before, String... more) {
        List<String> a = new ArrayList<>(before);
        a.addAll(List.of(ORDER));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void buyerQuotesOrdersShowsListsAndEndsAChain() throws Exception {
        Run quote = as(DemoRequests.BUYER, with(List.of("quote")));
        assertThat(quote.code()).as(quote.err()).isZero();
        assertThat(quote.out()).contains("POINT", "EUR/H", "LATENCY_MS", "recommended");

        Run quoteJson = as(DemoRequests.BUYER, with(List.of("--json", "quote")));
        var q = Api.JSON.readTree(quoteJson.out());
        String quoteId = q.get("quoteId").asText();
        String point = q.get("recommended").asText();
        var best = q.get("points").get(q.get("recommended").asInt());

        Run ordered = as(DemoRequests.BUYER, with(List.of("--json", "order"), "--quote", quoteId, "--point", point));
        assertThat(ordered.code()).as(ordered.err()).isZero();
        var chain = Api.JSON.readTree(ordered.out());
        String id = chain.get("chainId").asText();
        assertThat(chain.get("pricePerHour").asDouble()).isEqualTo(best.get("pricePerHour").asDouble());

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(as(DemoRequests.BUYER, "show", id).out()).contains("ACTIVE"));
        Run show = as(DemoRequests.BUYER, "show", id);
        assertThat(show.out()).contains("CHAIN", "STATE", id, best.get("hops").get(0).get("offerId").asText());
        assertThat(as(DemoRequests.BUYER, "list", "--state", "ACTIVE").out()).contains(id);

        Run changed = as(DemoRequests.BUYER, "--json", "change", id, "--mbps", "60", "--key", "cli-change-" + id);
        assertThat(changed.code()).as(changed.err()).isZero();
        assertThat(Api.JSON.readTree(changed.out()).path("order").path("bandwidthMbps").asDouble()).isEqualTo(60);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(as(DemoRequests.BUYER, "show", id).out()).contains("ACTIVE"));
        Run impossible = as(DemoRequests.BUYER, "change", id, "--max-latency", "0.5");
        assertThat(impossible.code()).isEqualTo(1);
        assertThat(impossible.err()).contains("422").contains("runs on as it was");
        Run sla = as(DemoRequests.BUYER, "sla", id);
        assertThat(sla.code()).as(sla.err()).isZero();
        assertThat(sla.out()).contains("bound 80.0 ms");

        Run end = as(DemoRequests.BUYER, "end", id);
        assertThat(end.code()).isZero();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(as(DemoRequests.BUYER, "show", id).out()).contains("TERMINATED"));
        Run usage = as(DemoRequests.BUYER, "usage");
        assertThat(usage.code()).as(usage.err()).isZero();
        assertThat(usage.out()).contains("usage of BUYER " + DemoRequests.BUYER, "CHAIN", "OFFER", "SLA_CREDIT", id, "SLA credits", "total");
        var report = Api.JSON.readTree(as(DemoRequests.BUYER, "--json", "usage").out());
        java.math.BigDecimal sum = java.math.BigDecimal.ZERO;
        for (var line : report.get("lines")) {
            sum = sum.add(line.get("amount").decimalValue());
        }
        assertThat(report.get("total").decimalValue()).isEqualByComparingTo(sum);
        assertThat(report.get("usage").decimalValue().subtract(report.get("credit").decimalValue())).as("owed: used less SLA credits")
                .isEqualByComparingTo(report.get("total").decimalValue());
    }

    @Test
    void anErrorExitsNonZeroWithTheProblemsDetail() {
        Run unknown = as(DemoRequests.BUYER, "show", "no-such-chain");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("404").contains("There is no chain with id 'no-such-chain'");

        Run impossible = as(DemoRequests.BUYER, "order", "--buyer", DemoRequests.BUYER, "--vnf", "firewall", "--from", "seattle", "--to", "new-york",
                "--mbps", "50", "--max-latency", "0.5", "--max-price", "40");
        assertThat(impossible.code()).isEqualTo(1);
        assertThat(impossible.err()).contains("422").contains("ms");

        Run approve = as(DemoRequests.OPERATOR, "approve", "no-such-substitution");
        assertThat(approve.code()).isEqualTo(1);
        assertThat(approve.err()).contains("404");
    }

    @Test
    void providerAdvertisesADomainFromAFileAndWithdrawsAnOffer(@TempDir Path dir) throws Exception {
        Path domain = dir.resolve("domain.json");
        Files.writeString(domain, """
                {"providerId": "cli-prov", "name": "CLI provider", "switches": [{"switchId": "cli1"}, {"switchId": "cli2"}],
                 "sites": [{"siteId": "cli-site", "switchId": "cli1", "cpuCores": 4, "memoryGb": 8}],
                 "links": [{"from": "cli1", "to": "cli2", "latencyMs": 1, "bandwidthMbps": 1000}]}""");
        // an admin opens the new provider's account; the provider then advertises as itself
        URI accounts = URI.create(market.url().toString().replaceAll("/$", "") + "/api/v1/accounts");
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(accounts)
                .header("Authorization", "Bearer " + DemoRequests.token(accounts, "admin")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.text(Map.of("username", "cli-prov", "password",
                        Marketplace.DEFAULT_DEMO_PASSWORD, "role", "PROVIDER", "party", "cli-prov")))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Run advertised = as("cli-prov", "advertise", domain.toString());
        assertThat(advertised.code()).as(advertised.err()).isZero();
        assertThat(advertised.out()).contains("cli-prov", "CLI provider");

        Run offers = as("cli-prov", "offers");
        assertThat(offers.code()).isZero();
        assertThat(offers.out()).contains("OFFER", "RESERVED_MBPS", "firewall");
        var all = Api.JSON.readTree(as("cli-prov", "--json", "offers").out());
        var last = all.get(all.size() - 1).get("offer");
        String someOffer = last.get("offerId").asText();
        // only its own provider withdraws an offer (the demo providers' accounts are named by their provider ids)
        assertThat(as("cli-prov", "withdraw", someOffer).code()).as("another provider's offer").isEqualTo(1);
        Run withdrawn = as(last.get("providerId").asText(), "withdraw", someOffer);
        assertThat(withdrawn.code()).as(withdrawn.err()).isZero();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var now = new ArrayList<com.fasterxml.jackson.databind.JsonNode>();
            Api.JSON.readTree(as("cli-prov", "--json", "offers").out()).forEach(now::add);
            // a withdrawn offer is no longer offered
            assertThat(now).filteredOn(o -> o.get("offer").get("offerId").asText().equals(someOffer))
                    .allSatisfy(o -> assertThat(o.get("withdrawn").asBoolean()).isTrue());
            assertThat(now).isNotEmpty();
        });
        assertThat(as(DemoRequests.OPERATOR, "substitutions").out()).contains("SUBSTITUTION", "STATUS");
    }
}
