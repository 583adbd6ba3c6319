package org.chainmarket.monitoring.service;

import org.chainmarket.monitoring.policy.ThresholdPolicy;
import org.chainmarket.schemas.process.ServiceOptions;
import org.chainmarket.schemas.process.ServiceProcess;
import picocli.CommandLine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * monitoring-ingest as its own program (the jar with its libraries in {@code lib/}). Configuration comes from
 * the command line, then {@code MONITORING_<OPTION>} environment variables, then the {@code --config} properties file
 * ({@link ServiceProcess#configure}); health is {@code GET /health} on {@code --health-port}; SIGTERM or Ctrl-C stops
 * it cleanly (consumers commit what they processed, output is flushed).
 */
@CommandLine.Command(name = "monitoring-ingest", mixinStandardHelpOptions = true,
        description = "Telemetry -> windowed context (compacted) and degradation events, with hysteresis.")
public final class MonitoringMain implements Callable<Integer> {
    @CommandLine.Mixin
    ServiceOptions service = new ServiceOptions(8082);

    @CommandLine.Option(names = "--group", description = "consumer group (default: ${DEFAULT-VALUE})", defaultValue = MonitoringService.GROUP_ID)
    String group;

    @CommandLine.Option(names = "--consumers", description = "telemetry consumer threads, one engine each (default: cores, at most 4)")
    Integer consumers;

    @CommandLine.Option(names = "--max-record-age-seconds", defaultValue = "30",
            description = "telemetry older than this when read is shed, counted (default: ${DEFAULT-VALUE}; 0: never)")
    long maxRecordAgeSeconds;

    @CommandLine.Option(names = "--policy", description = "policy properties file (see ThresholdPolicy)")
    Path policyFile;

    @CommandLine.Option(names = "--set", description = "policy setting key=value, e.g. instance.cpu=0.8/0.65, type.dpi.load=0.7/0.55, dwell.seconds=3")
    Map<String, String> settings = new LinkedHashMap<>();

    @CommandLine.Option(names = "--tick-ms", description = "heartbeat check and refresh period (default: ${DEFAULT-VALUE})", defaultValue = "500")
    long tickMillis;

    public static void main(String[] args) {
        ServiceProcess.run(new MonitoringMain(), "MONITORING", args);
    }

    @Override
    public Integer call() throws Exception {
        ThresholdPolicy policy = policyFile == null ? ThresholdPolicy.defaults() : ThresholdPolicy.load(policyFile);
        for (Map.Entry<String, String> e : settings.entrySet()) {
            policy = policy.with(e.getKey(), e.getValue());
        }
        service.createTopics();
        MonitoringService.Config config = MonitoringService.Config.defaults(service.bootstrapServers()).withGroupId(group)
                .withPolicy(policy).withTickInterval(Duration.ofMillis(tickMillis)).withClientOverrides(service.clientOverrides())
                .withMaxRecordAge(maxRecordAgeSeconds > 0 ? Duration.ofSeconds(maxRecordAgeSeconds) : null);
        if (consumers != null) {
            config = config.withConsumers(consumers);
        }
        MonitoringService monitoring = new MonitoringService(config);
        monitoring.start();
        ServiceProcess process = service.start("monitoring-ingest", monitoring, () -> new ServiceProcess.Health(
                monitoring.isRunning(), health(monitoring)));
        process.runUntilStopped("monitoring-ingest running on " + service.bootstrapServers() + " as group " + group + " with "
                + config.consumers() + " consumers", null);
        return 0;
    }

    private static Map<String, Object> health(MonitoringService s) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("samples", s.samplesIngested());
        d.put("batches", s.batchesIngested());
        d.put("lag", s.lag());
        d.put("shed", s.shed());
        d.put("refusedSamples", s.refusedSamples());
        d.put("deadLettered", s.deadLettered());
        d.put("contextUpdates", s.contextUpdates());
        d.put("degradationsDetected", s.degradationsDetected());
        d.put("degradationsCleared", s.degradationsCleared());
        return d;
    }
}
