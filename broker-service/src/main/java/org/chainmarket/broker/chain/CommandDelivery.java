package org.chainmarket.broker.chain;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import org.chainmarket.broker.outbox.OutboxEntity;
import org.chainmarket.broker.outbox.PublishingHealth;
import org.chainmarket.broker.outbox.PublishListener;
import org.chainmarket.schemas.events.EventType;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Tracks when domain commands reach Kafka (the relay tells it, in its own transaction, into an insert-only table) and
 * gives the deadline sweep its {@link Delivery}: the delivery timeout counts from then (and from no earlier than the
 * broker hears the domain, {@link AckHearing}), and waits while Kafka does not take events, up to
 * {@code chainmarket.delivery-patience}.
 */
@Singleton
class CommandDelivery implements PublishListener {
    /** Commands recorded by one statement (a relay batch holds at most 500 rows). */
    private static final int ROWS_PER_INSERT = 250;
    private final EntityManager em;
    private final PublishingHealth publishing;
    private final AckHearing hearing;
    private final Duration timeout;
    private final Duration patience;

    CommandDelivery(EntityManager em, PublishingHealth publishing, AckHearing hearing,
                    @Value("${chainmarket.delivery-timeout}") Duration timeout,
                    @Value("${chainmarket.delivery-patience}") Duration patience) {
        this.em = em;
        this.publishing = publishing;
        this.hearing = hearing;
        this.timeout = timeout;
        this.patience = patience.compareTo(timeout) < 0 ? timeout : patience;
    }

    @Override
    public void published(List<OutboxEntity> rows, Instant at) {
        List<String> commands = rows.stream().filter(r -> r.type.equals(EventType.PATH_SETUP_REQUESTED.name())
                || r.type.equals(EventType.PATH_TEARDOWN_REQUESTED.name())).map(r -> r.id).toList();
        // one statement for the batch: each command's row, numbered parameters from 2 (1 is the time)
        for (int from = 0; from < commands.size(); from += ROWS_PER_INSERT) {
            List<String> part = commands.subList(from, Math.min(commands.size(), from + ROWS_PER_INSERT));
            StringBuilder sql = new StringBuilder("INSERT INTO command_delivery (command_id, published_at) VALUES ");
            for (int i = 0; i < part.size(); i++) {
                sql.append(i == 0 ? "" : ", ").append("(?").append(i + 2).append(", ?1)");
            }
            var insert = em.createNativeQuery(sql.append(" ON CONFLICT DO NOTHING").toString()).setParameter(1, at);
            for (int i = 0; i < part.size(); i++) {
                insert.setParameter(i + 2, part.get(i));
            }
            insert.executeUpdate();
        }
    }

    /** The delivery clock now, for the given commands (inside the caller's transaction). */
    Delivery now(Collection<String> commandIds, Instant now) {
        Map<String, Instant> published = new HashMap<>();
        if (!commandIds.isEmpty()) {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = em.createNativeQuery("SELECT command_id, published_at FROM command_delivery WHERE command_id IN (:ids)")
                    .setParameter("ids", commandIds).getResultList();
            rows.forEach(r -> published.put((String) r[0], toInstant(r[1])));
        }
        return new Delivery(timeout, patience, publishing.kafkaReachable(now), publishing.kafkaBackAt(), published,
                hearing.hearing());
    }

    /** Why a chain in set-up, substitution or tear-down still waits on its domains, when Kafka is the reason. */
    Optional<String> waiting(ChainEntity c, Instant now) {
        ChainDomainEntity.Status waiting = switch (c.state()) {
            case SETTING_UP, SUBSTITUTING -> ChainDomainEntity.Status.INSTALLING;
            case TEARING_DOWN -> ChainDomainEntity.Status.REMOVING;
            default -> null;
        };
        if (waiting == null) {
            return Optional.empty();
        }
        List<ChainDomainEntity> on = c.domains().stream().filter(d -> d.is(waiting)).toList();
        boolean reachable = publishing.kafkaReachable(now);
        // only a command sent over PublishingHealth.SLOW ago, or any while Kafka is unreachable, can make the chain wait: only those are looked up
        List<ChainDomainEntity> suspect = on.stream()
                .filter(x -> !reachable || Duration.between(x.commandedAt(), now).compareTo(PublishingHealth.SLOW) > 0).toList();
        Delivery d = now(suspect.stream().map(ChainDomainEntity::commandId).toList(), now);
        List<String> unsent = suspect.stream().filter(x -> !d.sent(x.commandId()))
                .map(ChainDomainEntity::providerId).toList();
        if (!unsent.isEmpty()) {
            return Optional.of("Waiting for Kafka: the commands to " + String.join(", ", unsent) + " are still in the outbox"
                    + (d.kafkaReachable() ? "" : " (Kafka is unreachable)") + "; the chain waits up to " + Prose.seconds(patience) + ".");
        }
        if (!d.kafkaReachable() && !on.isEmpty()) {
            return Optional.of("Waiting for Kafka: it is unreachable, so the domains' answers cannot arrive; the chain waits up to "
                    + Prose.seconds(patience) + ".");
        }
        List<String> unheard = suspect.stream().map(ChainDomainEntity::providerId).filter(p -> !d.heard(p)).distinct().toList();
        return unheard.isEmpty() ? Optional.empty()
                : Optional.of("Waiting for Kafka: the broker does not read the answers of " + String.join(", ", unheard)
                + " yet (its acknowledgement consumers are joining the provider's topic); the chain waits up to "
                + Prose.seconds(patience) + ".");
    }

    /** Forgets publish times older than any wait can last. */
    void purge(Instant now) {
        em.createNativeQuery("DELETE FROM command_delivery WHERE published_at < ?1").setParameter(1, now.minus(patience).minus(patience))
                .executeUpdate();
    }

    Duration timeout() {
        return timeout;
    }

    private static Instant toInstant(Object o) {
        if (o instanceof Instant i) {
            return i;
        }
        if (o instanceof java.time.OffsetDateTime t) {
            return t.toInstant();
        }
        return ((java.sql.Timestamp) o).toInstant();
    }
}
