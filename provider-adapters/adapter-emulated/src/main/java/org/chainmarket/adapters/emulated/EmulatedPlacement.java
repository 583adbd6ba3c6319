package org.chainmarket.adapters.emulated;

import org.chainmarket.adapters.api.PlacementProviderService;
import org.chainmarket.schemas.model.CatalogueEntry;
import org.chainmarket.schemas.model.InstanceAck;
import org.chainmarket.schemas.model.InstanceCommand;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.VnfOffer;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * The emulated domain's VNF instances and the compute of its sites. A start takes the entry's vCPU and memory at the
 * site at once and, after the entry's boot time, advertises the instance as an offer and answers; a start the site
 * cannot hold, at a site the entry does not allow or of another type is refused with the reason. A drain marks the
 * instance (the marketplace moves its chains). A stop of an instance that still carries chains is refused; otherwise
 * it frees the compute, withdraws the offer and answers. Commands are idempotent by command id (the answer is
 * repeated) and by offer (a start of an instance that runs or boots, a stop of one that is gone, succeed). Instances
 * running when the domain starts take the compute of their type's catalogue entry, if it has one.
 *
 * <p>Thread-safe: state changes under one lock; the callback is called outside it.
 */
public final class EmulatedPlacement {
    /** Runs a task after a delay (the boot time): a timer thread in a domain, by hand in tests. */
    @FunctionalInterface
    public interface Scheduler {
        void after(Duration delay, Runnable task);
    }

    /** Where an instance stands. */
    public enum State { BOOTING, RUNNING, DRAINING }

    private static final class Instance {
        final VnfOffer offer;
        final double vcpu;
        final double memoryGb;
        State state;
        String startCommand;

        Instance(VnfOffer offer, double vcpu, double memoryGb, State state) {
            this.offer = offer;
            this.vcpu = vcpu;
            this.memoryGb = memoryGb;
            this.state = state;
        }
    }

    private final ProviderDomain domain;
    private final Map<String, CatalogueEntry> catalogue = new LinkedHashMap<>();
    private final Map<String, ProviderDomain.Site> sites = new LinkedHashMap<>();
    private final ToIntFunction<OfferId> chainsOn;
    private final Scheduler scheduler;
    private final Map<OfferId, Instance> instances = new LinkedHashMap<>();
    private final Map<String, InstanceAck> answers = new LinkedHashMap<>();
    private volatile PlacementProviderService service;

    /**
     * @param running  the instances that run when the domain starts (its advertised offers)
     * @param chainsOn how many chains an instance carries now (the domain's flow entries into it)
     */
    public EmulatedPlacement(ProviderDomain domain, List<CatalogueEntry> catalogue, List<VnfOffer> running,
                             ToIntFunction<OfferId> chainsOn, Scheduler scheduler) {
        this.domain = Objects.requireNonNull(domain, "domain");
        this.chainsOn = Objects.requireNonNull(chainsOn, "chainsOn");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        domain.sites().forEach(s -> sites.put(s.siteId(), s));
        for (CatalogueEntry e : catalogue) {
            if (!e.providerId().equals(domain.providerId())) {
                throw new IllegalArgumentException("catalogue entry " + e.key() + " belongs to another provider than "
                        + domain.providerId());
            }
            this.catalogue.put(e.vnfType(), e);
        }
        for (VnfOffer o : running) {
            CatalogueEntry e = this.catalogue.get(o.vnfType());
            instances.put(o.offerId(), new Instance(o, e == null ? 0 : e.vcpu(), e == null ? 0 : e.memoryGb(), State.RUNNING));
        }
    }

    /** What the domain can run. */
    public List<CatalogueEntry> catalogue() {
        return List.copyOf(catalogue.values());
    }

    public void activate(PlacementProviderService service) {
        this.service = Objects.requireNonNull(service, "service");
    }

    public void start(InstanceCommand c, CatalogueEntry entry) {
        InstanceAck answer;
        synchronized (this) {
            Instance known = instances.get(c.offerId());
            Optional<String> refusal = known != null ? Optional.empty() : refusal(c, entry);
            if (answers.containsKey(c.commandId())) {
                answer = answers.get(c.commandId());
            } else if (known != null && known.state == State.BOOTING) {
                known.startCommand = known.startCommand == null ? c.commandId() : known.startCommand;
                answer = known.startCommand.equals(c.commandId()) ? null : ack(c, true, "instance " + c.offerId() + " is booting");
            } else if (known != null) {
                answer = ack(c, true, "instance " + c.offerId() + " runs already");
            } else if (refusal.isPresent()) {
                answer = ack(c, false, refusal.get());
            } else {
                Instance booting = new Instance(offer(c, entry), entry.vcpu(), entry.memoryGb(), State.BOOTING);
                booting.startCommand = c.commandId();
                instances.put(c.offerId(), booting);
                scheduler.after(Duration.ofMillis(Math.round(entry.bootSeconds() * 1000)), () -> booted(c, booting));
                answer = null;
            }
        }
        if (answer != null) {
            answer(answer);
        }
    }

    public void drain(InstanceCommand c) {
        InstanceAck answer;
        synchronized (this) {
            Instance i = instances.get(c.offerId());
            if (answers.containsKey(c.commandId())) {
                answer = answers.get(c.commandId());
            } else if (i == null) {
                answer = ack(c, false, "no instance " + c.offerId() + " runs in domain " + domain.providerId());
            } else {
                i.state = State.DRAINING;
                answer = ack(c, true, "instance " + c.offerId() + " is draining");
            }
        }
        answer(answer);
    }

