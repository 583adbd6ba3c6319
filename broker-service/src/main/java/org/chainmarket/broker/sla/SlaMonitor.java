package org.chainmarket.broker.sla;

import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.chainmarket.broker.registry.MarketReadModel;
import org.chainmarket.broker.usage.UsageClock;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.ProviderDomain;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Compares every running chain's measured end-to-end latency ({@link MeasuredLatency}, from monitoring's link and
 * instance context along its path) with its order's bound, and records each period it was over in
 * {@code sla_violation}: opened when the latency goes over the bound, its worst value kept while it lasts, closed when
 * the latency is back within the bound or the chain stops carrying traffic. Runs every
 * {@code chainmarket.sla.interval} (1 s) after new measurements, and every 10 ticks anyway
 * (chains move onto measured links too). One open period per chain (a unique index), so brokers sharing the database
 * record it once. Periods are timed by the usage clock ({@link UsageClock}), as the usage they credit is.
 */
@Singleton
public class SlaMonitor {
    private static final int RECHECK_TICKS = 10;
    private final EntityManager em;
    private final MarketReadModel market;
    private final Clock clock;
    private final Map<String, Double> linkDelay = new ConcurrentHashMap<>();
    private final Map<String, Double> processing = new ConcurrentHashMap<>();
    private final AtomicBoolean measuredSinceLastCheck = new AtomicBoolean();
    private int ticks;

    public SlaMonitor(EntityManager em, MarketReadModel market, @Named(UsageClock.NAME) Clock clock) {
        this.em = em;
        this.market = market;
        this.clock = clock;
    }

    void linkMeasured(String linkKey, double delayMs) {
        linkDelay.put(linkKey, delayMs);
        measuredSinceLastCheck.set(true);
    }

    void instanceMeasured(String offerId, double processingMs) {
        processing.put(offerId, processingMs);
        measuredSinceLastCheck.set(true);
    }

    @Scheduled(fixedDelay = "${chainmarket.sla.interval:1s}", initialDelay = "2s")
    void tick() {
        boolean measured = measuredSinceLastCheck.getAndSet(false);
        if (measured || ++ticks % RECHECK_TICKS == 0) {
            check(clock.instant());
        }
    }

    /** Now, by the clock periods are timed by. */
    Instant now() {
        return clock.instant();
    }

    /** The chain's measured latency now, if it carries traffic. */
    public Optional<MeasuredLatency.Result> measure(ConcreteChain chain) {
        return chain == null ? Optional.empty() : Optional.of(MeasuredLatency.of(chain, linkDelay, processing, advertised()));
    }

    /** Compares every running chain with its bound and opens, updates or closes its violation period. */
    @Transactional
    public void check(Instant now) {
        Map<String, Double> advertised = advertised();
        @SuppressWarnings("unchecked")
        List<Object[]> open = em.createNativeQuery("SELECT chain_id, worst_latency_ms FROM sla_violation WHERE ended_at IS NULL").getResultList();
        Map<String, Double> openWorst = new HashMap<>();
        open.forEach(r -> openWorst.put((String) r[0], ((Number) r[1]).doubleValue()));
        @SuppressWarnings("unchecked")
        List<Object[]> running = em.createNativeQuery("SELECT id, buyer_id, order_json, concrete_json FROM chain "
                + "WHERE state IN ('ACTIVE', 'DEGRADED', 'SUBSTITUTING') AND concrete_json IS NOT NULL").getResultList();
        for (Object[] r : running) {
            String chainId = (String) r[0];
            double bound = Json.read((String) r[2], ChainOrder.class).maxLatencyMs();
            MeasuredLatency.Result m = MeasuredLatency.of(Json.read((String) r[3], ConcreteChain.class), linkDelay, processing, advertised);
            Double worst = openWorst.remove(chainId);
            if (m.latencyMs() > bound + 1e-9 && worst == null) {
                em.createNativeQuery("INSERT INTO sla_violation (id, chain_id, buyer_id, bound_ms, started_at, worst_latency_ms, last_latency_ms, "
                                + "worst_part) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7) ON CONFLICT DO NOTHING")
                        .setParameter(1, UUID.randomUUID().toString()).setParameter(2, chainId).setParameter(3, r[1])
                        .setParameter(4, bound).setParameter(5, now).setParameter(6, m.latencyMs()).setParameter(7, m.worst()).executeUpdate();
            } else if (m.latencyMs() > bound + 1e-9) {
                em.createNativeQuery("UPDATE sla_violation SET last_latency_ms = ?2, worst_latency_ms = GREATEST(worst_latency_ms, ?2), "
                                + "worst_part = CASE WHEN ?2 > worst_latency_ms THEN ?3 ELSE worst_part END WHERE chain_id = ?1 AND ended_at IS NULL")
                        .setParameter(1, chainId).setParameter(2, m.latencyMs()).setParameter(3, m.worst()).executeUpdate();
            } else if (worst != null) {
                close(chainId, m.latencyMs(), now);
            }
        }
        // chains that stopped carrying traffic while over their bound
        openWorst.keySet().forEach(chainId -> close(chainId, null, now));
    }

    private void close(String chainId, Double latencyMs, Instant now) {
        em.createNativeQuery("UPDATE sla_violation SET ended_at = ?2, last_latency_ms = COALESCE(?3, last_latency_ms) "
                        + "WHERE chain_id = ?1 AND ended_at IS NULL")
                .setParameter(1, chainId).setParameter(2, now).setParameter(3, latencyMs).executeUpdate();
    }

    /** Advertised latency of every link (intra-domain and border), by link key. */
    private Map<String, Double> advertised() {
        Map<String, Double> out = new HashMap<>();
        for (ProviderDomain d : market.domains()) {
            d.links().forEach(l -> out.put(key(l.from(), l.to()), l.latencyMs()));
            d.borderLinks().forEach(b -> out.putIfAbsent(key(b.localSwitch(), b.remoteSwitch()), b.latencyMs()));
        }
        return out;
    }

    private static String key(String a, String b) {
        return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
    }
}
