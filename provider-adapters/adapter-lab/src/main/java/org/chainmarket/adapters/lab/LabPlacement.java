package org.chainmarket.adapters.lab;

import org.chainmarket.adapters.api.HeldState;
import org.chainmarket.adapters.api.PathProvider;
import org.chainmarket.adapters.api.PathProviderService;
import org.chainmarket.adapters.api.PlacementProvider;
import org.chainmarket.adapters.api.PlacementProviderService;
import org.chainmarket.adapters.openflow.OpenFlowDomain;
import org.chainmarket.schemas.model.CatalogueEntry;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.InstanceAck;
import org.chainmarket.schemas.model.InstanceCommand;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.VnfOffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The lab's Open vSwitch provider carrying out placement for real: the OpenFlow adapter for paths, and VNF instances
 * started and stopped as namespaces. A start creates the instance as the lab creates its configured OVS VNFs
 * ({@link Lab#addOvsVnf}: a namespace with veths to the site's bridge and an nftables bump in the wire; a
 * {@code firewall} drops UDP to port 9), binds its ports in the OpenFlow adapter, advertises its offer and answers; a
 * stop of an instance no chain's rules lead into unbinds it, removes its namespace and ports, withdraws the offer and
 * answers; a drain marks it (the marketplace moves its chains). Refused, with the reason: a type the entry is not for, a
 * site that is not the domain's or the entry does not allow, a site without the entry's vCPU and memory free (the
 * instances the domain started count, with those it was built with of a catalogue type), a stop of an instance that
 * still carries chains, a stop of a configured instance (the lab keeps those). Commands are idempotent by command id
 * (the answer is repeated) and by offer (a start of a running instance, a stop of one that is gone, succeed).
 *
 * <p>Placement commands run one at a time on the provider's own thread, which also calls the callback; path commands
 * are the OpenFlow adapter's.
 */
public final class LabPlacement implements PathProvider, PlacementProvider {
    private static final Logger LOG = LoggerFactory.getLogger(LabPlacement.class);
    private static final Duration PORTS_TIMEOUT = Duration.ofSeconds(10);

    private enum State { RUNNING, DRAINING }

    private record Instance(VnfOffer offer, String switchId, double vcpu, double memoryGb, boolean configured) {
    }

    private final Lab lab;
    private final OpenFlowDomain ovs;
    private final Map<String, CatalogueEntry> catalogue = new LinkedHashMap<>();
    private final Map<String, ProviderDomain.Site> sites = new LinkedHashMap<>();
    private final Map<OfferId, Instance> instances = new LinkedHashMap<>();
    private final Map<OfferId, State> states = new LinkedHashMap<>();
    private final Map<String, InstanceAck> answers = new LinkedHashMap<>();
    private final ExecutorService worker;
    private volatile PlacementProviderService service;

    /**
     * @param ovs       the OpenFlow adapter of {@code lab}'s Open vSwitch domain
     * @param catalogue what the provider can run (entries of provider {@link Lab#OVS})
     */
    public LabPlacement(Lab lab, OpenFlowDomain ovs, List<CatalogueEntry> catalogue) {
        this.lab = Objects.requireNonNull(lab, "lab");
        this.ovs = Objects.requireNonNull(ovs, "ovs");
        ProviderDomain domain = ovs.domain();
        domain.sites().forEach(s -> sites.put(s.siteId(), s));
        for (CatalogueEntry e : catalogue) {
            if (!e.providerId().equals(domain.providerId())) {
                throw new IllegalArgumentException("catalogue entry " + e.key() + " belongs to another provider than " + domain.providerId());
            }
            this.catalogue.put(e.vnfType(), e);
        }
        for (VnfOffer o : lab.ovsOffers()) {
            CatalogueEntry e = this.catalogue.get(o.vnfType());
            instances.put(o.offerId(), new Instance(o, sites.get(o.siteId()).switchId(), e == null ? 0 : e.vcpu(),
                    e == null ? 0 : e.memoryGb(), true));
            states.put(o.offerId(), State.RUNNING);
        }
        worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "lab-placement-" + domain.providerId());
            t.setDaemon(true);
            return t;
        });
    }

    // ------------------------------------------------------------------------------------------------ paths

    @Override
    public ProviderDomain domain() {
        return ovs.domain();
    }

    @Override
    public void activate(PathProviderService service) {
        ovs.activate(service);
    }

    @Override
    public void apply(DomainCommand command) {
        ovs.apply(command);
    }

    @Override
    public Optional<HeldState> held() {
        return ovs.held();
    }

    /** Stops taking placement commands (the queued ones are carried out, up to 30 s), then closes the OpenFlow adapter. */
    @Override
    public void close() {
        worker.shutdown();
        try {
            worker.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ovs.close();
    }

    // ------------------------------------------------------------------------------------------------ placement

    @Override
    public List<CatalogueEntry> catalogue() {
        return List.copyOf(catalogue.values());
    }

    @Override
    public void activatePlacement(PlacementProviderService service) {
        this.service = Objects.requireNonNull(service, "service");
    }

    @Override
    public void start(InstanceCommand command, CatalogueEntry entry) {
        submit(command, () -> started(command, entry));
    }

    @Override
    public void drain(InstanceCommand command) {
        submit(command, () -> {
            if (!instances.containsKey(command.offerId())) {
                return ack(command, false, "no instance " + command.offerId() + " runs in domain " + Lab.OVS);
            }
            states.put(command.offerId(), State.DRAINING);
            return ack(command, true, "instance " + command.offerId() + " is draining");
        });
    }

    @Override
    public void stop(InstanceCommand command) {
        submit(command, () -> stopped(command));
    }

    /** Where an instance stands, if the domain runs it. */
    public synchronized Optional<String> state(OfferId offer) {
        return Optional.ofNullable(states.get(offer)).map(Enum::name);
    }

    private interface Work {
        InstanceAck run();
    }

    /** Queues a command on the provider's thread; a repeated command id gets its earlier answer. */
    private void submit(InstanceCommand c, Work work) {
        PlacementProviderService s = service;
        if (s == null) {
            throw new IllegalStateException("lab placement of " + Lab.OVS + " is not activated");
        }
        worker.execute(() -> {
            InstanceAck answer;
            synchronized (this) {
                answer = answers.get(c.commandId());
            }
            if (answer == null) {
                try {
                    answer = work.run();
                } catch (RuntimeException e) {
                    LOG.warn("{} of {} failed: {}", c.operation(), c.offerId(), e.toString());
                    answer = ack(c, false, c.operation().name().toLowerCase() + " of " + c.offerId() + " failed: " + e.getMessage());
                }
            }
            s.completed(answer);
        });
    }

    private InstanceAck started(InstanceCommand c, CatalogueEntry entry) {
        if (instances.containsKey(c.offerId())) {
            return ack(c, true, "instance " + c.offerId() + " runs already");
        }
        Optional<String> refusal = refusal(c, entry);
        if (refusal.isPresent()) {
            return ack(c, false, refusal.get());
        }
        String switchId = sites.get(c.siteId()).switchId();
        lab.addOvsVnf(c.offerId().value(), entry.vnfType(), switchId, entry.vnfType().equals("firewall"));
        try {
            ovs.bindVnf(switchId, c.offerId(), lab.ovsPorts(c.offerId().value()), PORTS_TIMEOUT);
        } catch (RuntimeException e) {
            lab.removeVnf(c.offerId().value());
            throw e;
        }
        VnfOffer offer = new VnfOffer(c.offerId(), Lab.OVS, entry.vnfType(), c.siteId(), entry.capacityMbps(), entry.maxChains(),
                entry.processingLatencyMs(), entry.pricePerHour(), entry.pricePerMbpsHour(), 0.999, entry.srAware(), entry.nshAware(),
                null, null);
        synchronized (this) {
            instances.put(c.offerId(), new Instance(offer, switchId, entry.vcpu(), entry.memoryGb(), false));
            states.put(c.offerId(), State.RUNNING);
        }
        service.advertise(offer);
        return ack(c, true, "instance " + c.offerId() + " runs at " + c.siteId() + " (namespace " + lab.ns(c.offerId().value()) + ")");
    }

    private InstanceAck stopped(InstanceCommand c) {
        Instance i = instances.get(c.offerId());
        if (i == null) {
            return ack(c, true, "instance " + c.offerId() + " does not run");
        }
        if (i.configured()) {
            return ack(c, false, "instance " + c.offerId() + " is one the lab was built with; it stays");
        }
        int carried = ovs.chainsOn(c.offerId());
        if (carried > 0) {
            return ack(c, false, "instance " + c.offerId() + " still carries " + carried + " chain" + (carried == 1 ? "" : "s")
                    + "; drain it first");
        }
        ovs.unbindVnf(i.switchId(), c.offerId());
        lab.removeVnf(c.offerId().value());
        synchronized (this) {
            instances.remove(c.offerId());
            states.remove(c.offerId());
        }
        service.withdraw(c.offerId());
        return ack(c, true, "instance " + c.offerId() + " stopped");
    }

    private Optional<String> refusal(InstanceCommand c, CatalogueEntry entry) {
        if (!entry.vnfType().equals(c.vnfType())) {
            return Optional.of("command " + c.commandId() + " asks for a " + c.vnfType() + " but the catalogue entry is for " + entry.vnfType());
        }
        if (!sites.containsKey(c.siteId())) {
            return Optional.of("site " + c.siteId() + " is not a site of domain " + Lab.OVS);
        }
        if (!entry.allows(c.siteId())) {
            return Optional.of("the catalogue entry " + entry.key() + " does not allow site " + c.siteId() + " (allowed: " + entry.siteIds() + ")");
        }
        ProviderDomain.Site s = sites.get(c.siteId());
        double cpu = s.cpuCores() - instances.values().stream().filter(i -> i.offer().siteId().equals(c.siteId())).mapToDouble(Instance::vcpu).sum();
        double memory = s.memoryGb() - instances.values().stream().filter(i -> i.offer().siteId().equals(c.siteId())).mapToDouble(Instance::memoryGb).sum();
        if (cpu + 1e-9 < entry.vcpu() || memory + 1e-9 < entry.memoryGb()) {
            return Optional.of("site " + c.siteId() + " has " + cpu + " of " + s.cpuCores() + " vCPU and " + memory + " of "
                    + s.memoryGb() + " GB memory free; an instance of " + entry.vnfType() + " needs " + entry.vcpu() + " vCPU and "
                    + entry.memoryGb() + " GB");
        }
        return Optional.empty();
    }

    /** An answer, cached by command id (kept: the last 10 000). */
    private synchronized InstanceAck ack(InstanceCommand c, boolean success, String reason) {
        InstanceAck a = new InstanceAck(c.commandId(), Lab.OVS, c.operation(), c.offerId(), success, reason, Instant.now());
        answers.put(c.commandId(), a);
        if (answers.size() > 10_000) {
            answers.remove(answers.keySet().iterator().next());
        }
        return a;
    }
}