    public void stop(InstanceCommand c) {
        InstanceAck answer;
        boolean withdraw = false;
        synchronized (this) {
            Instance i = instances.get(c.offerId());
            int carried = i == null ? 0 : chainsOn.applyAsInt(c.offerId());
            if (answers.containsKey(c.commandId())) {
                answer = answers.get(c.commandId());
            } else if (i == null) {
                answer = ack(c, true, "instance " + c.offerId() + " does not run");
            } else if (carried > 0) {
                answer = ack(c, false, "instance " + c.offerId() + " still carries " + carried + " chain" + (carried == 1 ? "" : "s")
                        + "; drain it first");
            } else {
                instances.remove(c.offerId());
                withdraw = i.state != State.BOOTING;
                answer = ack(c, true, "instance " + c.offerId() + " stopped");
            }
        }
        if (withdraw) {
            service.withdraw(c.offerId());
        }
        answer(answer);
    }

    /** The offers of the instances that run (booted, draining included). */
    public synchronized List<VnfOffer> running() {
        return instances.values().stream().filter(i -> i.state != State.BOOTING).map(i -> i.offer).toList();
    }

    /** The instances that are draining. */
    public synchronized List<OfferId> draining() {
        return instances.values().stream().filter(i -> i.state == State.DRAINING).map(i -> i.offer.offerId()).toList();
    }

    /** Where an instance stands, if the domain has it. */
    public synchronized Optional<State> state(OfferId offer) {
        return Optional.ofNullable(instances.get(offer)).map(i -> i.state);
    }

    /** vCPU of the site no instance (running or booting) takes. */
    public synchronized double freeVcpu(String siteId) {
        return site(siteId).cpuCores() - used(siteId, true);
    }

    /** Memory (GB) of the site no instance (running or booting) takes. */
    public synchronized double freeMemoryGb(String siteId) {
        return site(siteId).memoryGb() - used(siteId, false);
    }

    private void booted(InstanceCommand c, Instance booting) {
        InstanceAck answer;
        synchronized (this) {
            if (instances.get(c.offerId()) != booting) {
                answer = ack(c, false, "instance " + c.offerId() + " was stopped before it finished booting");
            } else {
                booting.state = State.RUNNING;
                answer = ack(c, true, "instance " + c.offerId() + " runs at " + c.siteId());
            }
        }
        if (answer.success()) {
            service.advertise(booting.offer);
        }
        service.completed(answer);
    }


    private Optional<String> refusal(InstanceCommand c, CatalogueEntry entry) {
        if (!entry.vnfType().equals(c.vnfType())) {
            return Optional.of("command " + c.commandId() + " asks for a " + c.vnfType() + " but the catalogue entry is for "
                    + entry.vnfType());
        }
        if (!sites.containsKey(c.siteId())) {
            return Optional.of("site " + c.siteId() + " is not a site of domain " + domain.providerId());
        }
        if (!entry.allows(c.siteId())) {
            return Optional.of("the catalogue entry " + entry.key() + " does not allow site " + c.siteId() + " (allowed: "
                    + entry.siteIds() + ")");
        }
        double cpu = freeVcpu(c.siteId());
        double memory = freeMemoryGb(c.siteId());
        if (cpu + 1e-9 < entry.vcpu() || memory + 1e-9 < entry.memoryGb()) {
            ProviderDomain.Site s = site(c.siteId());
            return Optional.of("site " + c.siteId() + " has " + num(cpu) + " of " + s.cpuCores() + " vCPU and " + num(memory)
                    + " of " + s.memoryGb() + " GB memory free; an instance of " + entry.vnfType() + " needs " + entry.vcpu()
                    + " vCPU and " + num(entry.memoryGb()) + " GB");
        }
        return Optional.empty();
    }

    private double used(String siteId, boolean cpu) {
        return instances.values().stream().filter(i -> i.offer.siteId().equals(siteId)).mapToDouble(i -> cpu ? i.vcpu : i.memoryGb).sum();
    }

    private ProviderDomain.Site site(String siteId) {
        ProviderDomain.Site s = sites.get(siteId);
        if (s == null) {
            throw new IllegalArgumentException("site " + siteId + " is not a site of domain " + domain.providerId());
        }
        return s;
    }

    private VnfOffer offer(InstanceCommand c, CatalogueEntry e) {
        return new VnfOffer(c.offerId(), domain.providerId(), e.vnfType(), c.siteId(), e.capacityMbps(), e.maxChains(),
                e.processingLatencyMs(), e.pricePerHour(), e.pricePerMbpsHour(), 0.999, e.srAware(), e.nshAware(), null, null);
    }

    /** An answer, cached by command id (kept: the last 10 000). */
    private InstanceAck ack(InstanceCommand c, boolean success, String reason) {
        InstanceAck a = new InstanceAck(c.commandId(), domain.providerId(), c.operation(), c.offerId(), success, reason, Instant.now());
        answers.put(c.commandId(), a);
        if (answers.size() > 10_000) {
            answers.remove(answers.keySet().iterator().next());
        }
        return a;
    }

    private void answer(InstanceAck a) {
        service.completed(a);
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(java.util.Locale.ROOT, "%.1f", v);
    }

    /** Every instance's offer id and state, for logs and tests. */
    public synchronized Map<OfferId, State> states() {
        Map<OfferId, State> out = new LinkedHashMap<>();
        instances.forEach((id, i) -> out.put(id, i.state));
        return out;
    }
}
