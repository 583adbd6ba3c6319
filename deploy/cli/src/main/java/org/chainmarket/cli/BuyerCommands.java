package org.chainmarket.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.Callable;

import static org.chainmarket.cli.ChainMarketCli.*;

/** The buyer's commands (and login): quote, order, list, show, change, end, usage, sla. */
final class BuyerCommands {
    private BuyerCommands() {
    }

    /** The order's flags, shared by quote and order. */
    static class OrderOptions {
        @Option(names = "--file", description = "The order as JSON (chain-order schema); the flags below are then ignored")
        Path file;
        @Option(names = "--buyer", description = "Buyer id") String buyer;
        @Option(names = "--vnf", split = ",", description = "VNF types in order, e.g. firewall,dpi,nat") List<String> vnfs;
        @Option(names = "--from", description = "Ingress switch") String from;
        @Option(names = "--to", description = "Egress switch") String to;
        @Option(names = "--mbps", description = "Bandwidth (Mbit/s)") Double mbps;
        @Option(names = "--max-latency", description = "End-to-end latency bound (ms)") Double maxLatency;
        @Option(names = "--max-price", description = "Budget (EUR/h)") Double maxPrice;

        String body() {
            if (file != null) {
                return read(file);
            }
            ObjectNode o = Api.JSON.createObjectNode();
            o.put("buyerId", buyer);
            o.set("vnfTypes", Api.JSON.valueToTree(vnfs == null ? List.of() : vnfs));
            o.put("ingress", from);
            o.put("egress", to);
            o.put("bandwidthMbps", mbps);
            o.put("maxLatencyMs", maxLatency);
            o.put("maxPricePerHour", maxPrice);
            return o.toString();
        }
    }

    @Command(name = "login", description = "Store a token for later commands (in ~/" + TOKEN_FILE + ", readable only by you)")
    static class Login implements Callable<Integer> {
        @ParentCommand ChainMarketCli cli;
        @Option(names = "--token", required = true, description = "The bearer token the marketplace issued") String token;

