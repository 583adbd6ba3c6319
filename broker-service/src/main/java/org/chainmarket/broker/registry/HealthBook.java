package org.chainmarket.broker.registry;

import org.chainmarket.schemas.model.Metric;
import org.chainmarket.schemas.model.SubjectKind;
import jakarta.inject.Singleton;
import org.chainmarket.schemas.model.InstanceStatus;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.Substitution;

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

/**
 * The one owner of an instance's or link's health. Two streams report it: monitoring's current context (UP,
 * DEGRADED, DOWN) and its degradation events, tracked per metric until each is cleared. The health is the worse
 * of the two, and this book alone writes it to the {@link MarketReadModel} that selection reads, so neither stream
 * overwrites the other. Subjects are keyed by kind ({@code INSTANCE}: offer id, {@code LINK}: {@code NetLink.key}).
 */
@Singleton
public class HealthBook {
    /** Metrics that grow with the chains a subject carries: moving some of its chains brings them down. */
    public static final Set<Metric> CAPACITY_METRICS = EnumSet.of(Metric.LOAD, Metric.CPU, Metric.PROCESSING_DELAY, Metric.UTILIZATION);
    /**
     * The metric a placement drain is tracked under, apart from a withdrawal's: advertising the offer again (a new
     * price, an adapter's restart) does not end a drain; withdrawing the offer (the instance's stop) does.
     */
    public static final String DRAINING = "draining";
    private final MarketReadModel market;
    private final Map<String, Subject> subjects = new HashMap<>();

    public HealthBook(MarketReadModel market) {
        this.market = market;
    }

    private static final class Subject {
        InstanceStatus reported = InstanceStatus.UP;
        /** The metrics monitoring's context says are degraded now (what its degradation events said, kept). */
        List<Metric> reportedMetrics = List.of();
        final Map<String, Substitution.Trigger> degraded = new LinkedHashMap<>();
        /** Whether chains were moved off it in this episode (until every metric is cleared). */
        boolean relieved;
    }

    /** What a degradation event changed: the subject's health now, and whether it was relieved in this episode already. */
    public record Change(MarketReadModel.Health health, boolean relieved) {
    }

    /**
     * Monitoring's context reports a subject's status and the metrics degraded now. The metrics weigh as the
     * degradation events of them would: a replica that never read those events (another replica's partition of
     * them, or read before a restart) still leaves out a link that is lossy, not only prices it as hot.
     */
    public synchronized void reported(SubjectKind kind, String subjectId, InstanceStatus status, List<Metric> degradedMetrics) {
        Subject s = subject(kind, subjectId);
        s.reported = status;
        s.reportedMetrics = List.copyOf(degradedMetrics);
        publish(kind, subjectId);
    }

    /** A degradation event: its metric is degraded until cleared. */
    public synchronized Change degraded(Substitution.Trigger t) {
        Subject s = subject(t.kind().held(), t.subjectId());
        s.degraded.put(metricKey(t), t);
        publish(t.kind().held(), t.subjectId());
        return new Change(health(s.degraded.values()), s.relieved);
    }

    /** Chains were moved off a hot subject: it is not relieved again until every metric of it is cleared. */
    public synchronized void relieved(SubjectKind kind, String subjectId) {
        subject(kind, subjectId).relieved = true;
    }

    /** A metric of a subject is back within its threshold; true when none of its metrics is degraded any more. */
    public synchronized boolean cleared(SubjectKind kind, String subjectId, String metric) {
        Subject s = subject(kind, subjectId);
        s.degraded.remove(metric);
        if (s.degraded.isEmpty()) {
            s.relieved = false;
        }
        publish(kind, subjectId);
        return s.degraded.isEmpty();
    }

    /** How selection treats the subject now: the worse of its context status and its degraded metrics. */
    public synchronized MarketReadModel.Health health(SubjectKind kind, String subjectId) {
        Subject s = subjects.get(key(kind, subjectId));
        return s == null ? MarketReadModel.Health.OK : combined(s);
    }

