package org.chainmarket.broker.chain;

import org.chainmarket.schemas.model.SubjectKind;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.Substitution;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The sentences chains and substitutions carry for buyers and operators. */
final class Prose {
    private Prose() {
    }

    /** What a substitution changes: each changed hop, then latency and price before and after. */
    static String change(ConcreteChain before, ConcreteChain after, List<Integer> changed) {
        List<String> parts = new ArrayList<>();
        for (int i : changed) {
            ConcreteChain.Hop b = before.hops().get(i);
            ConcreteChain.Hop a = after.hops().get(i);
            parts.add("hop " + (i + 1) + " (" + b.vnfType() + ") " + b.offerId() + " -> " + a.offerId());
        }
        if (parts.isEmpty()) {
            parts.add("path rerouted, same hops");
        }
        return String.join("; ", parts) + String.format(Locale.ROOT, " (latency %.2f -> %.2f ms, price %.2f -> %.2f EUR/h)",
                before.latencyMs(), after.latencyMs(), before.pricePerHour(), after.pricePerHour());
    }

    /** What degraded: "Instance x is down (heartbeat 5.000 over 3.000)". */
    static String trigger(Substitution.Trigger t) {
        if (t.kind() == SubjectKind.OPERATOR) {
            return "Operator request " + t.subjectId();
        }
        if (t.kind() == SubjectKind.BUYER) {
            return "The buyer's change of chain " + t.subjectId() + ", which its hops could not meet";
        }
        if (t.kind() == SubjectKind.SLA) {
            return String.format(Locale.ROOT, "The chain measured %.2f ms end to end, over its %.2f ms bound; slowest part %s",
                    t.value(), t.threshold(), t.subjectId());
        }
        if (t.kind() == SubjectKind.PLACEMENT) {
            return "Instance " + t.subjectId() + " drained by the placement service (it is stopped or moved)";
        }
        String subject = (t.kind() == SubjectKind.INSTANCE ? "Instance " : t.kind() == SubjectKind.LINK ? "Link " : "") + t.subjectId();
        if (t.metric() == null) {
            return subject + " withdrawn by its provider";
        }
        return subject + (t.fatal() ? " is down" : " degraded") + (t.metric() == null ? ""
                : String.format(Locale.ROOT, " (%s %.3f over %.3f)", t.metric(), t.value(), t.threshold()));
    }

    static String seconds(java.time.Duration d) {
        return d.toMillis() / 1000.0 + " s";
    }
}
