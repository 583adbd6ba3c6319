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
import java.util.Comparator;
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
    private final ChainStore store;
    private final ChainService chains;
    private final MarketReadModel market;
    private final Registry registry;
    private final ChainSelector reselector;
    private final Set<String> approvalBuyers;
    private final Map<String, Substitution.Trigger> degradedSubjects = new ConcurrentHashMap<>();
    /** Applies many chains' substitutions side by side (each its own transaction), as after a site failure. */
    private final ExecutorService workers;

    public SubstitutionService(ChainStore store, ChainService chains, MarketReadModel market, Registry registry,
                               @Named(SelectionFactory.RESELECTION) ChainSelector reselector,
                               @Value("${chainmarket.substitution.approval-buyers:}") List<String> approvalBuyers,
                               @Value("${chainmarket.substitution.parallelism}") int parallelism) {
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

    /** A degradation event: its id (for the idempotent consumer) and what it says. */
    public record Degraded(String eventId, Substitution.Trigger trigger) {
    }

    /** Monitoring reported a degraded instance or link. */
    public void degraded(String eventId, Substitution.Trigger trigger) {
        degraded(List.of(new Degraded(eventId, trigger)));
    }

    /**
     * Monitoring reported degraded instances or links, possibly many at once (a failing site): all are left out of
     * selection first, then every chain hit by any of them is re-selected in one batch, with the first trigger that
     * hit it.
     */
    public void degraded(List<Degraded> events) {
        if (events.isEmpty()) {
            return;
        }
        events.forEach(e -> {
            mark(e.trigger().kind(), e.trigger().subjectId(), true);
            degradedSubjects.put(e.trigger().kind() + ":" + e.trigger().subjectId(), e.trigger());
        });
        Map<String, ChainStore.Affected> affected = new LinkedHashMap<>();
        Map<String, Substitution.Trigger> triggers = new HashMap<>();
        for (Degraded e : events) {
            for (ChainStore.Affected a : store.degrade(e.eventId(), e.trigger(), false)) {
                affected.putIfAbsent(a.chainId(), a);
                triggers.putIfAbsent(a.chainId(), e.trigger());
            }
        }
        chains.applied(Holdings.NONE);
        if (!affected.isEmpty()) {
            substitute(List.copyOf(affected.values()), triggers::get);
        }
    }

    /**
     * Re-checks ACTIVE chains against what is degraded now: a chain that was being set up or substituted when its
     * instance or link degraded (for example onto another instance of a failing site) is substituted too.
     */
    @Scheduled(fixedDelay = "${chainmarket.substitution.reconcile-interval}", initialDelay = "2s")
    void reconcile() {
        if (workers.isShutdown()) {
            return;
        }
        for (Substitution.Trigger trigger : List.copyOf(degradedSubjects.values())) {
            List<ChainStore.Affected> affected = store.degrade(null, trigger, true);
            if (!affected.isEmpty()) {
                chains.applied(Holdings.NONE);
                substitute(affected, chain -> trigger);
            }
        }
    }

    /** Monitoring reported that a degraded instance or link recovered. */
    public void recovered(String eventId, String kind, String subjectId) {
        mark(kind, subjectId, false);
        degradedSubjects.remove(kind + ":" + subjectId);
        store.recover(eventId, kind, subjectId, this::usesDegraded).forEach(t -> chains.applied(t.holdings()));
        chains.applied(Holdings.NONE);
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
        Substitution.Trigger trigger = new Substitution.Trigger("OPERATOR", id, null, null, null, null, false, Instant.now(), List.of());
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

    private void substitute(List<ChainStore.Affected> affected, Function<String, Substitution.Trigger> triggerOf) {
        List<SelectionResult> results = reselect(affected);
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
        MarketSnapshot snapshot = market.snapshot();
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

    private void mark(String kind, String subjectId, boolean degraded) {
        if ("INSTANCE".equals(kind)) {
            market.setOfferDegraded(OfferId.of(subjectId), degraded);
        } else if ("LINK".equals(kind)) {
            market.setLinkDegraded(subjectId, degraded);
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
