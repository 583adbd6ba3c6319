package org.chainmarket.adapters.runner;

import org.chainmarket.adapters.api.PathProvider;
import org.chainmarket.adapters.api.TelemetrySource;
import org.chainmarket.schemas.events.TopicInitializer;
import org.chainmarket.schemas.process.ServiceProcess;
import picocli.CommandLine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * One provider's adapter runner as its own program: {@code AdapterMain --domain east.json --kind
 * emulated}. Configuration comes from the command line, then {@code ADAPTER_<OPTION>} environment variables, then the
 * {@code --config} properties file ({@link ServiceProcess#configure}); health is {@code GET /health} on
 * {@code --health-port}; SIGTERM or Ctrl-C stops it cleanly (commands read so far committed, the domain answers what it
 * has queued, the answers are flushed).
 */
@CommandLine.Command(name = "adapter-runner", mixinStandardHelpOptions = true,
        description = "Runs one provider domain's adapter on Kafka: advertises it, carries out its commands, answers.")
public final class AdapterMain implements Callable<Integer> {
    @CommandLine.Option(names = "--config", description = "properties file of options (key = option name without dashes)")
    Path config;

    @CommandLine.Option(names = "--bootstrap-servers", description = "Kafka (default: $KAFKA_BOOTSTRAP_SERVERS or ${DEFAULT-VALUE})",
            defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}")
    String bootstrapServers;

    @CommandLine.Option(names = "--domain", required = true,
            description = "the domain file: {\"domain\": ProviderDomain, \"offers\": [VnfOffer], \"openflow\"|\"srv6\": wiring}")
    Path domainFile;

    @CommandLine.Option(names = "--kind", defaultValue = "emulated", description = "emulated, openflow or srv6 (default: ${DEFAULT-VALUE})")
    String kind;

    @CommandLine.Option(names = "--telemetry-interval-ms", defaultValue = "0",
            description = "publish the domain's telemetry this often (default: ${DEFAULT-VALUE}: off; emulated domains only)")
    long telemetryMillis;

    @CommandLine.Option(names = "--report-interval-ms", defaultValue = "30000",
            description = "report what the domain holds this often, besides once at start (default: ${DEFAULT-VALUE}; 0: only at start)")
    long reportMillis;

    @CommandLine.Option(names = "--health-port", defaultValue = "8081",
            description = "port of GET /health (default: ${DEFAULT-VALUE}; 0: any free port, -1: none)")
    int healthPort;

    @CommandLine.Option(names = "--create-topics", description = "create missing topics with this many partitions")
    Integer partitions;

    public static void main(String[] args) {
        int code = ServiceProcess.configure(new AdapterMain(), "ADAPTER", args).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public Integer call() throws Exception {
        DomainFile file = DomainFile.read(domainFile);
        PathProvider provider = file.provider(DomainFile.kind(kind));
        Duration telemetry = telemetryMillis > 0 && provider instanceof TelemetrySource ? Duration.ofMillis(telemetryMillis) : null;
        if (partitions != null) {
            TopicInitializer.ensureTopics(bootstrapServers, partitions, (short) 1);
        }
        AdapterRunner runner = new AdapterRunner(bootstrapServers, provider, file.offers(), Map.of(), telemetry,
                reportMillis > 0 ? Duration.ofMillis(reportMillis) : null);
        try {
            runner.start();
        } catch (RuntimeException e) {
            runner.close();
            throw e;
        }
        ServiceProcess process = ServiceProcess.start("adapter-" + runner.providerId(), runner,
                () -> new ServiceProcess.Health(runner.isRunning(), health(runner)), healthPort);
        System.out.println("adapter " + runner.providerId() + " (" + kind + ") running on " + bootstrapServers + ": "
                + file.offers().size() + " offers advertised" + (process.healthPort() < 0 ? "" : "; health on http://127.0.0.1:"
                + process.healthPort() + "/health") + "; SIGTERM or Ctrl-C stops");
        process.awaitStop();
        return 0;
    }

    private static Map<String, Object> health(AdapterRunner r) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("provider", r.providerId().value());
        d.put("commandsHandedOff", r.handedOff());
        d.put("commandsSkipped", r.skipped());
        d.put("deadLettered", r.deadLettered());
        d.put("telemetryBatches", r.telemetryBatches());
        d.put("stateReports", r.stateReports());
        return d;
    }
}
