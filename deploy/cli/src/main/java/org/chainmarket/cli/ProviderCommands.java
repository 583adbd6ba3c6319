package org.chainmarket.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import static org.chainmarket.cli.ChainMarketCli.*;

/** The provider's commands: advertise a domain, list and withdraw offers. */
final class ProviderCommands {
    private ProviderCommands() {
    }

    @Command(name = "advertise", description = "Advertise a provider domain from a JSON file")
    static class Advertise implements Callable<Integer> {
        @ParentCommand ChainMarketCli cli;
        @Parameters(paramLabel = "DOMAIN.json") Path file;

        @Override
        public Integer call() {
            cli.print(cli.api().post("/api/v1/providers", read(file)), new Table().col("PROVIDER", "providerId").col("NAME", "name")
                    .col("SWITCHES", n -> String.valueOf(n.path("switches").size())).col("SITES", n -> String.valueOf(n.path("sites").size())));
            return 0;
        }
    }

    @Command(name = "offers", description = "Offers with the capacity chains hold")
    static class Offers implements Callable<Integer> {
        @ParentCommand ChainMarketCli cli;
        @Option(names = "--provider", description = "Only this provider's offers") String provider;

        @Override
        public Integer call() {
            JsonNode all = cli.api().get("/api/v1/offers");
            com.fasterxml.jackson.databind.node.ArrayNode shown = Api.JSON.createArrayNode();
            all.forEach(o -> {
                if (provider == null || provider.equals(o.path("offer").path("providerId").asText())) {
                    shown.add(o);
                }
            });
            cli.print(shown, new Table().col("OFFER", "offer/offerId").col("PROVIDER", "offer/providerId").col("TYPE", "offer/vnfType")
                    .col("SITE", "offer/siteId").col("CAPACITY_MBPS", "offer/capacityMbps").col("RESERVED_MBPS", "reservedMbps")
                    .col("CHAINS", "reservedChains").col("EUR/H", "offer/pricePerHour").col("WITHDRAWN", "withdrawn"));
            return 0;
        }
    }

    @Command(name = "withdraw", description = "Withdraw an offer")
    static class Withdraw implements Callable<Integer> {
        @ParentCommand ChainMarketCli cli;
        @Parameters(paramLabel = "OFFER") String id;

        @Override
        public Integer call() {
            cli.api().delete("/api/v1/offers/" + enc(id));
            cli.out().println("withdrawn " + id);
            cli.out().flush();
            return 0;
        }
    }
}
