package org.chainmarket.broker.chain;

import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.Substitution;
import org.chainmarket.selection.SelectionResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Carries out re-selection results, many chains side by side (as after a site failure): per chain, by its order's
 * policy or its buyer's, an automatic substitution starts at once ({@value #CHUNK} to a transaction), one needing
 * approval is proposed, and a chain nothing fits is recorded as such.
 */
@Singleton
class Substituter {
    /** How many automatic substitutions start in one transaction. */
    static final int CHUNK = 25;
    private static final Logger LOG = LoggerFactory.getLogger(Substituter.class);
    private final ChainTransactions tx;
    private final Reselection reselection;
    private final ReservationLedger ledger;
    private final ChainService chains;
    private final Set<String> approvalBuyers;
    private final ExecutorService workers;

    Substituter(ChainTransactions tx, Reselection reselection, ReservationLedger ledger, ChainService chains,
                @Value("${chainmarket.substitution.approval-buyers:}") List<String> approvalBuyers,
                @Value("${chainmarket.substitution.parallelism}") int parallelism) {
        this.tx = tx;
        this.reselection = reselection;
        this.ledger = ledger;
        this.chains = chains;
        this.approvalBuyers = Set.copyOf(approvalBuyers);
        this.workers = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "substitution");
            t.setDaemon(true);
            return t;
        });
    }

    /** Applies re-selection {@code results} (one per affected chain, in order), waiting until all are started. */
    void substitute(List<Affected> affected, List<SelectionResult> results, Function<String, Substitution.Trigger> triggerOf) {
        List<Runnable> work = new ArrayList<>();
        List<ChainTransactions.Start> automatic = new ArrayList<>();
        List<Affected> automaticChains = new ArrayList<>();
        for (int i = 0; i < affected.size(); i++) {
            Affected a = affected.get(i);
            SelectionResult r = results.get(i);
            Substitution.Trigger trigger = triggerOf.apply(a.chainId());
            if (r instanceof SelectionResult.Selected sel && policy(a) == Substitution.Policy.AUTOMATIC) {
                automatic.add(new ChainTransactions.Start(a.chainId(), trigger, sel.chain(), Substitution.Policy.AUTOMATIC));
                automaticChains.add(a);
            } else {
                work.add(() -> apply(a, r, trigger));
            }
        }
        // chains are locked in id order, as every other transaction that locks several does
        List<Integer> byId = new ArrayList<>();
        for (int i = 0; i < automatic.size(); i++) {
            byId.add(i);
        }
        byId.sort(Comparator.comparing(i -> automatic.get(i).chainId()));
        for (int from = 0; from < byId.size(); from += CHUNK) {
            List<Integer> chunk = byId.subList(from, Math.min(byId.size(), from + CHUNK));
            work.add(() -> {
                try {
                    tx.substituteAll(chunk.stream().map(automatic::get).toList(), chains.timeout());
                } catch (RuntimeException e) {
                    LOG.debug("starting {} substitutions together failed ({}); starting them one by one", chunk.size(), e.toString());
                    chunk.forEach(i -> start(automaticChains.get(i), automatic.get(i)));
                }
            });
        }
        runAll(work);
    }

    /** Starts one substitution, re-selecting once if a concurrent order took a new hop's capacity first. */
    void start(Affected a, ChainTransactions.Start s) {
        try {
            tx.substitute(s, chains.timeout());
            return;
        } catch (CapacityTakenException e) {
            ledger.refresh(e);
        }
        SelectionResult again = reselection.reselect(List.of(a)).get(0);
        if (again instanceof SelectionResult.Selected s2) {
            try {
                tx.substitute(new ChainTransactions.Start(s.chainId(), s.trigger(), s2.chain(), s.policy()), chains.timeout());
                return;
            } catch (CapacityTakenException e) {
                ledger.refresh(e);
            }
        }
        tx.noAlternative(a.chainId(), s.trigger(), s.policy(), "the capacity of every substitute was taken by other chains");
    }

    /** Proposes, starts or records as impossible one chain's substitution. */
    private void apply(Affected a, SelectionResult r, Substitution.Trigger trigger) {
        Substitution.Policy policy = policy(a);
        if (r instanceof SelectionResult.Selected s && policy == Substitution.Policy.APPROVAL) {
            tx.propose(a.chainId(), trigger, s.chain());
        } else if (r instanceof SelectionResult.Selected s) {
            start(a, new ChainTransactions.Start(a.chainId(), trigger, s.chain(), policy));
        } else if (r instanceof SelectionResult.Rejected rej) {
            tx.noAlternative(a.chainId(), trigger, policy, rej.reason());
        }
    }

    /** The chain's approval mode: its order's substitution policy, else its buyer's. */
    Substitution.Policy policy(Affected a) {
        if (a.order().substitutionPolicy() != null) {
            return a.order().substitutionPolicy();
        }
        return approvalBuyers.contains(a.order().buyerId()) ? Substitution.Policy.APPROVAL : Substitution.Policy.AUTOMATIC;
    }

    private void runAll(List<Runnable> work) {
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
    }

    boolean stopped() {
        return workers.isShutdown();
    }

    @PreDestroy
    void stop() {
        workers.shutdownNow();
    }

    /** The chain a substitution applies to, as it was when the substitution was chosen. */
    static Affected affected(ChainView now, ConcreteChain held) {
        return new Affected(now.chainId(), now.order(), held);
    }
}
