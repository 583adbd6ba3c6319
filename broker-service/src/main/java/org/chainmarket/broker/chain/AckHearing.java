package org.chainmarket.broker.chain;

import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.chainmarket.broker.kafka.EventProducer;
import org.chainmarket.schemas.events.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Since when the broker hears each provider's domain: since when the acknowledgement consumers' group
 * ({@value AckListener#GROUP}, all replicas together) holds that provider's acknowledgement topic and keeps up with
 * it. The deadline sweep counts a domain's delivery timeout from no earlier than this ({@link Delivery}), so a chain
 * does not fail for an answer that was on its way while nobody read it:
 * <ul>
 *   <li>a new provider's topic is joined only once the group has seen it (by pattern) and rebalanced, seconds after
 *   the provider registered on a busy machine;</li>
 *   <li>while the group rebalances (any state but stable) no member reads until every member has rejoined, so nobody
 *   is heard, and every clock starts again once it is stable;</li>
 *   <li>a member that died (a broker replica killed) keeps its partitions until its session times out, and the group
 *   still reads as stable: a partition with answers waiting that the group's committed offset has not moved past for
 *   {@link #STALL} is stalled, and its provider is not heard until it moves again.</li>
 * </ul>
 * Read from Kafka once a second, on the scheduler's thread (never on a request's or inside a transaction). When a
 * reading fails, nobody is heard (the clocks wait, up to the delivery patience); only when the broker may not
 * describe the group at all is nothing known, and the timeout counts from the publish alone.
 */
@Singleton
public class AckHearing implements AutoCloseable {
    /** How long answers may wait on a partition without the group's committed offset moving before it counts as stalled. */
    static final Duration STALL = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(AckHearing.class);
    private final Admin admin;
    /** The last reading; null before the first one, or when the broker may not read the group. */
    private volatile Reading last;

    public AckHearing(EventProducer events) {
        Properties p = new Properties();
        p.putAll(events.clientSettings());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        this.admin = Admin.create(p);
    }

    /**
     * Provider id → since when its acknowledgements are heard; a provider not heard now is absent. Null while the
     * broker may not read the group (or before the first reading): then every provider counts as heard, and the
     * delivery timeout counts from the publish alone. No I/O: the sweep's transaction and a chain's view read the
     * last reading.
     */
    public Map<String, Instant> hearing() {
        Reading r = last;
        return r == null ? null : r.heard();
    }

    /** Reads the group's assignment, committed offsets and the end offsets of its partitions from Kafka, once a second. */
    @Scheduled(fixedDelay = "1s", initialDelay = "1s")
    void read() {
        Instant now = Instant.now();
        Reading before = last == null ? Reading.NONE : last;
        try {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(AckListener.GROUP)).all()
                    .get(3, TimeUnit.SECONDS).get(AckListener.GROUP);
            Map<TopicPartition, Long> committed = new HashMap<>();
            admin.listConsumerGroupOffsets(AckListener.GROUP).partitionsToOffsetAndMetadata().get(3, TimeUnit.SECONDS)
                    .forEach((tp, o) -> {
                        if (o != null) {
                            committed.put(tp, o.offset());
                        }
                    });
            Map<TopicPartition, OffsetSpec> held = new HashMap<>();
            Map<TopicPartition, OffsetSpec> uncommitted = new HashMap<>();
            group.members().forEach(m -> m.assignment().topicPartitions().forEach(tp -> {
                held.put(tp, OffsetSpec.latest());
                if (!committed.containsKey(tp)) {
                    uncommitted.put(tp, OffsetSpec.earliest());
                }
            }));
            Map<TopicPartition, Long> ends = offsets(held);
            // a partition the group never committed is read from its earliest offset (the listener's offset reset):
            // that is where it stands, not 0, which retention may have deleted long ago
            committed.putAll(offsets(uncommitted));
            last = heard(group, committed, ends, before, now);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            last = Reading.NONE;
        } catch (ExecutionException e) {
            last = denied(e.getCause()) ? null : Reading.NONE;
            LOG.debug("could not read the acknowledgement group: {}", e.getCause().toString());
        } catch (Exception e) {
            LOG.debug("could not read the acknowledgement group: {}", e.toString());
            last = Reading.NONE;
        }
    }

    private Map<TopicPartition, Long> offsets(Map<TopicPartition, OffsetSpec> which) throws Exception {
        Map<TopicPartition, Long> out = new HashMap<>();
        if (!which.isEmpty()) {
            admin.listOffsets(which).all().get(3, TimeUnit.SECONDS).forEach((tp, o) -> out.put(tp, o.offset()));
        }
        return out;
    }

    private static boolean denied(Throwable cause) {
        return cause instanceof GroupAuthorizationException || cause instanceof TopicAuthorizationException
                || cause instanceof ClusterAuthorizationException;
    }

    /**
     * One reading: who is heard since when, and for each partition with answers waiting, the committed offset seen and
     * since when the group has not moved past it.
     */
    record Reading(Map<String, Instant> heard, Map<TopicPartition, Waiting> waiting) {
        static final Reading NONE = new Reading(Map.of(), Map.of());
    }

    /** A partition whose end is past the group's committed offset {@code committed}, which has not moved since {@code since}. */
    record Waiting(long committed, Instant since) {
    }

    /**
     * Who is heard at {@code now}, given the group's description, its committed offsets, the end offsets of the
     * partitions its members hold, and the last reading {@code before}: the providers whose acknowledgement topic a
     * member holds, none of whose partitions has answers waiting with no progress for {@link #STALL}, each since the
     * first reading that showed it so. While the group rebalances (any state but stable), nobody is heard and nothing
     * is remembered, so every clock starts again once it is stable.
     */
    static Reading heard(ConsumerGroupDescription group, Map<TopicPartition, Long> committed, Map<TopicPartition, Long> ends,
                         Reading before, Instant now) {
        if (group.groupState() != GroupState.STABLE) {
            return Reading.NONE;
        }
        Map<TopicPartition, Waiting> waiting = new HashMap<>();
        Map<String, Boolean> keepsUp = new HashMap<>();
        for (MemberDescription m : group.members()) {
            for (TopicPartition tp : m.assignment().topicPartitions()) {
                Topics.providerOf(tp.topic()).ifPresent(provider -> {
                    long at = committed.getOrDefault(tp, 0L);
                    boolean stalled = false;
                    if (at < ends.getOrDefault(tp, 0L)) {
                        Waiting was = before.waiting().get(tp);
                        Waiting current = was != null && was.committed() == at ? was : new Waiting(at, now);
                        waiting.put(tp, current);
                        stalled = !now.isBefore(current.since().plus(STALL));
                    }
                    keepsUp.merge(provider, !stalled, Boolean::logicalAnd);
                });
            }
        }
        Map<String, Instant> heard = new HashMap<>();
        keepsUp.forEach((provider, up) -> {
            if (up) {
                heard.put(provider, before.heard().getOrDefault(provider, now));
            }
        });
        return new Reading(Map.copyOf(heard), Map.copyOf(waiting));
    }

    @PreDestroy
    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
