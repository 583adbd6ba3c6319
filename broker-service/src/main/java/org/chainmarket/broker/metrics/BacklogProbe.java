package org.chainmarket.broker.metrics;

import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.chainmarket.broker.kafka.EventProducer;
import org.chainmarket.schemas.events.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Samples what can only be counted where it is stored, every {@code chainmarket.metrics.sample-interval}: the outbox's
 * rows (PostgreSQL) and the records in every DLQ topic (Kafka end offsets, whichever service dead-lettered them).
 */
@Singleton
public class BacklogProbe {
    private static final Logger LOG = LoggerFactory.getLogger(BacklogProbe.class);
    private final EntityManager em;
    private final MarketMetrics metrics;
    private final Admin admin;

    public BacklogProbe(EntityManager em, MarketMetrics metrics, EventProducer events) {
        this.em = em;
        this.metrics = metrics;
        Properties p = new Properties();
        p.putAll(events.clientSettings());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        this.admin = Admin.create(p);
    }

    @Scheduled(fixedDelay = "${chainmarket.metrics.sample-interval:5s}", initialDelay = "1s")
    @Transactional
    void sampleOutbox() {
        metrics.outboxBacklog(((Number) em.createNativeQuery("SELECT count(*) FROM outbox").getSingleResult()).longValue());
    }

    @Scheduled(fixedDelay = "${chainmarket.metrics.sample-interval:5s}", initialDelay = "1s")
    void sampleDeadLetters() {
        try {
            Set<String> existing = admin.listTopics().names().get(5, TimeUnit.SECONDS);
            Set<String> dlqs = Topics.ALL.stream().map(t -> Topics.dlq(t.name())).filter(existing::contains).collect(Collectors.toSet());
            if (dlqs.isEmpty()) {
                return;
            }
            Map<TopicPartition, OffsetSpec> query = new HashMap<>();
            admin.describeTopics(dlqs).allTopicNames().get(5, TimeUnit.SECONDS).forEach((name, d) ->
                    d.partitions().forEach(p -> query.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
            Map<String, Long> records = new HashMap<>();
            admin.listOffsets(query).all().get(5, TimeUnit.SECONDS)
                    .forEach((tp, info) -> records.merge(tp.topic(), info.offset(), Long::sum));
            records.forEach(metrics::deadLetters);
        } catch (Exception e) {
            LOG.debug("could not sample the DLQ topics: {}", e.toString());
        }
    }

    @PreDestroy
    void close() {
        admin.close(java.time.Duration.ofSeconds(1));
    }
}