    /** The subjects of {@code kind} whose {@code metric} is degraded. */
    public synchronized List<String> degradedBy(SubjectKind kind, String metric) {
        String prefix = kind + ":";
        return subjects.entrySet().stream().filter(e -> e.getKey().startsWith(prefix) && e.getValue().degraded.containsKey(metric))
                .map(e -> e.getKey().substring(prefix.length())).toList();
    }

    /** Whether {@code metric} of the subject is degraded. */
    public synchronized boolean degradedBy(SubjectKind kind, String subjectId, String metric) {
        Subject s = subjects.get(key(kind, subjectId));
        return s != null && s.degraded.containsKey(metric);
    }

    /** Whether the subject has a degraded metric (what chains on it are degraded for). */
    public synchronized boolean hasDegradedMetric(SubjectKind kind, String subjectId) {
        Subject s = subjects.get(key(kind, subjectId));
        return s != null && !s.degraded.isEmpty();
    }

    /** For every subject a degradation leaves out of selection, the trigger chains on it are told (a fatal one first). */
    public synchronized List<Substitution.Trigger> leftOut() {
        List<Substitution.Trigger> out = new ArrayList<>();
        for (Subject s : subjects.values()) {
            if (health(s.degraded.values()) == MarketReadModel.Health.OUT) {
                s.degraded.values().stream().min(Comparator.comparing(t -> !t.fatal())).ifPresent(out::add);
            }
        }
        return out;
    }

    /** The trigger of a degraded subject's metric, if it is degraded. */
    public synchronized Optional<Substitution.Trigger> trigger(SubjectKind kind, String subjectId) {
        Subject s = subjects.get(key(kind, subjectId));
        return s == null ? Optional.empty() : s.degraded.values().stream().min(Comparator.comparing(t -> !t.fatal()));
    }

    /** Down (a fatal metric) or unfit (a metric that moving some chains does not cure) is OUT; otherwise hot. */
    public static MarketReadModel.Health health(Collection<Substitution.Trigger> degraded) {
        if (degraded.isEmpty()) {
            return MarketReadModel.Health.OK;
        }
        return degraded.stream().anyMatch(t -> t.fatal() || !CAPACITY_METRICS.contains(t.metric()))
                ? MarketReadModel.Health.OUT : MarketReadModel.Health.HOT;
    }

    private static MarketReadModel.Health combined(Subject s) {
        MarketReadModel.Health fromStatus = switch (s.reported) {
            case DOWN -> MarketReadModel.Health.OUT;
            case DEGRADED -> MarketReadModel.Health.HOT;
            case UP -> MarketReadModel.Health.OK;
        };
        MarketReadModel.Health fromContext = s.reportedMetrics.isEmpty() ? MarketReadModel.Health.OK
                : s.reportedMetrics.stream().allMatch(CAPACITY_METRICS::contains) ? MarketReadModel.Health.HOT : MarketReadModel.Health.OUT;
        return worst(worst(fromStatus, fromContext), health(s.degraded.values()));
    }

    private static MarketReadModel.Health worst(MarketReadModel.Health a, MarketReadModel.Health b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private void publish(SubjectKind kind, String subjectId) {
        Subject s = subjects.get(key(kind, subjectId));
        MarketReadModel.Health h = combined(s);
        if (h == MarketReadModel.Health.OK && s.reported == InstanceStatus.UP) {
            subjects.remove(key(kind, subjectId));
        }
        if (kind == SubjectKind.INSTANCE) {
            market.setOfferHealth(OfferId.of(subjectId), h);
        } else if (kind == SubjectKind.LINK) {
            market.setLinkHealth(subjectId, h);
        }
    }

    private Subject subject(SubjectKind kind, String subjectId) {
        return subjects.computeIfAbsent(key(kind, subjectId), k -> new Subject());
    }

    private static String key(SubjectKind kind, String subjectId) {
        return kind + ":" + subjectId;
    }

    /**
     * A degradation's metric; for a trigger with no metric, {@link #DRAINING} for a placement drain and
     * {@link Registry#WITHDRAWN} for a withdrawal.
     */
    private static String metricKey(Substitution.Trigger t) {
        if (t.metric() != null) {
            return t.metric().wireName();
        }
        return t.kind() == SubjectKind.PLACEMENT ? DRAINING : Registry.WITHDRAWN;
    }
}
