package org.chainmarket.broker.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every meter the broker defines, in one place (Prometheus names in brackets):
 * <ul>
 *   <li>{@code chainmarket.orders} [chainmarket_orders_total{outcome}]: orders accepted (set-up started), rejected,
 *   activated or failed during set-up;</li>
 *   <li>{@code chainmarket.chain.activation} [chainmarket_chain_activation_seconds_bucket]: order stored → ACTIVE
 *   (histogram; POST → ACTIVE is this plus {@code chainmarket.selection});</li>
 *   <li>{@code chainmarket.selection} [chainmarket_selection_seconds{strategy,kind}]: time the selection engine took
 *   per order ({@code kind=single}) or per batch of re-selections ({@code kind=batch});</li>
 *   <li>{@code chainmarket.substitutions} [chainmarket_substitutions_total{trigger,outcome}]: substitutions by what
 *   triggered them (INSTANCE, LINK, OPERATOR) and how they ended (PROPOSED, COMPLETED, FAILED, NO_ALTERNATIVE, ...),
 *   and {@code chainmarket.substitution.duration}: trigger → new path active;</li>
 *   <li>{@code chainmarket.outbox.backlog} [chainmarket_outbox_backlog]: events written but not yet on Kafka;</li>
 *   <li>{@code chainmarket.dlq.records} [chainmarket_dlq_records{topic}]: records ever dead-lettered per DLQ topic
 *   (by any service).</li>
 * </ul>
 */
@Singleton
public class MarketMetrics {
    private final MeterRegistry registry;
    private final Timer activation;
    private final AtomicLong outboxBacklog = new AtomicLong();
    private final Map<String, AtomicLong> deadLetters = new ConcurrentHashMap<>();

    public MarketMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.activation = Timer.builder("chainmarket.chain.activation")
                .description("Order stored (set-up started) to chain ACTIVE")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(5))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        for (String outcome : new String[]{"accepted", "rejected", "activated", "failed"}) {
            orders(outcome);
        }
        registry.gauge("chainmarket.outbox.backlog", outboxBacklog);
    }

    private Counter orders(String outcome) {
        return Counter.builder("chainmarket.orders").description("Orders by outcome").tag("outcome", outcome).register(registry);
    }

    /** An order's outcome: accepted, rejected, activated or failed (during set-up). */
    public void order(String outcome) {
        orders(outcome).increment();
    }

    /** A chain turned ACTIVE {@code storedToActive} after its order was stored. */
    public void activated(Duration storedToActive) {
        order("activated");
        activation.record(storedToActive);
    }

    /** A substitution reached {@code outcome}; {@code triggerToActive} when its new path is active. */
    public void substitution(String trigger, String outcome, Duration triggerToActive) {
        Counter.builder("chainmarket.substitutions").description("Substitutions by trigger and outcome")
                .tag("trigger", trigger).tag("outcome", outcome).register(registry).increment();
        if (triggerToActive != null) {
            Timer.builder("chainmarket.substitution.duration").description("Trigger to substituted chain ACTIVE")
                    .tag("trigger", trigger).publishPercentileHistogram()
                    .maximumExpectedValue(Duration.ofSeconds(30)).register(registry).record(triggerToActive);
        }
    }

    /** The timer of one selection strategy ({@code kind}: single or batch). */
    public Timer selection(String strategy, String kind) {
        return Timer.builder("chainmarket.selection").description("Time the selection engine took")
                .tag("strategy", strategy).tag("kind", kind).publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofSeconds(5)).register(registry);
    }

    public void outboxBacklog(long rows) {
        outboxBacklog.set(rows);
    }

    /** How many records a DLQ topic has received since it was created. */
    public void deadLetters(String topic, long records) {
        deadLetters.computeIfAbsent(topic, t -> registry.gauge("chainmarket.dlq.records",
                io.micrometer.core.instrument.Tags.of("topic", t), new AtomicLong())).set(records);
    }
}
