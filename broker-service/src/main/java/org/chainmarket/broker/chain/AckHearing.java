package org.chainmarket.broker.chain;

import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
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
import java.util.concurrent.TimeUnit;

/**
 * Since when the broker hears each provider's domain: since when the acknowledgement consumers' group
 * ({@value AckListener#GROUP}, all replicas together) holds partitions of that provider's acknowledgement topic. A new
 * provider's topic is joined only once the group has seen it (by pattern) and rebalanced, seconds after the provider
 * registered on a busy machine; a command answered before that is answered all the same, but its answer is read only
 * then; and while the group rebalances nobody is heard ({@link #heard}). The deadline sweep counts a domain's
 * delivery timeout from no earlier than this ({@link Delivery}), so the first chains of a new provider do not fail for
 * an answer that was on its way. Read from Kafka once a second, on the scheduler's thread (never on a request's or
 * inside a transaction); when the description cannot be read, nothing is known and the timeout counts from the publish
 * alone (an outage holds every clock anyway).
 */
@Singleton
public class AckHearing implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AckHearing.class);
    private final Admin admin;
    /** The last reading; null before the first one, or when the last one failed. */
    private volatile Map<String, Instant> since;

    public AckHearing(EventProducer events) {
        Properties p = new Properties();
        p.putAll(events.clientSettings());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        this.admin = Admin.create(p);
    }

    /**
     * Provider id → since when its acknowledgements are heard; a provider not heard now is absent. Null while the
     * group's description cannot be read (not yet, not allowed, or Kafka does not answer): then every provider counts
     * as heard, and the delivery timeout counts from the publish alone. No I/O: the sweep's transaction and a chain's
     * view read the last reading.
     */
    public Map<String, Instant> hearing() {
        return since;
    }

    /** Reads the group's assignment from Kafka, once a second on its own thread. */
    @Scheduled(fixedDelay = "1s", initialDelay = "1s")
    void read() {
        Instant now = Instant.now();
        Map<String, Instant> before = since == null ? Map.of() : since;
        try {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(AckListener.GROUP)).all()
                    .get(3, TimeUnit.SECONDS).get(AckListener.GROUP);
            since = heard(group, before, now);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            since = null;
        } catch (Exception e) {
            LOG.debug("could not read the acknowledgement group's assignment: {}", e.toString());
            since = null;
        }
    }

    /**
     * Who is heard, read from the group's description at {@code now}, given the last reading {@code before}: the
     * providers whose acknowledgement topic a member holds, each since the first reading that showed it held. While
     * the group rebalances (any state but stable), no member reads until every member has rejoined, so nobody is heard
     * and every clock starts again once the group is stable: a rebalance that outlasts a delivery timeout (a new
     * provider's topic found by pattern, a replica joining, on a busy machine) does not fail the chains it held up.
     */
    static Map<String, Instant> heard(ConsumerGroupDescription group, Map<String, Instant> before, Instant now) {
        if (group.groupState() != GroupState.STABLE) {
            return Map.of();
        }
        Map<String, Instant> next = new HashMap<>();
        for (MemberDescription m : group.members()) {
            m.assignment().topicPartitions().forEach(tp -> Topics.providerOf(tp.topic())
                    .ifPresent(provider -> next.put(provider, before.getOrDefault(provider, now))));
        }
        return Map.copyOf(next);
    }

    @PreDestroy
    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
