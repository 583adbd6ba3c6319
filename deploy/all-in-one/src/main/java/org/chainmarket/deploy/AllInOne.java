package org.chainmarket.deploy;

import org.chainmarket.deploy.demo.DemoMarket;
import org.chainmarket.deploy.embedded.DataDirectory;
import org.chainmarket.selection.topology.GraphMlReader;
import org.chainmarket.selection.topology.Topology;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** Runs the whole marketplace in one JVM on embedded defaults with demo providers, until interrupted. */
@Command(name = "chainmarket", mixinStandardHelpOptions = true,
        description = "Runs ChainMarket: embedded Kafka and PostgreSQL keeping their data in --data-dir (unless "
                + "kafka.bootstrap.servers / datasources.default.url are set), the broker, and emulated provider domains "
                + "with demo offers.")
public final class AllInOne implements Callable<Integer> {
    @Option(names = "--port", description = "HTTP port of the broker's API (default: ${DEFAULT-VALUE})", defaultValue = "8080")
    int port;

    @Option(names = "--topology", description = "Bundled topology (Abilene, Geant2012, Interoute) or a GraphML file "
            + "(default: ${DEFAULT-VALUE})", defaultValue = "Abilene")
    String topology;

    @Option(names = "--providers", description = "Providers to split the topology among (default: ${DEFAULT-VALUE})", defaultValue = "3")
    int providers;

    @Option(names = "--vnf-types-per-site", description = "VNF types each site offers (default: ${DEFAULT-VALUE})", defaultValue = "3")
    int typesPerSite;

    @Option(names = "--telemetry-interval", description = "How often emulated domains report telemetry to monitoring-ingest "
            + "(default: ${DEFAULT-VALUE}; 'off' runs without monitoring)", defaultValue = "1s")
    String telemetryInterval;

    @Option(names = "--placement", description = "VNF placement: 'approval' (plans are made and each decision waits for an "
            + "operator's approval in the console), 'auto' (carried out at once) or 'off' (default: ${DEFAULT-VALUE})",
            defaultValue = "approval")
    String placement;

    @Option(names = "--demo-accounts", description = "Create the demo accounts (admin, alice, acme, globex, one per provider) "
            + "if missing (default: ${DEFAULT-VALUE})", defaultValue = "true", arity = "1")
    boolean demoAccounts;

    @Option(names = "--demo-password", description = "The demo accounts' password (default: ${DEFAULT-VALUE})",
            defaultValue = Marketplace.DEFAULT_DEMO_PASSWORD)
    String demoPassword;

    @Option(names = "--warm-up-rounds", description = "Rounds of the start-up warm-up (selection, a rolled-back order "
            + "transaction, the API's read paths), run before the marketplace says it is up; it changes no data; 0 turns it "
            + "off (default: ${DEFAULT-VALUE})", defaultValue = "" + WarmUp.DEFAULT_ROUNDS)
    int warmUpRounds;

    @Option(names = "--data-dir", description = "Where the embedded Kafka and PostgreSQL keep their data; a restart on "
            + "the same directory resumes where the last run stopped (default: ${DEFAULT-VALUE})", defaultValue = "chainmarket-data")
    Path dataDir;

    @Option(names = "--fresh", description = "Start with an empty marketplace: delete the data a previous run left in --data-dir")
    boolean fresh;

    @Option(names = "--export-demo", paramLabel = "DIR", description = "Write each demo provider's domain and offers to "
            + "DIR/<provider>.json (what a standalone adapter runner reads) and exit")
    Path exportDir;

    public static void main(String[] args) {
        System.exit(new CommandLine(new AllInOne()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Topology t = Files.exists(Path.of(topology)) ? GraphMlReader.read(Path.of(topology)) : Topology.bundled(topology);
        DemoMarket demo = DemoMarket.of(t, providers, typesPerSite, 4000, 400, 3);
        if (exportDir != null) {
            for (Path file : demo.export(exportDir)) {
                System.out.println(file);
            }
            return 0;
        }
        Map<String, String> properties = new java.util.HashMap<>(Map.of("micronaut.server.port", String.valueOf(port)));
        properties.put(Marketplace.DEMO_ACCOUNTS, String.valueOf(demoAccounts));
        properties.put(Marketplace.DEMO_PASSWORD, demoPassword);
        properties.put(Marketplace.WARM_UP_ROUNDS, String.valueOf(warmUpRounds));
        if (!"off".equalsIgnoreCase(telemetryInterval)) {
            properties.put(Marketplace.TELEMETRY_INTERVAL, telemetryInterval);
        }
        switch (placement.toLowerCase(java.util.Locale.ROOT)) {
            case "off" -> properties.put(Marketplace.PLACEMENT, "false");
            case "auto" -> properties.put(Marketplace.PLACEMENT, "true");
            case "approval" -> {
                properties.put(Marketplace.PLACEMENT, "true");
                properties.put(Marketplace.PLACEMENT_APPROVAL, String.join(",", demo.providers().stream().map(p -> p.id().value()).toList()));
            }
            default -> throw new CommandLine.ParameterException(new CommandLine(this), "--placement must be approval, auto or off, not " + placement);
        }
        DataDirectory data = new DataDirectory(dataDir);
        if (fresh) {
            data.wipe();
        }
        boolean resumed = data.holdsData();
        properties.put(Marketplace.DATA_DIR, data.root().toString());
        Marketplace market = Marketplace.start(demo, properties);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            market.close();
            stopped.countDown();
        }));
        String api = market.url() + "/api/v1";
        System.out.printf("%nChainMarket is up on %s (%d switches, %d providers, %d offers; Kafka at %s)%n",
                api, t.nodes().size(), demo.providers().size(), demo.offers().size(), market.bootstrapServers());
        System.out.printf("  data:      %s (%s; --fresh starts empty)%n", data.root(), resumed ? "resumed" : "new");
        System.out.printf("  console:   %s/console/ (log in as an operator)%n", market.url());
        System.out.printf("  placement: %s (plans and decisions in the console's Placement view)%n", placement);
        if (!market.demoAccounts().isEmpty()) {
            System.out.printf("  accounts (password '%s'):%n", market.demoPassword());
            for (Marketplace.DemoAccount a : market.demoAccounts()) {
                System.out.printf("    %-9s %-8s %s%n", a.role().toLowerCase(java.util.Locale.ROOT), a.username(),
                        a.party() == null ? "" : "acts for " + a.party());
            }
            System.out.printf("  a token:   TOKEN=$(curl -s -XPOST -H 'Content-Type: application/json' -H 'Accept: text/plain' %s/tokens "
                    + "-d '{\"username\":\"acme\",\"password\":\"%s\"}')%n"
                    + "             (any account above in place of acme: alice for the console and substitutions, a provider "
                    + "for its domain and offers)%n", api, market.demoPassword());
        }
        System.out.printf("  providers: curl -H \"Authorization: Bearer $TOKEN\" %s/providers%n", api);
        String a = t.nodes().get(0).id();
        String b = t.nodes().get(t.nodes().size() - 1).id();
        System.out.printf("  buy:       curl -s -XPOST -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' %s/chains -d '{"
                + "\"vnfTypes\":[\"firewall\",\"dpi\",\"nat\"],\"ingress\":\"%s\",\"egress\":\"%s\",\"bandwidthMbps\":100,"
                + "\"maxLatencyMs\":60,\"maxPricePerHour\":20}'%n  Ctrl-C stops it.%n%n", api, a, b);
        stopped.await();
        return 0;
    }
}