        @Override
        public Integer call() throws IOException {
            Path file = Path.of(System.getProperty("user.home"), TOKEN_FILE);
            Files.createDirectories(file.getParent());
            Files.writeString(file, token.trim() + "\n");
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the file keeps the default permissions of the user's home
            }
            cli.out().println("token stored in " + file);
            cli.out().flush();
            return 0;
        }
    }

    @Command(name = "quote", description = "Price/latency trade-offs of an order (nothing reserved)")
    static class Quote implements Callable<Integer> {
        @ParentCommand ChainMarketCli cli;
        @CommandLine.Mixin OrderOptions order;

        @Override
        public Integer call() {
            JsonNode q = cli.api().post("/api/v1/quotes", order.body());
            if (!cli.json) {
                cli.out().println("quote " + q.path("quoteId").asText() + " valid until " + q.path("expiresAt").asText()
                        + "; recommended point " + q.path("recommended").asInt());
            }
            cli.print(cli.json ? q : q.path("points"), new Table().col("POINT", "point").col("EUR/H", "pricePerHour")
                    .col("LATENCY_MS", "predictedLatencyMs").col("PROVIDERS", n -> texts(n.path("providers")))
                    .col("HOPS", n -> String.join(" > ", n.path("hops").findValuesAsText("offerId"))).col("WHY", "why"));
            return 0;
        }
    }

    @Command(name = "order", description = "Buy a chain (optionally a quoted point)")
    static class Order implements Callable<Integer> {
        @ParentCommand ChainMarketCli cli;
        @CommandLine.Mixin OrderOptions order;
        @Option(names = "--quote", description = "Quote id to honour") String quote;
        @Option(names = "--point", defaultValue = "0", description = "Point of the quote (default ${DEFAULT-VALUE})") int point;

        @Override
        public Integer call() {
            String path = quote == null ? "/api/v1/chains" : "/api/v1/chains?quote=" + enc(quote) + "&point=" + point;
            cli.print(cli.api().post(path, order.body()), chains());
            return 0;
        }
    }

    @Command(name = "list", description = "Chains, newest first")
    static class ListChains implements Callable<Integer> {
        @ParentCommand ChainMarketCli cli;
        @Option(names = "--state", description = "Only chains in this state") String state;
        @Option(names = "--limit", defaultValue = "100") int limit;

        @Override
        public Integer call() {
            cli.print(cli.api().get("/api/v1/chains?limit=" + limit + (state == null ? "" : "&state=" + enc(state))), chains());
            return 0;
        }
    }

    @Command(name = "show", description = "One chain")
    static class Show implements Callable<Integer> {
        @ParentCommand ChainMarketCli cli;
        @Parameters(paramLabel = "CHAIN") String id;

        @Override
        public Integer call() {
            cli.print(cli.api().get("/api/v1/chains/" + enc(id)), chains());
            return 0;
        }
    }

    @Command(name = "change", description = "Change a running chain's bandwidth, latency bound or budget (in place when its hops still fit, "
            + "else switched to other hops)")
    static class Change implements Callable<Integer> {
        @ParentCommand ChainMarketCli cli;
        @Parameters(paramLabel = "CHAIN") String id;
        @Option(names = "--mbps", description = "New bandwidth (Mbit/s)") Double mbps;
        @Option(names = "--max-latency", description = "New end-to-end latency bound (ms)") Double maxLatency;
        @Option(names = "--max-price", description = "New budget (EUR/h)") Double maxPrice;
        @Option(names = "--key", description = "Idempotency-Key: a retry with the same key changes the chain once") String key;

        @Override
        public Integer call() {
            ObjectNode body = Api.JSON.createObjectNode();
            if (mbps != null) {
                body.put("bandwidthMbps", mbps);
            }
            if (maxLatency != null) {
                body.put("maxLatencyMs", maxLatency);
            }
            if (maxPrice != null) {
                body.put("maxPricePerHour", maxPrice);
            }
            if (body.isEmpty()) {
                throw new CommandLine.ParameterException(cli.spec.commandLine(), "name at least one of --mbps, --max-latency, --max-price");
            }
            cli.print(cli.api().patch("/api/v1/chains/" + enc(id), body.toString(), key), chains());
            return 0;
        }
    }

    @Command(name = "usage", description = "Usage and invoice lines of a period: a buyer's chains, a provider's revenue per offer, or everything for an operator")
    static class Usage implements Callable<Integer> {
        @ParentCommand ChainMarketCli cli;
        @Option(names = "--from", description = "Start, ISO-8601 (default: start of this month, UTC)") String from;
        @Option(names = "--to", description = "End, exclusive, ISO-8601 (default: now)") String to;

        @Override
        public Integer call() {
            StringBuilder q = new StringBuilder("/api/v1/usage");
            if (from != null || to != null) {
                q.append('?').append(from == null ? "" : "from=" + enc(from)).append(from != null && to != null ? "&" : "").append(to == null ? "" : "to=" + enc(to));
            }
            JsonNode report = cli.api().get(q.toString());
            if (cli.json) {
                cli.print(report, null);
                return 0;
            }
            cli.out().println("usage of " + report.path("scope").asText() + (report.path("party").isTextual() ? " " + report.path("party").asText() : "")
                    + " from " + report.path("from").asText() + " to " + report.path("to").asText() + " (" + report.path("currency").asText() + ")");
            cli.print(report.path("lines"), new Table().col("CHAIN", "chainId").col("HOP", "hopIndex").col("TYPE", "vnfType").col("OFFER", "offerId")
                    .col("PROVIDER", "providerId").col("HOURS", "hours").col("MBPS_HOURS", "mbpsHours").col("SLA_CREDIT", "credit").col("EUR", "amount"));
            if (!report.path("credits").isEmpty()) {
                cli.out().println("SLA credits (periods over the latency bound):");
                cli.print(report.path("credits"), new Table().col("CHAIN", "chainId").col("FROM", "startedAt").col("TO", "endedAt")
                        .col("HOURS", "hours").col("EUR", "amount"));
            }
            cli.print(report.path("offers"), new Table().col("OFFER", "id").col("USED", "usage").col("SLA_CREDIT", "credit").col("EUR", "amount"));
            cli.out().println("used " + report.path("usage").asText() + ", SLA credits " + report.path("credit").asText() + ", total "
                    + report.path("total").asText() + " " + report.path("currency").asText());
            cli.out().flush();
            return 0;
        }
    }

    @Command(name = "sla", description = "A chain's SLA record: its latency bound, measured latency and violation periods")
    static class Sla implements Callable<Integer> {
        @ParentCommand ChainMarketCli cli;
        @Parameters(paramLabel = "CHAIN") String id;

        @Override
        public Integer call() {
            JsonNode sla = cli.api().get("/api/v1/chains/" + enc(id) + "/sla");
            if (cli.json) {
                cli.print(sla, null);
                return 0;
            }
            cli.out().println("chain " + id + ": bound " + sla.path("boundMs").asText() + " ms, measured " + sla.path("measuredLatencyMs").asText()
                    + " ms, " + (sla.path("inViolation").asBoolean() ? "IN VIOLATION" : "within bound") + ", violated "
                    + sla.path("violatedSeconds").asText() + " s in all");
            cli.print(sla.path("violations"), new Table().col("STARTED", "startedAt").col("ENDED", "endedAt").col("SECONDS", "durationSeconds")
                    .col("WORST_MS", "worstLatencyMs").col("WORST_PART", "worstPart"));
            return 0;
        }
    }

    @Command(name = "end", description = "End a chain (tear it down)")
    static class End implements Callable<Integer> {
        @ParentCommand ChainMarketCli cli;
        @Parameters(paramLabel = "CHAIN") String id;

        @Override
        public Integer call() {
            cli.print(cli.api().delete("/api/v1/chains/" + enc(id)), chains());
            return 0;
        }
    }
}
