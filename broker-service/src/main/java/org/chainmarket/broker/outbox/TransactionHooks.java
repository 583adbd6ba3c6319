package org.chainmarket.broker.outbox;

import io.micronaut.transaction.TransactionOperations;
import io.micronaut.transaction.TransactionStatus;
import io.micronaut.transaction.support.TransactionSynchronization;
import jakarta.inject.Singleton;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Work tied to the current transaction's end: a {@link TransactionSynchronization} registered at most once per
 * transaction and key, so a writer can collect what the transaction does and act on it just before or after the
 * commit (the capacity ledger's counters, the read model, waking the outbox relay).
 */
@Singleton
public class TransactionHooks {
    private final TransactionOperations<?> transactions;
    private final ThreadLocal<Registered> current = new ThreadLocal<>();

    public TransactionHooks(TransactionOperations<?> transactions) {
        this.transactions = transactions;
    }

    /** The hook registered under {@code key} in the current transaction, created (and registered) on first use. */
    @SuppressWarnings("unchecked")
    public <T extends TransactionSynchronization> T once(Object key, Supplier<T> create) {
        TransactionStatus<?> status = transactions.findTransactionStatus()
                .orElseThrow(() -> new IllegalStateException("a transaction hook needs a transaction"));
        Registered r = current.get();
        if (r == null || r.status != status) {
            Registered fresh = new Registered(status);
            current.set(fresh);
            status.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(Status s) {
                    if (current.get() == fresh) {
                        current.remove();
                    }
                }
            });
            r = fresh;
        }
        Registered registered = r;
        return (T) r.hooks.computeIfAbsent(key, k -> {
            T hook = create.get();
            registered.status.registerSynchronization(hook);
            return hook;
        });
    }

    private record Registered(TransactionStatus<?> status, Map<Object, TransactionSynchronization> hooks) {
        Registered(TransactionStatus<?> status) {
            this(status, new HashMap<>());
        }
    }
}
