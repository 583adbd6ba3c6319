package org.chainmarket.broker.chain;

import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import io.micronaut.context.annotation.Context;
import org.chainmarket.broker.registry.MarketReadModel;
import org.chainmarket.broker.registry.Registry;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.Metric;
import org.chainmarket.schemas.model.SubjectKind;
import org.chainmarket.schemas.model.Substitution;
import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.ChainSelector;
import org.chainmarket.selection.Encapsulation;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.SelectionResult;
import org.chainmarket.selection.network.NetLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Keeps bought chains good. A degradation marks the instance or link degraded in the read model (selection leaves
 * it out), marks the chains using it DEGRADED, and re-selects all of them at once on a snapshot where their own
 * holds are given back, preferring to keep every hop that still works (stability). Each chain is then substituted
 * make-before-break, or the substitution is proposed to an operator (the chain's or buyer's policy), or, when
 * nothing fits, recorded as such (and the chain fails when its hop is down). Operators approve proposals, roll
 * completed substitutions back once the old hops are healthy, and acknowledge them.
 */
@Context
public class SubstitutionService {
    private static final Logger LOG = LoggerFactory.getLogger(SubstitutionService.class);
    /** How many automatic substitutions start in one transaction. */
    static final int CHUNK = 25;
    /** Metrics that grow with the chains a subject carries: moving some of its chains brings them down. */
    static final Set<Metric> CAPACITY_METRICS = EnumSet.of(Metric.LOAD, Metric.CPU, Metric.PROCESSING_DELAY, Metric.UTILIZATION);
    /** Capacity metrics read as the share of the subject's capacity in use (CPU follows the traffic an instance carries). */
    static final Set<Metric> SHARE_METRICS = EnumSet.of(Metric.LOAD, Metric.CPU, Metric.UTILIZATION);
    private final ChainStore store;
    private final ChainService chains;
    private final MarketReadModel market;
    private final Registry registry;
    private final ChainSelector reselector;
    private final Set<String> approvalBuyers;
    /** Degraded subjects ("INSTANCE:id", "LINK:a|b") and, per degraded metric, the trigger that reported it. */
    private final Map<String, Map<String, Substitution.Trigger>> degradedSubjects = new ConcurrentHashMap<>();
    private final double relieveTo;
    private final double latencyWeight;
    /** Applies many chains' substitutions side by side (each its own transaction), as after a site failure. */
    private final ExecutorService workers;

