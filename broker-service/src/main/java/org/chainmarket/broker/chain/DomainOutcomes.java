package org.chainmarket.broker.chain;

import io.micronaut.transaction.support.TransactionSynchronization;
import jakarta.inject.Singleton;
import org.chainmarket.broker.outbox.TransactionHooks;
import org.chainmarket.broker.registry.ProviderHealth;
import org.chainmarket.schemas.model.DomainCommand;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Tells {@link ProviderHealth} what each domain did with its commands (answered in time, refused, left unanswered)
 * and which domains were just sent a set-up, once the transaction that learnt it commits.
 */
@Singleton
class DomainOutcomes {
    private final TransactionHooks hooks;
    private final ProviderHealth health;

    DomainOutcomes(TransactionHooks hooks, ProviderHealth health) {
        this.hooks = hooks;
        this.health = health;
    }

    /** Takes the outcomes and set-up commands of {@code fx}, applied after the commit. */
    void record(Effects fx) {
        List<String> setUp = fx.commands().stream().filter(c -> c.operation() == DomainCommand.Operation.SETUP)
                .map(c -> c.providerId().value()).toList();
        if (fx.outcomes.isEmpty() && setUp.isEmpty()) {
            return;
        }
        Pending pending = hooks.once(DomainOutcomes.class, Pending::new);
        pending.outcomes.addAll(fx.outcomes);
        pending.setUp.addAll(setUp);
        fx.outcomes.clear();
    }

    private final class Pending implements TransactionSynchronization {
        final List<Effects.DomainOutcome> outcomes = new ArrayList<>();
        final List<String> setUp = new ArrayList<>();

        @Override
        public void afterCommit() {
            Instant now = Instant.now();
            for (Effects.DomainOutcome o : outcomes) {
                if (o.answered()) {
                    health.answered(o.providerId());
                } else {
                    health.failed(o.providerId(), o.reason(), now);
                }
            }
            setUp.forEach(provider -> health.commanded(provider, now));
        }
    }
}
