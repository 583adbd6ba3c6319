package org.chainmarket.adapters.emulated;

import org.chainmarket.adapters.api.FlowPlanner;
import org.chainmarket.adapters.api.HeldState;
import org.chainmarket.adapters.api.PlacementProvider;
import org.chainmarket.adapters.api.PlacementProviderService;
import org.chainmarket.adapters.api.PlanException;
import org.chainmarket.adapters.api.QueuedPathProvider;
import org.chainmarket.adapters.api.TelemetrySource;
import org.chainmarket.schemas.model.CatalogueEntry;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainAck.FlowEntry;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.InstanceAck;
import org.chainmarket.schemas.model.InstanceCommand;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.TelemetryBatch;
import org.chainmarket.schemas.model.VnfOffer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * An in-process SDN domain that does nothing but is honest about it, as ONOS's null providers: its switches keep
 * real flow tables in memory, and a SETUP installs exactly the entries that would steer the chain's traffic along
 * the lowest-latency intra-domain path through each VNF in order ({@link #trace} follows them packet by packet).
 *
 * <p>Commands run one at a time, in arrival order, on the domain's own thread; {@link #apply} only queues them.
 * A SETUP replaces the chain's entries make-before-break (changed and new entries first, then the stale ones
 * removed); a TEARDOWN removes every entry of the chain. A command id already answered is answered again from a
 * cache and not re-applied. Queries are thread-safe and may run while commands are applied.
 *
 * <p>As a {@link TelemetrySource} it reports operational data from a load model: each offer carries the bandwidth
 * of the chains whose entries send traffic into it, each link the bandwidth of the entries that forward over it
 * (see {@link #sample}); faults can be injected ({@link #makeHot}, {@link #kill}, {@link #failSite},
 * {@link #makeLinkHot}) to replay degradation scenarios.
 *
 * <p>As a {@link PlacementProvider} it starts, drains and stops VNF instances of its catalogue on its sites' compute
 * ({@link EmulatedPlacement}): a started instance boots for its catalogue boot time, then is advertised; an instance
 * carries the chains whose entries send traffic into it, and is not stopped while it carries any.
 */
public final class EmulatedDomain extends QueuedPathProvider implements TelemetrySource, PlacementProvider {
    /** The priority of every entry the domain installs. */
    public static final int PRIORITY = FlowPlanner.PRIORITY;

    private final FlowPlanner planner;
    private final Map<String, EmulatedSwitch> switches;
    private final ConcurrentMap<ChainId, List<FlowEntry>> chains = new ConcurrentHashMap<>();
    private final ConcurrentMap<ChainId, Double> bandwidth = new ConcurrentHashMap<>();
    private final TelemetryModel telemetry;
    private final AtomicLong applied = new AtomicLong();
    private volatile FaultMode faultMode = FaultMode.NONE;
    private final EmulatedPlacement placement;
    private final ScheduledExecutorService boots;
    /** Sees every change to a flow table ({@code INSTALL} or {@code REMOVE}) as it happens; for tests. */
    volatile BiConsumer<String, FlowEntry> flowModObserver = (kind, entry) -> { };

    /**
     * A domain with the switches, links and sites of {@code domain}, all flow tables empty.
     *
     * @throws IllegalArgumentException when the description is inconsistent (a link or site at an unknown switch, ...)
     */
    public EmulatedDomain(ProviderDomain domain) {
        this(domain, List.of());
    }

    /**
     * A domain that also reports telemetry for {@code offers} (its VNF instances: capacity, nominal processing
     * delay and site drive the load model), all flow tables empty.
     *
     * @throws IllegalArgumentException when the description is inconsistent, or an offer belongs to another provider
     *                                  or names a site the domain does not have
     */
    public EmulatedDomain(ProviderDomain domain, List<VnfOffer> offers) {
        this(domain, offers, List.of());
    }

    /**
     * A domain that reports telemetry for {@code offers} and can start instances of {@code catalogue}'s types at the
     * sites each entry allows (the offers count as running instances, taking their type's compute).
     *
     * @throws IllegalArgumentException as {@link #EmulatedDomain(ProviderDomain, List)}, or when a catalogue entry
     *                                  belongs to another provider
     */
    public EmulatedDomain(ProviderDomain domain, List<VnfOffer> offers, List<CatalogueEntry> catalogue) {
        super(domain, "emulated");
        this.telemetry = new TelemetryModel(domain, Objects.requireNonNull(offers, "offers"));
        this.planner = new FlowPlanner(domain);
        Map<String, EmulatedSwitch> byId = new LinkedHashMap<>();
        domain.switches().forEach(s -> byId.put(s.switchId(), new EmulatedSwitch(s.switchId())));
        this.switches = Collections.unmodifiableMap(byId);
        this.boots = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "emulated-boot-" + domain.providerId());
            t.setDaemon(true);
            return t;
        });
        this.placement = new EmulatedPlacement(domain, catalogue, offers, this::chainsOn,
                (delay, task) -> boots.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS));
    }

    @Override
    public List<CatalogueEntry> catalogue() {
        return placement.catalogue();
    }

    @Override
    public void activatePlacement(PlacementProviderService service) {
        Objects.requireNonNull(service, "service");
        // instances started at run time report telemetry like the configured ones: from their advertisement to their
        // withdrawal
        placement.activate(new PlacementProviderService() {
            @Override
            public void advertise(VnfOffer offer) {
                service.advertise(offer);
                telemetry.add(offer);
            }

            @Override
            public void withdraw(OfferId offerId) {
                telemetry.remove(offerId);
                service.withdraw(offerId);
            }

            @Override
            public void completed(InstanceAck ack) {
                service.completed(ack);
            }
        });
    }

    @Override
    public void start(InstanceCommand command, CatalogueEntry entry) {
        placement.start(command, entry);
    }

    @Override
    public void drain(InstanceCommand command) {
        placement.drain(command);
    }

    @Override
    public void stop(InstanceCommand command) {
        placement.stop(command);
    }

    /** The domain's instances and its sites' compute. */
    public EmulatedPlacement placement() {
        return placement;
    }

    /** How many chains have an entry that sends traffic into the instance. */
    public int chainsOn(OfferId offer) {
        String port = "output:vnf:" + offer.value();
        int n = 0;
        for (List<FlowEntry> entries : chains.values()) {
            if (entries.stream().anyMatch(e -> e.actions().contains(port))) {
                n++;
            }
        }
        return n;
    }

    @Override
    protected void release() {
        boots.shutdownNow();
    }

    /** Sets how commands applied from now on are treated. */
    public void setFaultMode(FaultMode mode) {
        this.faultMode = Objects.requireNonNull(mode, "mode");
    }

    /** The chain's entries in this domain, in path order; empty when it has none. */
    public List<FlowEntry> entriesOf(ChainId chainId) {
        return chains.getOrDefault(chainId, List.of());
    }

    /** The chains that have entries in this domain. */
    public Set<ChainId> chains() {
        return Set.copyOf(chains.keySet());
    }

    /** Every entry of every switch, switch by switch as the domain lists them. */
    public List<FlowEntry> allEntries() {
        List<FlowEntry> all = new ArrayList<>();
        switches.values().forEach(s -> all.addAll(s.flowTable()));
        return all;
    }

    /**
     * The flow table of one switch, by chain tag then in_port.
     *
     * @throws IllegalArgumentException when the switch is not in this domain
     */
    public List<FlowEntry> flowTable(String switchId) {
        return switchOf(switchId).flowTable();
    }

    /** How many commands changed the flow tables (repeats answered from the cache and failures not counted). */
    public long appliedCommands() {
        return applied.get();
    }

    /**
     * Follows a packet of {@code chainId} that has visited {@code stage} of its VNFs, arriving at {@code switchId} on
     * {@code inPort}, through the installed entries (its stage goes up by one at each VNF):
     * over {@code to:<neighbour>} ports to the neighbour, into a {@code vnf:<offerId>} port and back out of it, until
     * it leaves on a host or border port, finds no entry, or loops.
     *
     * @throws IllegalArgumentException when the switch is not in this domain
     */
    public PacketTrace trace(ChainId chainId, String switchId, String inPort, int stage) {
        switchOf(switchId);
        List<String> visited = new ArrayList<>();
        List<OfferId> vnfs = new ArrayList<>();
        String at = switchId;
        String port = inPort;
        Set<String> seen = new HashSet<>();
        while (seen.add(at + "|" + (stage + vnfs.size()) + "|" + port)) {
            visited.add(at);
            EmulatedSwitch sw = switches.get(at);
            FlowEntry entry = sw == null ? null : sw.lookup(chainId.value(), stage + vnfs.size(), port);
            if (entry == null) {
                String why = sw == null ? "switch '" + at + "' is not in domain " + domain().providerId()
                        : "no entry for chain " + chainId + " on switch '" + at + "' in_port '" + port + "'";
                return new PacketTrace(visited, vnfs, null, null, why);
            }
            String out = entry.actions().stream().filter(a -> a.startsWith("output:")).findFirst()
                    .map(a -> a.substring("output:".length())).orElse(null);
            if (out == null) {
                return new PacketTrace(visited, vnfs, null, null, "entry on switch '" + at + "' has no output action");
            }
            if (out.startsWith("to:")) {
                port = "to:" + at;
                at = out.substring("to:".length());
            } else if (out.startsWith("vnf:")) {
                vnfs.add(OfferId.of(out.substring("vnf:".length())));
                port = out;
            } else {
                return new PacketTrace(visited, vnfs, at, out, null);
            }
        }
        return new PacketTrace(visited, vnfs, null, null, "loop at switch '" + at + "' in_port '" + port + "'");
    }

    /**
     * The domain's operational data at {@code now}: one sample per offer given at construction or started since (from
     * its advertisement until it is withdrawn) and one per link
     * (intra-domain links, and border links whose local switch id sorts before the remote one, so that each border
     * link is reported once). An offer's throughput is the bandwidth of the chains whose entries output to it, its
     * load that over its capacity plus any {@link #makeHot extra load} (at most 1), CPU {@code 0.05 + load}, memory
     * {@code 0.2 + 0.3 load}, processing delay {@code nominal / (1 - min(load, 0.95))}; status {@code DEGRADED} at
     * full load. A {@link #kill killed} offer, or one at a {@link #failSite failed site}, reports {@code DOWN}, zeros
     * and a heartbeat counter that no longer moves; live offers' counters go up by one per call. A link's
     * utilization is its busier direction's chain bandwidth over its capacity (plus {@link #makeLinkHot extra}),
     * its delay the advertised latency plus {@code 0.1 ms * u / (1 - u)}, its loss {@code (u - 0.9) / 10} past 90 %.
     */
    @Override
    public TelemetryBatch sample(Instant now) {
        return telemetry.sample(Objects.requireNonNull(now, "now"), chains, bandwidth);
    }

    /** The offers this domain reports telemetry for, by id. */
    public Map<OfferId, VnfOffer> offers() {
        return telemetry.offers();
    }

    /**
     * Adds {@code extraLoad} (0..1) to the offer's load from now on, as if traffic outside the marketplace heated it.
     *
     * @throws IllegalArgumentException when the offer is not one of the domain's offers or extraLoad is out of range
     */
    public void makeHot(OfferId offerId, double extraLoad) {
        telemetry.makeHot(offerId, extraLoad);
    }

    /** Removes the offer's injected extra load. */
    public void cool(OfferId offerId) {
        telemetry.cool(offerId);
    }

    /** Kills the instance: it reports {@code DOWN} and its heartbeats stop until {@link #revive}. */
    public void kill(OfferId offerId) {
        telemetry.kill(offerId);
    }

    /** Brings a killed instance back; its heartbeats go on from where they stopped. */
    public void revive(OfferId offerId) {
        telemetry.revive(offerId);
    }

    /** Fails a whole site: every instance there reports {@code DOWN} and stops its heartbeats until {@link #restoreSite}. */
    public void failSite(String siteId) {
        telemetry.failSite(siteId);
    }

    public void restoreSite(String siteId) {
        telemetry.restoreSite(siteId);
    }

    /** Whether the instance is down (killed, or at a failed site). */
    public boolean isDown(OfferId offerId) {
        return telemetry.isDown(offerId);
    }

    /**
     * Adds {@code extraUtilization} (0..1) to a link's utilization from now on (switches getting hot).
     *
     * @throws IllegalArgumentException when the domain does not report that link, or the value is out of range
     */
    public void makeLinkHot(String a, String b, double extraUtilization) {
        telemetry.makeLinkHot(a, b, extraUtilization);
    }

    public void coolLink(String a, String b) {
        telemetry.coolLink(a, b);
    }

    /**
     * The fault mode as the command is applied: {@code FAIL} answers {@code injected failure} (cached like any answer),
     * {@code SILENT} drops the command without answering or caching it.
     */
    @Override
    protected Function<DomainCommand, DomainAck> treatment(DomainCommand command) {
        return switch (faultMode) {
            case NONE -> super.treatment(command);
            case FAIL -> c -> failure(c, "injected failure");
            case SILENT -> null;
        };
    }

    /**
     * Every switch's flow table read back and grouped by chain tag: a complete list of what the domain holds, whatever
     * commands it was told (so a domain restarted empty says so, and the marketplace re-installs what it needs).
     */
    @Override
    protected HeldState list() {
        Map<ChainId, List<FlowEntry>> held = new HashMap<>();
        for (FlowEntry e : allEntries()) {
            held.computeIfAbsent(ChainId.of(e.chainTag()), k -> new ArrayList<>()).add(e);
        }
        return new HeldState(Instant.now(), true, held);
    }

    @Override
    protected DomainAck carryOut(DomainCommand command) {
        if (command.operation() == DomainCommand.Operation.TEARDOWN) {
            replace(command.chainId(), List.of());
            bandwidth.remove(command.chainId());
            applied.incrementAndGet();
            return success(command, List.of());
        }
        List<FlowEntry> entries;
        try {
            entries = planner.plan(command.chainId(), command.segments());
        } catch (PlanException e) {
            return failure(command, e.getMessage());
        }
        bandwidth.put(command.chainId(), command.bandwidthMbps());
        replace(command.chainId(), entries);
        applied.incrementAndGet();
        return success(command, entries);
    }

    /** Make-before-break: installs what is new or changed, then removes what the new set no longer has. */
    private void replace(ChainId chain, List<FlowEntry> next) {
        List<FlowEntry> old = chains.getOrDefault(chain, List.of());
        Map<SwitchPort, FlowEntry> oldByPort = new HashMap<>();
        old.forEach(e -> oldByPort.put(SwitchPort.of(e), e));
        Set<SwitchPort> nextPorts = new HashSet<>();
        for (FlowEntry e : next) {
            nextPorts.add(SwitchPort.of(e));
            if (!e.equals(oldByPort.get(SwitchPort.of(e)))) {
                switches.get(e.switchId()).install(e);
                flowModObserver.accept("INSTALL", e);
            }
        }
        if (next.isEmpty()) {
            chains.remove(chain);
        } else {
            chains.put(chain, next);
        }
        for (FlowEntry e : old) {
            if (!nextPorts.contains(SwitchPort.of(e))) {
                switches.get(e.switchId()).remove(e);
                flowModObserver.accept("REMOVE", e);
            }
        }
    }

    private EmulatedSwitch switchOf(String switchId) {
        EmulatedSwitch sw = switches.get(switchId);
        if (sw == null) {
            throw new IllegalArgumentException("unknown switch '" + switchId + "' in domain " + domain().providerId());
        }
        return sw;
    }

    private record SwitchPort(String switchId, EmulatedSwitch.Match match) {
        static SwitchPort of(FlowEntry e) {
            return new SwitchPort(e.switchId(), EmulatedSwitch.Match.of(e));
        }
    }
}