    public SubstitutionService(ChainStore store, ChainService chains, MarketReadModel market, Registry registry,
                               @Named(SelectionFactory.RESELECTION) ChainSelector reselector,
                               @Value("${chainmarket.substitution.approval-buyers:}") List<String> approvalBuyers,
                               @Value("${chainmarket.substitution.parallelism}") int parallelism,
                               @Value("${chainmarket.substitution.relieve-to}") double relieveTo,
                               @Value("${chainmarket.latency-weight}") double latencyWeight) {
        this.relieveTo = relieveTo;
        this.latencyWeight = latencyWeight;
        this.workers = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "substitution");
            t.setDaemon(true);
            return t;
        });
        this.store = store;
        this.chains = chains;
        this.market = market;
        this.registry = registry;
        this.reselector = reselector;
        this.approvalBuyers = Set.copyOf(approvalBuyers);
    }

    /**
     * A degradation event: its id (for the idempotent consumer), what it says, and the value under which monitoring
     * clears it (the level a hot subject is relieved to).
     */
    public record Degraded(String eventId, Substitution.Trigger trigger, double clearThreshold) {
    }

    /**
     * Monitoring reported degraded instances or links, possibly many at once (a failing site). A subject that is down
     * or unfit is left out of selection and emptied: every chain on it, over all the events, is re-selected in one
     * batch (with the first trigger that hit it). A subject that is only hot (a {@link #CAPACITY_METRICS capacity
     * metric}) stays open to orders and is relieved once per episode: only as many of its chains move as bring it
     * under the clear threshold.
     */
    public void degraded(List<Degraded> events) {
        if (events.isEmpty()) {
            return;
        }
        List<Degraded> empty = new ArrayList<>();
        List<Degraded> relieve = new ArrayList<>();
        for (Degraded e : events) {
            Substitution.Trigger t = e.trigger();
            Map<String, Substitution.Trigger> metrics = degradedSubjects.computeIfAbsent(t.kind() + ":" + t.subjectId(),
                    k -> new ConcurrentHashMap<>());
            boolean wasDegraded = !metrics.isEmpty();
            metrics.put(t.metric() == null ? "" : t.metric().wireName(), t);
            MarketReadModel.Health health = health(metrics.values());
            mark(t.kind().name(), t.subjectId(), health);
            if (health == MarketReadModel.Health.OUT) {
                empty.add(e);
            } else if (!wasDegraded) {
                relieve.add(e);
            }
        }
        Map<String, ChainStore.Affected> affected = new LinkedHashMap<>();
        Map<String, Substitution.Trigger> triggers = new HashMap<>();
        for (Degraded e : empty) {
            for (ChainStore.Affected a : store.degrade(e.eventId(), e.trigger(), null, false)) {
                affected.putIfAbsent(a.chainId(), a);
                triggers.putIfAbsent(a.chainId(), e.trigger());
            }
        }
        chains.applied(Holdings.NONE);
        if (!affected.isEmpty()) {
            List<ChainStore.Affected> hit = List.copyOf(affected.values());
            substitute(hit, reselect(hit), triggers::get);
        }
        relieve.forEach(this::relieve);
    }

    /**
     * Moves the fewest chains off a hot subject that bring the load expected on it under its clear threshold: those
     * whose substitutes cost least first (latency-weighted price), then, if that is not enough, chains no substitute
     * fits (recorded as such; they stay DEGRADED until the subject recovers).
     */
    private void relieve(Degraded e) {
        Substitution.Trigger t = e.trigger();
        List<ChainStore.Affected> on = store.chainsOn(t.kind().name(), t.subjectId());
        Optional<MarketReadModel.Load> load = market.load(t.kind().name(), t.subjectId());
        double shed = on.isEmpty() || load.isEmpty() ? 0 : mbpsToShed(t, e.clearThreshold(), relieveTo, load.get());
        if (shed <= 0) {
            return;
        }
        List<SelectionResult> results = reselect(on);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < on.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble(i -> costOfMoving(on.get(i), results.get(i))));
        Map<String, SelectionResult> picked = new HashMap<>();
        double moved = 0;
        for (int i : order) {
            if (moved >= shed) {
                break;
            }
            picked.put(on.get(i).chainId(), results.get(i));
            moved += on.get(i).order().bandwidthMbps();
        }
        if (picked.isEmpty()) {
            return;
        }
        List<ChainStore.Affected> degraded = store.degrade(e.eventId(), t, picked.keySet(), false);
        chains.applied(Holdings.NONE);
        if (!degraded.isEmpty()) {
            substitute(degraded, degraded.stream().map(a -> picked.get(a.chainId())).toList(), chain -> t);
        }
    }

    /**
     * The bandwidth to move off a hot subject: what its chains hold beyond the level it is relieved to (the clear
     * threshold of a {@link #SHARE_METRICS share} degradation, at most {@code relieveTo} of its capacity), after the
     * load that is not the chains' own (measured above what they hold: the trigger's value for a share metric,
     * monitoring's measured load otherwise). All of it when that other load alone is over the level.
     */
    static double mbpsToShed(Substitution.Trigger t, double clearThreshold, double relieveTo, MarketReadModel.Load load) {
        boolean share = SHARE_METRICS.contains(t.metric());
        double target = share ? Math.min(relieveTo, clearThreshold) : relieveTo;
        double own = load.capacityMbps() > 0 ? load.heldMbps() / load.capacityMbps() : 0;
        double measured = share && t.value() != null ? t.value() : load.measured();
        double others = Math.max(0, measured - own);
        return load.heldMbps() - Math.max(0, target - others) * load.capacityMbps();
    }

    /** What moving a chain costs: its substitute's latency-weighted price over its current one; infinite when none fits. */
    private double costOfMoving(ChainStore.Affected a, SelectionResult r) {
        if (!(r instanceof SelectionResult.Selected s)) {
            return Double.POSITIVE_INFINITY;
        }
        return s.chain().pricePerHour() + latencyWeight * s.chain().latencyMs() - a.chain().pricePerHour() - latencyWeight * a.chain().latencyMs();
    }

    /**
     * Re-checks ACTIVE chains against the subjects left out now: a chain that was being set up or substituted when
     * its instance or link went down (for example onto another instance of a failing site) is substituted too. Hot
     * subjects are relieved once, when they turn hot.
     */
    @Scheduled(fixedDelay = "${chainmarket.substitution.reconcile-interval}", initialDelay = "2s")
    void reconcile() {
        if (workers.isShutdown()) {
            return;
        }
        for (Map<String, Substitution.Trigger> metrics : List.copyOf(degradedSubjects.values())) {
            if (health(metrics.values()) != MarketReadModel.Health.OUT) {
                continue;
            }
            // the fatal trigger first, if any: it is what the chains are told
            Substitution.Trigger trigger = metrics.values().stream().min(Comparator.comparing(t -> !t.fatal())).orElse(null);
            List<ChainStore.Affected> affected = trigger == null ? List.of() : store.degrade(null, trigger, null, true);
            if (!affected.isEmpty()) {
                chains.applied(Holdings.NONE);
                substitute(affected, reselect(affected), chain -> trigger);
            }
        }
    }

    /**
     * Monitoring reported that a metric of a degraded instance or link is back within its threshold; once none of its
     * metrics is degraded any more, chains left DEGRADED on it become ACTIVE again.
     */
    public void recovered(String eventId, String kind, String subjectId, String metric) {
        String key = kind + ":" + subjectId;
        Map<String, Substitution.Trigger> metrics = degradedSubjects.get(key);
        if (metrics != null) {
            metrics.remove(metric == null ? "" : metric);
            if (!metrics.isEmpty()) {
                mark(kind, subjectId, health(metrics.values()));
                return;
            }
        }
        degradedSubjects.remove(key);
        mark(kind, subjectId, MarketReadModel.Health.OK);
        store.recover(eventId, kind, subjectId, this::usesDegraded).forEach(t -> chains.applied(t.holdings()));
        chains.applied(Holdings.NONE);
    }

    /** Down (a fatal metric) or unfit (a metric that moving some chains does not cure) is OUT; otherwise hot. */
    static MarketReadModel.Health health(Collection<Substitution.Trigger> degraded) {
        if (degraded.isEmpty()) {
            return MarketReadModel.Health.OK;
        }
        return degraded.stream().anyMatch(t -> t.fatal() || !CAPACITY_METRICS.contains(t.metric()))
                ? MarketReadModel.Health.OUT : MarketReadModel.Health.HOT;
    }

    /** Applies an operator's approval of a proposed substitution (re-selecting if its capacity is gone meanwhile). */
    public Substitution approve(String id) {
        Substitution s = store.substitution(id).orElseThrow(() -> new NotFound("substitution", id));
        if (s.status() != Substitution.Status.PROPOSED) {
            throw new OperationConflictException("Substitution " + id + " is " + s.status() + "; only a PROPOSED one can be approved.");
        }
        ChainStore.Affected chain = affected(s);
        if (!begin(chain, s.trigger(), s.after(), Substitution.Policy.APPROVAL, s.substitutionId(), null)) {
            SelectionResult again = reselect(List.of(chain)).get(0);
            if (!(again instanceof SelectionResult.Selected sel)
                    || !begin(chain, s.trigger(), sel.chain(), Substitution.Policy.APPROVAL, s.substitutionId(), null)) {
                throw new OperationConflictException("The capacity this substitution needs was taken and no other substitute fits now.");
            }
        }
        return store.substitution(id).orElseThrow();
    }

    /** Moves a chain back to the hops it had before a completed substitution, once they are healthy again. */
    public Substitution rollback(String id) {
        Substitution s = store.substitution(id).orElseThrow(() -> new NotFound("substitution", id));
        if (s.status() != Substitution.Status.COMPLETED) {
            throw new OperationConflictException("Substitution " + id + " is " + s.status() + "; only a COMPLETED one can be rolled back.");
        }
        ChainView now = chains.view(s.chainId().value()).orElseThrow();
        if (!now.hops().equals(s.after().hops())) {
            throw new OperationConflictException("Chain " + s.chainId() + " changed since substitution " + id + "; roll back its latest substitution.");
        }
        for (int hop : s.changedHops()) {
            OfferId old = s.before().hops().get(hop).offerId();
            if (market.isOfferDegraded(old)) {
                throw new OperationConflictException("Hop " + (hop + 1) + "'s old instance " + old + " is still degraded.");
            }
        }
        if (usesDegraded(s.before())) {
            throw new OperationConflictException("The old path of chain " + s.chainId() + " still crosses a degraded link.");
        }
        Substitution.Trigger trigger = new Substitution.Trigger(SubjectKind.OPERATOR, id, null, null, null, null, false, Instant.now(), List.of());
        if (!begin(affected(s), trigger, s.before(), Substitution.Policy.AUTOMATIC, null, id)) {
            throw new OperationConflictException("The old hops' capacity is taken by other chains now.");
        }
        return store.substitutions(s.chainId().value(), null, "OPERATOR", null, 1).get(0);
    }

    public Substitution acknowledge(String id, String operator) {
        Substitution s = store.acknowledgeSubstitution(id, operator).orElseThrow(() -> new NotFound("substitution", id));
        chains.applied(Holdings.NONE);
        return s;
    }

    public Optional<Substitution> substitution(String id) {
        return store.substitution(id);
    }

    public List<Substitution> substitutions(String chainId, String provider, String triggerKind, Substitution.Status status, int limit) {
        return store.substitutions(chainId, provider, triggerKind, status, limit);
    }

    /** Applies re-selection {@code results} (one per affected chain, in order). */
    private void substitute(List<ChainStore.Affected> affected, List<SelectionResult> results, Function<String, Substitution.Trigger> triggerOf) {
        List<Runnable> work = new ArrayList<>();
        List<Planned> automatic = new ArrayList<>();
        for (int i = 0; i < affected.size(); i++) {
            ChainStore.Affected a = affected.get(i);
            SelectionResult r = results.get(i);
            Substitution.Trigger trigger = triggerOf.apply(a.chainId());
            if (r instanceof SelectionResult.Selected sel && policy(a) == Substitution.Policy.AUTOMATIC) {
                automatic.add(new Planned(a, new ChainStore.Start(a.chainId(), trigger, sel.chain(), Substitution.Policy.AUTOMATIC)));
            } else {
                work.add(() -> apply(a, r, trigger));
            }
        }
        // chains are locked in id order, as every other transaction that locks several does
        automatic.sort(Comparator.comparing(p -> p.start().chainId()));
        for (int from = 0; from < automatic.size(); from += CHUNK) {
            List<Planned> chunk = automatic.subList(from, Math.min(automatic.size(), from + CHUNK));
            work.add(() -> {
                try {
                    chains.applied(store.beginSubstitutions(chunk.stream().map(Planned::start).toList(), chains.timeout()));
                } catch (RuntimeException e) {
                    LOG.debug("starting {} substitutions together failed ({}); starting them one by one", chunk.size(), e.toString());
                    chunk.forEach(p -> start(p.chain(), p.start().trigger(), p.start().after(), Substitution.Policy.AUTOMATIC));
                }
            });
        }
        List<Future<?>> started = new ArrayList<>();
        for (Runnable w : work) {
            started.add(workers.submit(() -> {
                try {
                    w.run();
                } catch (OperationConflictException e) {
                    LOG.info("a chain moved on while it was re-selected: {}", e.getMessage());
                }
            }));
        }
        for (Future<?> f : started) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                LOG.warn("substitution failed: {}", e.getCause().toString());
            }
        }
        chains.applied(Holdings.NONE);
    }

    @PreDestroy
    void stop() {
        workers.shutdownNow();
    }

    /** Proposes, starts or records as impossible one chain's substitution. */
    private void apply(ChainStore.Affected a, SelectionResult r, Substitution.Trigger trigger) {
        Substitution.Policy policy = policy(a);
        if (r instanceof SelectionResult.Selected s && policy == Substitution.Policy.APPROVAL) {
            chains.applied(store.propose(a.chainId(), trigger, s.chain()));
        } else if (r instanceof SelectionResult.Selected s) {
            start(a, trigger, s.chain(), policy);
        } else if (r instanceof SelectionResult.Rejected rej) {
            store.noAlternative(a.chainId(), trigger, policy, rej.reason()).ifPresent(t -> chains.applied(t.holdings()));
        }
    }

    /** Starts one substitution, re-selecting once if a concurrent order took a new hop's capacity first. */
    private void start(ChainStore.Affected a, Substitution.Trigger trigger, ConcreteChain after, Substitution.Policy policy) {
        if (!begin(a, trigger, after, policy, null, null)) {
            SelectionResult again = reselect(List.of(a)).get(0);
            if (!(again instanceof SelectionResult.Selected s2) || !begin(a, trigger, s2.chain(), policy, null, null)) {
                store.noAlternative(a.chainId(), trigger, policy, "the capacity of every substitute was taken by other chains")
                        .ifPresent(t -> chains.applied(t.holdings()));
            }
        }
    }

    /** An automatic substitution planned for one chain. */
    private record Planned(ChainStore.Affected chain, ChainStore.Start start) {
    }

    /** Re-selects the chains together on a snapshot where their own holds are given back. */
    private List<SelectionResult> reselect(List<ChainStore.Affected> affected) {
        MarketSnapshot snapshot = market.reselectionSnapshot();
        List<ChainRequest> requests = new ArrayList<>();
        for (ChainStore.Affected a : affected) {
            snapshot = snapshot.withoutChain(a.chain(), a.order().bandwidthMbps());
            requests.add(new ChainRequest(a.chainId(), a.order(), Encapsulation.NONE,
                    a.chain().hops().stream().map(ConcreteChain.Hop::offerId).toList()));
        }
        return reselector.selectBatch(snapshot, requests);
    }

    /** Starts a substitution; false when a concurrent order took a new hop's capacity first. */
    private boolean begin(ChainStore.Affected a, Substitution.Trigger trigger, ConcreteChain after, Substitution.Policy policy,
                          String proposalId, String rollbackOf) {
        try {
            chains.applied(store.beginSubstitution(a.chainId(), trigger, after, policy, proposalId, rollbackOf, chains.timeout()));
            return true;
        } catch (CapacityTakenException e) {
            registry.offer(e.offerId()).ifPresent(o -> market.setReservation(OfferId.of(o.id), o.reservedMbps, o.reservedChains));
            return false;
        } catch (IllegalStateException e) {
            throw new OperationConflictException(e.getMessage());
        }
    }

    private ChainStore.Affected affected(Substitution s) {
        ChainView v = chains.view(s.chainId().value()).orElseThrow(() -> new NotFound("chain", s.chainId().value()));
        // the chain's hops now: after a completed substitution its "after", before one is applied its "before"
        return new ChainStore.Affected(v.chainId(), v.order(), s.status() == Substitution.Status.COMPLETED ? s.after() : s.before());
    }

    private Substitution.Policy policy(ChainStore.Affected a) {
        if (a.order().substitutionPolicy() != null) {
            return a.order().substitutionPolicy();
        }
        return approvalBuyers.contains(a.order().buyerId()) ? Substitution.Policy.APPROVAL : Substitution.Policy.AUTOMATIC;
    }

    private void mark(String kind, String subjectId, MarketReadModel.Health health) {
        if ("INSTANCE".equals(kind)) {
            market.setOfferHealth(OfferId.of(subjectId), health);
        } else if ("LINK".equals(kind)) {
            market.setLinkHealth(subjectId, health);
        }
    }

    /** Whether a chain uses a degraded offer or crosses a degraded link. */
    private boolean usesDegraded(ConcreteChain chain) {
        if (chain.hops().stream().anyMatch(h -> market.isOfferDegraded(h.offerId()))) {
            return true;
        }
        for (int i = 1; i < chain.path().size(); i++) {
            String a = chain.path().get(i - 1).switchId();
            String b = chain.path().get(i).switchId();
            if (!a.equals(b) && market.isLinkDegraded(NetLink.key(a, b))) {
                return true;
            }
        }
        return false;
    }

    /** An unknown id (answered 404). */
    public static final class NotFound extends RuntimeException {
        private final String what;
        private final String id;

        public NotFound(String what, String id) {
            super("There is no " + what + " with id '" + id + "'.");
            this.what = what;
            this.id = id;
        }

        public String what() {
            return what;
        }

        public String id() {
            return id;
        }
    }
}
