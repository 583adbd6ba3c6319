package org.chainmarket.broker.reconcile;

import com.fasterxml.jackson.core.type.TypeReference;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.chainmarket.broker.outbox.Outbox;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.ChainState;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainAck.FlowEntry;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.DomainSegment;
import org.chainmarket.schemas.model.DomainStateReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Carries out reconciliation: sets a domain's {@link DomainStateReport} against what the chains need there
 * ({@link Reconciliation}), sends what is missing again and removes orphans through the outbox (durable, answered like
 * any domain command), and records what the domain said of each chain ({@code domain_report}). Reads {@code chain} and
 * {@code chain_domain}, never changes them: the saga owns them. The chains it acts on are locked (in id order, as every
 * transaction of the saga locks them) and judged again under the lock, so a buyer's tear-down or a substitution that
 * commits meanwhile is not undone. Commands it sends carry ids starting with {@link #COMMAND_PREFIX}.
 */
@Singleton
public class ReconcileService {
    /** The prefix of the ids of the commands reconciliation sends (their answers are told apart by it). */
    public static final String COMMAND_PREFIX = "reconcile-";
    private static final Logger LOG = LoggerFactory.getLogger(ReconcileService.class);
    static final TypeReference<List<FlowEntry>> FLOWS = new TypeReference<>() { };
    private static final TypeReference<List<DomainSegment>> SEGMENTS = new TypeReference<>() { };
    /** The last-command time of a chain whose command is still on its way: no report is taken after it. */
    private static final Instant IN_FLIGHT = Instant.MAX.minus(Duration.ofDays(1));
    private static final List<String> LIVE = List.of("SETTING_UP", "ACTIVE", "DEGRADED", "SUBSTITUTING", "TEARING_DOWN");

    private final EntityManager em;
    private final Outbox outbox;
    private final Duration skew;
    private final Duration maxAge;
    private final Duration inFlight;
    private final Counter reinstalled;
    private final Counter orphansRemoved;
    private final Counter reports;
    private final Counter raced;

    ReconcileService(EntityManager em, Outbox outbox, MeterRegistry meters,
                     @Value("${chainmarket.reconcile.clock-skew:1s}") Duration skew,
                     @Value("${chainmarket.reconcile.max-report-age:2m}") Duration maxAge,
                     @Value("${chainmarket.reconcile.in-flight:10s}") Duration inFlight) {
        this.em = em;
        this.outbox = outbox;
        this.skew = skew;
        this.maxAge = maxAge;
        this.inFlight = inFlight;
        this.reinstalled = Counter.builder("chainmarket_reconcile_reinstalled").description("chain segments a domain had lost, sent again")
                .register(meters);
        this.orphansRemoved = Counter.builder("chainmarket_reconcile_orphans_removed")
                .description("chains a domain held that no chain owns there, removed").register(meters);
        this.reports = Counter.builder("chainmarket_reconcile_reports").description("domain state reports compared").register(meters);
        this.raced = Counter.builder("chainmarket_reconcile_raced")
                .description("chains a report said nothing about because it raced with their last command").register(meters);
    }

    /** What one report led to. */
    public record Outcome(List<String> reinstalled, List<String> removed, List<String> raced) {
    }

    /** Compares the report with the chains and acts on the difference, in one transaction. */
    @Transactional
    public Outcome apply(DomainStateReport report) {
        Instant now = Instant.now();
        if (report.at().isBefore(now.minus(maxAge))) {
            LOG.debug("reconcile: report {} of {} is older than {}; skipped", report.reportId(), report.providerId(), maxAge);
            return new Outcome(List.of(), List.of(), List.of());
        }
        reports.increment();
        String provider = report.providerId().value();
        Map<String, List<FlowEntry>> held = new HashMap<>();
        report.byChain().forEach((c, e) -> held.put(c.value(), e));
        Reconciliation.Report r = new Reconciliation.Report(report.at(), report.full(), held);
        Reconciliation.Plan first = Reconciliation.plan(r, known(provider, held.keySet(), null), skew);

        TreeSet<String> acting = new TreeSet<>(first.reinstall());
        acting.addAll(first.remove());
        Reconciliation.Plan plan = first;
        if (!acting.isEmpty()) {
            lock(acting);
            Reconciliation.Plan locked = Reconciliation.plan(restrict(r, acting), known(provider, acting, acting), skew);
            plan = new Reconciliation.Plan(locked.reinstall(), locked.remove(), first.raced(), first.observed());
        }
        Map<String, Segments> segments = plan.reinstall().isEmpty() ? Map.of() : segments(provider, plan.reinstall());
        for (String chain : plan.reinstall()) {
            Segments s = segments.get(chain);
            send(report, new DomainCommand(COMMAND_PREFIX + UUID.randomUUID(), ChainId.of(chain), report.providerId(),
                    DomainCommand.Operation.SETUP, s.mbps(), s.segments(), null), now);
        }
        for (String chain : plan.remove()) {
            send(report, new DomainCommand(COMMAND_PREFIX + UUID.randomUUID(), ChainId.of(chain), report.providerId(),
                    DomainCommand.Operation.TEARDOWN, 0, List.of(), null), now);
        }
        plan.observed().forEach((chain, entries) -> observe(chain, provider, entries, report.at(), now, "STATE_REPORT"));
        reinstalled.increment(plan.reinstall().size());
        orphansRemoved.increment(plan.remove().size());
        raced.increment(plan.raced().size());
        LOG.debug("reconcile {}: report {} at {}: {} held; re-install {}, remove {}, raced {}", provider, report.reportId(),
                report.at(), held.keySet(), plan.reinstall(), plan.remove(), plan.raced());
        if (!plan.reinstall().isEmpty() || !plan.remove().isEmpty()) {
            LOG.info("reconcile {}: report {} ({} chains held{}): re-installing {} missing {}, removing {} orphans {}", provider,
                    report.reportId(), held.size(), report.full() ? "" : ", partial", plan.reinstall().size(), plan.reinstall(),
                    plan.remove().size(), plan.remove());
        }
        return new Outcome(plan.reinstall(), plan.remove(), plan.raced());
    }

    /** Records the answer to one of reconciliation's commands, and what it says the domain now holds of the chain. */
    @Transactional
    public void answered(DomainAck ack) {
        int known = em.createNativeQuery("UPDATE reconcile_command SET answered_at = ?1, success = ?2, reason = ?3 "
                        + "WHERE command_id = ?4 AND answered_at IS NULL")
                .setParameter(1, ack.at()).setParameter(2, ack.success()).setParameter(3, ack.reason())
                .setParameter(4, ack.commandId()).executeUpdate();
        if (known == 0) {
            return;
        }
        if (!ack.success()) {
            LOG.warn("reconcile {}: {} of chain {} failed: {}", ack.providerId(), ack.operation(), ack.chainId(), ack.reason());
            return;
        }
        observe(ack.chainId().value(), ack.providerId().value(),
                ack.operation() == DomainCommand.Operation.SETUP ? ack.flowEntries() : List.of(), ack.at(), Instant.now(), "ACK");
    }

    private void send(DomainStateReport report, DomainCommand c, Instant now) {
        outbox.append(c.commandId(), c.operation() == DomainCommand.Operation.SETUP ? EventType.PATH_SETUP_REQUESTED
                : EventType.PATH_TEARDOWN_REQUESTED, "chain", c.chainId().value(), c);
        em.createNativeQuery("INSERT INTO reconcile_command (command_id, chain_id, provider_id, operation, report_id, created_at) "
                        + "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                .setParameter(1, c.commandId()).setParameter(2, c.chainId().value()).setParameter(3, c.providerId().value())
                .setParameter(4, c.operation().name()).setParameter(5, report.reportId()).setParameter(6, now).executeUpdate();
    }

    /** Records what the domain said of the chain, unless it already said something newer. */
    private void observe(String chain, String provider, List<FlowEntry> entries, Instant at, Instant now, String source) {
        em.createNativeQuery("INSERT INTO domain_report (chain_id, provider_id, holds, flow_entries_json, reported_at, received_at, source) "
                        + "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (chain_id, provider_id) DO UPDATE SET holds = EXCLUDED.holds, "
                        + "flow_entries_json = EXCLUDED.flow_entries_json, reported_at = EXCLUDED.reported_at, "
                        + "received_at = EXCLUDED.received_at, source = EXCLUDED.source WHERE domain_report.reported_at <= EXCLUDED.reported_at")
                .setParameter(1, chain).setParameter(2, provider).setParameter(3, !entries.isEmpty())
                .setParameter(4, Json.text(entries)).setParameter(5, at).setParameter(6, now).setParameter(7, source).executeUpdate();
    }

    /**
     * What the broker knows of the chains that matter to this domain: every live chain crossing it and every chain it
     * reported (or, with {@code only}, just those chains), each with the newest of its commands to this domain.
     */
    private List<Reconciliation.Known> known(String provider, Set<String> reported, Set<String> only) {
        StringBuilder sql = new StringBuilder("SELECT c.id, c.state, d.status, d.updated_at, d.flow_entries_json "
                + "FROM chain c LEFT JOIN chain_domain d ON d.chain_id = c.id AND d.provider_id = :p WHERE ");
        List<String> ids = new ArrayList<>(only != null ? only : reported);
        if (only != null) {
            sql.append("c.id IN (:ids)");
        } else {
            sql.append("(c.id IN (SELECT chain_id FROM chain_domain WHERE provider_id = :p) AND c.state IN (:live))");
            if (!ids.isEmpty()) {
                sql.append(" OR c.id IN (:ids)");
            }
        }
        var q = em.createNativeQuery(sql.toString()).setParameter("p", provider);
        if (!ids.isEmpty()) {
            q.setParameter("ids", ids);
        }
        if (only == null) {
            q.setParameter("live", LIVE);
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = q.getResultList();
        Map<String, Instant> ours = ownCommands(provider, ids, rows);
        Instant now = Instant.now();
        List<Reconciliation.Known> out = new ArrayList<>(rows.size());
        Set<String> found = new HashSet<>();
        for (Object[] row : rows) {
            String id = (String) row[0];
            found.add(id);
            String status = (String) row[2];
            Instant commanded = instant(row[3]);
            if (("REMOVING".equals(status) || "INSTALLING".equals(status)) && commanded.plus(inFlight).isAfter(now)) {
                commanded = IN_FLIGHT; // the saga's own command is still on its way (a rollback's tear-down, say)
            }
            out.add(new Reconciliation.Known(id, ChainState.valueOf((String) row[1]), status,
                    latest(commanded, ours.get(id)), row[4] == null ? List.of() : read((String) row[4], FLOWS)));
        }
        for (String id : ids) {
            if (!found.contains(id)) {
                out.add(new Reconciliation.Known(id, null, null, ours.get(id), List.of()));
            }
        }
        return out;
    }

    /**
     * When reconciliation last commanded each chain in this domain: the domain's time of the answer to its newest
     * command, or, while that command is unanswered and younger than {@code in-flight}, {@link #IN_FLIGHT} (it is still
     * on its way, so a report says nothing of the chain yet). The saga's own unanswered commands are treated alike.
     */
    private Map<String, Instant> ownCommands(String provider, List<String> reported, List<Object[]> rows) {
        Set<String> ids = new HashSet<>(reported);
        rows.forEach(r -> ids.add((String) r[0]));
        Map<String, Instant> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        @SuppressWarnings("unchecked")
        List<Object[]> cmds = em.createNativeQuery("SELECT DISTINCT ON (chain_id) chain_id, created_at, answered_at FROM reconcile_command "
                        + "WHERE provider_id = :p AND chain_id IN (:ids) ORDER BY chain_id, created_at DESC")
                .setParameter("p", provider).setParameter("ids", List.copyOf(ids)).getResultList();
        Instant now = Instant.now();
        for (Object[] c : cmds) {
            Instant created = instant(c[1]);
            Instant answered = instant(c[2]);
            out.put((String) c[0], answered != null ? latest(answered, created)
                    : created.plus(inFlight).isAfter(now) ? IN_FLIGHT : created);
        }
        return out;
    }

    private void lock(Set<String> chains) {
        em.createNativeQuery("SELECT id FROM chain WHERE id IN (?1) ORDER BY id FOR UPDATE").setParameter(1, List.copyOf(chains))
                .getResultList();
    }

    private record Segments(double mbps, List<DomainSegment> segments) {
    }

    private Map<String, Segments> segments(String provider, List<String> chains) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT c.id, c.bandwidth_mbps, d.segments_json FROM chain c JOIN chain_domain d "
                        + "ON d.chain_id = c.id AND d.provider_id = ?1 WHERE c.id IN (?2)")
                .setParameter(1, provider).setParameter(2, chains).getResultList();
        Map<String, Segments> out = new HashMap<>();
        rows.forEach(r -> out.put((String) r[0], new Segments(((Number) r[1]).doubleValue(), read((String) r[2], SEGMENTS))));
        return out;
    }

    private static Reconciliation.Report restrict(Reconciliation.Report r, Set<String> chains) {
        Map<String, List<FlowEntry>> held = new HashMap<>();
        r.held().forEach((c, e) -> {
            if (chains.contains(c)) {
                held.put(c, e);
            }
        });
        return new Reconciliation.Report(r.at(), r.full(), held);
    }

    private static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }

    static Instant instant(Object o) {
        if (o == null || o instanceof Instant) {
            return (Instant) o;
        }
        if (o instanceof OffsetDateTime t) {
            return t.toInstant();
        }
        return ((java.sql.Timestamp) o).toInstant();
    }

    static <T> T read(String json, TypeReference<T> type) {
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored JSON is unreadable: " + e.getMessage(), e);
        }
    }
}
