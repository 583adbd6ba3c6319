package org.chainmarket.placement.service;

import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.process.ServiceOptions;
import org.chainmarket.schemas.process.ServiceProcess;
import picocli.CommandLine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The placement service as its own program. Configuration comes from the command line, then {@code PLACEMENT_<OPTION>}
 * environment variables, then the {@code --config} properties file ({@link ServiceProcess#configure}); health is
 * {@code GET /health} on {@code --health-port}; a status line is printed every 30 s; SIGTERM or Ctrl-C stops it.
 */
@CommandLine.Command(name = "placement-engine", mixinStandardHelpOptions = true,
        description = "Demand, capacity and instance state -> placement plans and instance start/drain/stop commands.")
public final class PlacementMain implements Callable<Integer> {
    @CommandLine.Mixin
    ServiceOptions service = new ServiceOptions(8091);

    @CommandLine.Option(names = "--period-seconds", description = "re-plan at least this often (default: ${DEFAULT-VALUE})", defaultValue = "300")
    long periodSeconds;

    @CommandLine.Option(names = "--min-gap-seconds", description = "no two plans closer than this (default: ${DEFAULT-VALUE})", defaultValue = "5")
    long minGapSeconds;

    @CommandLine.Option(names = "--rejection-threshold", description = "capacity rejections that trigger a re-plan (default: ${DEFAULT-VALUE})", defaultValue = "10")
    int rejectionThreshold;

    @CommandLine.Option(names = "--approval", split = ",", description = "providers whose decisions wait for approval")
    List<String> approval = new ArrayList<>();

    @CommandLine.Option(names = "--demand-horizon-seconds", description = "rejected demand no plan used is dropped when older (default: ${DEFAULT-VALUE})", defaultValue = "900")
    long demandHorizonSeconds;

    @CommandLine.Option(names = "--idle-grace-seconds", description = "an instance is stopped only after carrying no chain this long (default: ${DEFAULT-VALUE})", defaultValue = "120")
    long idleGraceSeconds;

    @CommandLine.Option(names = "--http-port", description = "approval API port, -1 for none (default: ${DEFAULT-VALUE})", defaultValue = "8090")
    int httpPort;

    public static void main(String[] args) {
        ServiceProcess.run(new PlacementMain(), "PLACEMENT", args);
    }

    @Override
    public Integer call() throws Exception {
        service.createTopics();
        Set<ProviderId> needs = new LinkedHashSet<>();
        approval.forEach(p -> needs.add(ProviderId.of(p)));
        PlacementService placement = new PlacementService(PlacementService.Config.defaults(service.bootstrapServers())
                .with(Duration.ofSeconds(periodSeconds), Duration.ofSeconds(minGapSeconds), rejectionThreshold, needs, httpPort)
                .withDemandHorizonAndIdleGrace(Duration.ofSeconds(demandHorizonSeconds), Duration.ofSeconds(idleGraceSeconds))
                .withClientOverrides(service.clientOverrides()));
        try {
            placement.start();
        } catch (RuntimeException e) {
            placement.close();
            throw e;
        }
        ServiceProcess process = service.start("placement-engine", placement,
                () -> new ServiceProcess.Health(placement.isRunning(), health(placement)));
        process.runUntilStopped("placement-engine running on " + service.bootstrapServers() + (placement.httpPort() < 0 ? ""
                : "; approvals at http://localhost:" + placement.httpPort() + "/api/v1/placement/plans"), Duration.ofSeconds(30));
        return 0;
    }

    private static Map<String, Object> health(PlacementService s) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("plans", s.plansPublished());
        d.put("commands", s.commandsSent());
        d.put("deadLettered", s.deadLettered());
        d.put("skipped", s.skipped());
        return d;
    }
}
