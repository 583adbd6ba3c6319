package org.chainmarket.broker.sla;

import org.chainmarket.schemas.model.ConcreteChain;

import java.util.Map;

/**
 * A chain's end-to-end latency as measured: every link of its path at its measured delay (monitoring's window
 * average; a link crossed twice counts twice) and every hop at its instance's measured processing delay; a link or
 * instance with no measurement yet counts at what was advertised. Pure.
 */
final class MeasuredLatency {
    private MeasuredLatency() {
    }

    /** The latency, how many of its parts were measured, and the part that contributed most ("link a|b", "instance x"). */
    record Result(double latencyMs, int measuredParts, String worst) {
    }

    static Result of(ConcreteChain chain, Map<String, Double> linkDelayMs, Map<String, Double> processingMs, Map<String, Double> advertisedLinkMs) {
        double total = 0;
        int measured = 0;
        double worstMs = -1;
        String worst = null;
        for (int i = 1; i < chain.path().size(); i++) {
            String a = chain.path().get(i - 1).switchId();
            String b = chain.path().get(i).switchId();
            if (a.equals(b)) {
                continue;
            }
            String key = a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
            Double m = linkDelayMs.get(key);
            double ms = m != null ? m : advertisedLinkMs.getOrDefault(key, 0.0);
            measured += m != null ? 1 : 0;
            total += ms;
            if (ms > worstMs) {
                worstMs = ms;
                worst = "link " + key;
            }
        }
        for (ConcreteChain.Hop h : chain.hops()) {
            Double m = processingMs.get(h.offerId().value());
            double ms = m != null ? m : h.processingLatencyMs();
            measured += m != null ? 1 : 0;
            total += ms;
            if (ms > worstMs) {
                worstMs = ms;
                worst = "instance " + h.offerId().value();
            }
        }
        return new Result(total, measured, worst);
    }
}
