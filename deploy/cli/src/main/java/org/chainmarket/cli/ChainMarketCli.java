package org.chainmarket.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code chainmarket}: the marketplace's REST API from a shell. Buyers quote, order, list, show, change and end chains
 * and read their usage and SLA records; providers read their revenue;
 * providers advertise a domain from a file, list and withdraw offers; operators list, approve, roll back and
 * acknowledge substitutions. Tables by default, the API's JSON with {@code --json}; an error exits 1 with the
 * problem's detail on stderr.
 */
@Command(name = "chainmarket", mixinStandardHelpOptions = true, version = "chainmarket 0.1",
        description = "Command-line client of the ChainMarket broker's REST API.",
        subcommands = {BuyerCommands.Login.class, BuyerCommands.Quote.class, BuyerCommands.Order.class, BuyerCommands.ListChains.class,
                BuyerCommands.Show.class, BuyerCommands.Change.class, BuyerCommands.End.class, BuyerCommands.Usage.class,
                BuyerCommands.Sla.class, ProviderCommands.Advertise.class, ProviderCommands.Offers.class, ProviderCommands.Withdraw.class,
                OperatorCommands.Substitutions.class, OperatorCommands.Approve.class, OperatorCommands.Rollback.class,
                OperatorCommands.Acknowledge.class})
public final class ChainMarketCli {
    /** Where {@code login} keeps the token: in the user's home, never in a project directory. */
    static final String TOKEN_FILE = ".config/chainmarket/token";

    @Option(names = "--url", defaultValue = "${env:CHAINMARKET_URL:-http://localhost:8080}", description = "Broker URL (env CHAINMARKET_URL; default ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--token", defaultValue = "${env:CHAINMARKET_TOKEN}", description = "Bearer token (env CHAINMARKET_TOKEN; else the one stored by 'login')")
    String token;

    @Option(names = "--json", description = "Print the API's JSON instead of a table")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs one command; returns the exit code (0 done, 1 the API refused, 2 bad usage). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new ChainMarketCli());
        cli.setOut(out).setErr(err);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(e instanceof Api.Problem || e instanceof IllegalArgumentException ? e.getMessage() : e.toString());
            cmd.getErr().flush();
            return 1;
        });
        return cli.execute(args);
    }

    Api api() {
        String t = token;
        if (t == null || t.isBlank()) {
            Path stored = Path.of(System.getProperty("user.home"), TOKEN_FILE);
            try {
                t = Files.exists(stored) ? Files.readString(stored).trim() : null;
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + stored + ": " + e.getMessage());
            }
        }
        return new Api(url, t);
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Prints {@code node} as JSON, or as the table. */
    void print(JsonNode node, Table table) {
        if (json || table == null) {
            try {
                out().println(Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            out().flush();
            return;
        }
        table.print(out(), node.isArray() ? node : List.of(node));
    }

    static String texts(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return String.join(",", out);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
    }

    static Table chains() {
        return new Table().col("CHAIN", "chainId").col("STATE", "state").col("BUYER", "buyerId")
                .col("HOPS", n -> String.join(" > ", n.path("hops").findValuesAsText("offerId")))
                .col("LATENCY_MS", "predictedLatencyMs").col("EUR/H", "pricePerHour").col("REASON", "reason");
    }

    static Table substitutions() {
        return new Table().col("SUBSTITUTION", "substitutionId").col("CHAIN", "chainId").col("STATUS", "status")
                .col("TRIGGER", n -> n.path("trigger").path("kind").asText() + " " + n.path("trigger").path("subjectId").asText())
                .col("CHANGED_HOPS", n -> n.path("changedHops").toString()).col("OUTCOME", "outcome");
    }
}
