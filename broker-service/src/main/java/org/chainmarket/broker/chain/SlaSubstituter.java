package org.chainmarket.broker.chain;

import jakarta.inject.Singleton;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.SubjectKind;
import org.chainmarket.schemas.model.Substitution;
import org.chainmarket.selection.SelectionResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.ToDoubleFunction;

/**
 * Moves a chain whose measured latency stays over its order's bound: re-selected with the part that contributes most
 * to its latency left out ({@link Reselection#reselectAvoiding}), the result judged by its measured latency, then
 * switched make-before-break (or proposed, by the chain's approval mode) as a substitution triggered by the SLA, or
 * recorded as having no substitute while the chain runs on. The caller (the SLA records) says how a chain measures and
 * records what was done on its violation period in the same transaction.
 */
@Singleton
public class SlaSubstituter {
    private static final Logger LOG = LoggerFactory.getLogger(SlaSubstituter.class);
    private final ChainTransactions tx;
    private final Reselection reselection;
    private final Substituter substituter;
    private final ReservationLedger ledger;
    private final ChainService chains;

    SlaSubstituter(ChainTransactions tx, Reselection reselection, Substituter substituter, ReservationLedger ledger, ChainService chains) {
        this.tx = tx;
        this.reselection = reselection;
        this.substituter = substituter;
        this.ledger = ledger;
        this.chains = chains;
    }

    /**
     * A chain over its bound: its measured end-to-end latency, its order's bound (ms) and the part that contributes most,
     * as the SLA record names it ({@code "link a|b"} or {@code "instance <offer id>"}).
     */
    public record OverBound(String chainId, double measuredMs, double boundMs, String worstPart) {
    }

    /**
     * Acts on a chain over its bound. {@code measure} gives a chain's measured latency; {@code record} is called in the
     * chain step's transaction with the substitution and what was done in words, and answers false when the violation
     * period was acted on already (then nothing changes). Returns the substitution, or empty when nothing was done now:
     * the chain is unknown or moved on, the period was acted on, or a new hop's capacity was taken first (tried again
     * on the next sweep).
     */
    public Optional<Substitution> act(OverBound v, ToDoubleFunction<ConcreteChain> measure, BiPredicate<Substitution, String> record) {
        Optional<Affected> held = tx.held(v.chainId());
        if (held.isEmpty() || v.worstPart() == null) {
            return Optional.empty();
        }
        Affected a = held.get();
        boolean link = v.worstPart().startsWith("link ");
        String part = v.worstPart().substring(v.worstPart().indexOf(' ') + 1);
        Instant now = Instant.now();
        Substitution.Trigger trigger = new Substitution.Trigger(SubjectKind.SLA, v.worstPart(), providerOf(a.chain(), link, part), null,
                v.measuredMs(), v.boundMs(), false, now, List.of(new Substitution.Point(now, v.measuredMs())));
        SelectionResult result = reselection.reselectAvoiding(a, link ? SubjectKind.LINK : SubjectKind.INSTANCE, part);
        ConcreteChain after = null;
        String why = null;
        if (result instanceof SelectionResult.Selected s) {
            double measured = measure.applyAsDouble(s.chain());
            if (measured <= v.boundMs() + 1e-9) {
                after = s.chain();
            } else {
                why = String.format(Locale.ROOT, "the best chain that avoids %s would measure %.2f ms end to end, over the %.2f ms bound",
                        v.worstPart(), measured, v.boundMs());
            }
        } else if (result instanceof SelectionResult.Rejected r) {
            why = "no chain that avoids " + v.worstPart() + " fits the order: " + r.reason();
        }
        try {
            return Optional.of(tx.overBound(v.chainId(), a.chain(), trigger, after, substituter.policy(a), why, chains.timeout(), sub -> {
                if (!record.test(sub, words(sub, v.worstPart()))) {
                    throw new OperationConflictException("The SLA violation of chain " + v.chainId() + " was acted on already.");
                }
            }));
        } catch (CapacityTakenException e) {
            ledger.refresh(e);
            LOG.debug("chain {}: a new hop's capacity was taken first; tried again on the next sweep", v.chainId());
        } catch (OperationConflictException e) {
            LOG.debug("chain {}: {}", v.chainId(), e.getMessage());
        }
        return Optional.empty();
    }

    /** What was done, in words, for the buyer's SLA record. */
    private static String words(Substitution s, String worstPart) {
        return switch (s.status()) {
            case NO_ALTERNATIVE -> "Not moved (no substitute meets the bound; the chain runs on as it is): " + s.outcome();
            case PROPOSED -> "A move off " + worstPart + " waits for an operator's approval: " + Prose.change(s.before(), s.after(), s.changedHops());
            default -> "Moving off " + worstPart + " make-before-break: " + Prose.change(s.before(), s.after(), s.changedHops());
        };
    }

    /** The provider of the slow part: the instance's, or the provider of the link's first switch on the path. */
    private static String providerOf(ConcreteChain chain, boolean link, String part) {
        if (!link) {
            return chain.hops().stream().filter(h -> h.offerId().value().equals(part)).map(h -> h.providerId().value()).findFirst().orElse(null);
        }
        String first = part.substring(0, part.indexOf('|'));
        return chain.path().stream().filter(n -> n.switchId().equals(first) && n.providerId() != null).map(n -> n.providerId().value())
                .findFirst().orElse(null);
    }
}
