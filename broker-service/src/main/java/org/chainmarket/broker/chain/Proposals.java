package org.chainmarket.broker.chain;

import org.chainmarket.schemas.model.SubjectKind;
import jakarta.inject.Singleton;
import org.chainmarket.broker.registry.HealthBook;
import org.chainmarket.broker.registry.MarketReadModel;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.Substitution;
import org.chainmarket.selection.SelectionResult;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Operators' actions on substitutions: approve a proposed one (re-selecting if its capacity went meanwhile), roll a
 * completed one back once the old hops and path are healthy, acknowledge any. A refused action is an
 * {@link OperationConflictException} saying why.
 */
@Singleton
class Proposals {
    private final ChainTransactions tx;
    private final ChainQueries queries;
    private final Reselection reselection;
    private final ReservationLedger ledger;
    private final HealthBook health;
    private final ChainService chains;

    Proposals(ChainTransactions tx, ChainQueries queries, Reselection reselection, ReservationLedger ledger, HealthBook health, ChainService chains) {
        this.tx = tx;
        this.queries = queries;
        this.reselection = reselection;
        this.ledger = ledger;
        this.health = health;
        this.chains = chains;
    }

    Substitution approve(String id) {
        Substitution s = queries.substitution(id).orElseThrow(() -> new NotFoundException("substitution", id));
        if (s.status() != Substitution.Status.PROPOSED) {
            throw new OperationConflictException("Substitution " + id + " is " + s.status() + "; only a PROPOSED one can be approved.");
        }
        String chainId = s.chainId().value();
        try {
            tx.approve(chainId, id, s.after(), chains.timeout());
        } catch (CapacityTakenException e) {
            ledger.refresh(e);
            ChainView now = queries.view(chainId).orElseThrow(() -> new NotFoundException("chain", chainId));
            SelectionResult again = reselection.reselect(List.of(new Affected(chainId, now.order(), s.before()))).get(0);
            if (!(again instanceof SelectionResult.Selected sel)) {
                throw new OperationConflictException("The capacity this substitution needs was taken and no other substitute fits now.");
            }
            try {
                tx.approve(chainId, id, sel.chain(), chains.timeout());
            } catch (CapacityTakenException again2) {
                ledger.refresh(again2);
                throw new OperationConflictException("The capacity this substitution needs was taken and no other substitute fits now.");
            }
        }
        return queries.substitution(id).orElseThrow();
    }

    /** Moves a chain back to the hops it had before a completed substitution, once they are healthy again. */
    Substitution rollback(String id) {
        Substitution s = queries.substitution(id).orElseThrow(() -> new NotFoundException("substitution", id));
        ChainView now = queries.view(s.chainId().value()).orElseThrow(() -> new NotFoundException("chain", s.chainId().value()));
        refusal(s, now.hops(), health).ifPresent(why -> {
            throw new OperationConflictException(why);
        });
        Substitution.Trigger operator = new Substitution.Trigger(SubjectKind.OPERATOR, id, null, null, null, null, false, Instant.now(), List.of());
        try {
            tx.rollBack(s.chainId().value(), id, s.before(), operator, chains.timeout());
        } catch (CapacityTakenException e) {
            ledger.refresh(e);
            throw new OperationConflictException("The old hops' capacity is taken by other chains now.");
        }
        return queries.substitutions(new ChainQueries.SubstitutionFilter(Optional.of(s.chainId().value()), Optional.empty(),
                Optional.of(SubjectKind.OPERATOR.name()), Optional.empty()), 1).get(0);
    }

    /**
     * Why rolling {@code s} back is refused now, if it is: it is not COMPLETED, the chain changed since, or an old hop
     * or a link of the old path is degraded or down.
     */
    static Optional<String> refusal(Substitution s, List<ConcreteChain.Hop> hopsNow, HealthBook health) {
        if (s.status() != Substitution.Status.COMPLETED) {
            return Optional.of("Substitution " + s.substitutionId() + " is " + s.status() + "; only a COMPLETED one can be rolled back.");
        }
        if (!hopsNow.equals(s.after().hops())) {
            return Optional.of("Chain " + s.chainId() + " changed since substitution " + s.substitutionId() + "; roll back its latest substitution.");
        }
        for (int hop : s.changedHops()) {
            OfferId old = s.before().hops().get(hop).offerId();
            MarketReadModel.Health h = health.health(SubjectKind.INSTANCE, old.value());
            if (h != MarketReadModel.Health.OK) {
                return Optional.of("Hop " + (hop + 1) + "'s old instance " + old + " is still " + (h == MarketReadModel.Health.OUT
                        ? "degraded (left out of selection)" : "degraded") + ".");
            }
        }
        for (String link : Effects.linkLoad(s.before(), 1).keySet()) {
            if (health.health(SubjectKind.LINK, link) != MarketReadModel.Health.OK) {
                return Optional.of("The old path of chain " + s.chainId() + " still crosses the degraded link " + link + ".");
            }
        }
        return Optional.empty();
    }

    Substitution acknowledge(String id, String operator) {
        return tx.acknowledgeSubstitution(id, operator).orElseThrow(() -> new NotFoundException("substitution", id));
    }
}
