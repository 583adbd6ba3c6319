package org.chainmarket.adapters.runner;

import org.chainmarket.adapters.api.PathProvider;
import org.chainmarket.adapters.api.TelemetrySource;
import org.chainmarket.schemas.process.ServiceOptions;
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
    @CommandLine.Mixin
    ServiceOptions service = new ServiceOptions(8081);

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

    public static void main(String[] args) {
        ServiceProcess.run(new AdapterMain(), "ADAPTER", args);
    }

    @Override
    public Integer call() throws Exception {
        DomainFile file = DomainFile.read(domainFile);
        PathProvider provider = file.provider(DomainFile.kind(kind));
        Duration telemetry = telemetryMillis > 0 && provider instanceof TelemetrySource ? Duration.ofMillis(telemetryMillis) : null;
        service.createTopics();
        AdapterRunner runner = new AdapterRunner(service.bootstrapServers(), provider, file.offers(), service.clientOverrides(), telemetry,
                reportMillis > 0 ? Duration.ofMillis(reportMillis) : null);
        try {
            runner.start();
        } catch (RuntimeException e) {
            runner.close();
            throw e;
        }
        ServiceProcess process = service.start("adapter-" + runner.providerId(), runner,
                () -> new ServiceProcess.Health(runner.isRunning(), health(runner)));
        process.runUntilStopped("adapter " + runner.providerId() + " (" + kind + ") running on " + service.bootstrapServers()
                + ": " + file.offers().size() + " offers advertised", null);
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
