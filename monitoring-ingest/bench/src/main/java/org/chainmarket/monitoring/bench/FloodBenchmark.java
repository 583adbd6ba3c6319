package org.chainmarket.monitoring.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.chainmarket.deploy.embedded.EmbeddedKafka;
import org.chainmarket.schemas.kafka.KafkaAccess;
import org.chainmarket.schemas.model.ProviderId;
import java.util.Set;
import org.chainmarket.monitoring.load.SyntheticFleet;
import org.chainmarket.monitoring.service.MonitoringService;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.TopicInitializer;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.kafka.KafkaClients;
import org.chainmarket.schemas.model.TelemetryBatch;
import picocli.CommandLine;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Memory and lag of monitoring-ingest under a telemetry flood: a producer sends telemetry as fast as it can for
 * {@code --seconds} (more than the service can decode on this machine) to a fresh embedded broker, while the service
 * runs with 1..n consumer threads, without and with shedding of telemetry older than {@code --shed-after-seconds}.
 * Every 500 ms it samples the group's lag as an operator sees it (end offsets minus committed offsets of the
 * telemetry partitions) and the JVM's heap in use (the broker runs in the same JVM); after the flood it waits until
 * the service has caught up. Prints one table row per run.
 */
@CommandLine.Command(name = "flood-benchmark", mixinStandardHelpOptions = true,
        description = "Memory and lag of monitoring-ingest under a telemetry flood.")
public final class FloodBenchmark implements Callable<Integer> {
    @CommandLine.Option(names = "--seconds", defaultValue = "20", description = "flood duration (default: ${DEFAULT-VALUE})")
    int seconds;

    @CommandLine.Option(names = "--consumers", split = ",", defaultValue = "1,2", description = "consumer threads per run (default: ${DEFAULT-VALUE})")
    List<Integer> consumers;

    @CommandLine.Option(names = "--shed-after-seconds", defaultValue = "5",
            description = "the shedding runs skip telemetry older than this (default: ${DEFAULT-VALUE})")
    int shedAfter;

    @CommandLine.Option(names = "--providers", defaultValue = "20", description = "providers, i.e. telemetry keys (default: ${DEFAULT-VALUE})")
    int providers;

    @CommandLine.Option(names = "--batch", defaultValue = "100", description = "samples per record (default: ${DEFAULT-VALUE})")
    int batch;

    @CommandLine.Option(names = "--partitions", defaultValue = "6", description = "partitions of the telemetry topic (default: ${DEFAULT-VALUE})")
    int partitions;

    @CommandLine.Option(names = "--catch-up-limit", defaultValue = "120", description = "longest wait to catch up, s (default: ${DEFAULT-VALUE})")
    int catchUpLimit;

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

    public static void main(String[] args) {
        System.exit(new CommandLine(new FloodBenchmark()).execute(args));
    }

    record Row(int consumers, String shedding, double offeredPerSecond, double ingestedPerSecond, long shed,
               long maxLag, long lagAtFloodEnd, String catchUp, double heapMaxMb, double heapAfterGcMb) {
    }

    @Override
    public Integer call() throws Exception {
        System.out.printf("monitoring-ingest flood benchmark: %d s flood, %d providers, %d samples per record, %d partitions, "
                        + "%d cores, max heap %d MB, JVM %s%n", seconds, providers, batch, partitions,
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"));
        List<ProducerRecord<String, byte[]>> pool = pool();
        List<Row> rows = new ArrayList<>();
        for (int c : consumers) {
            rows.add(run(pool, c, null));
            rows.add(run(pool, c, Duration.ofSeconds(shedAfter)));
        }
        System.out.println();
        System.out.println("| consumers | shedding | offered samples/s | ingested samples/s | records shed | max lag (records) "
                + "| lag at flood end | caught up after | heap max MB | heap after GC MB |");
        System.out.println("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Row r : rows) {
            System.out.printf("| %d | %s | %,.0f | %,.0f | %,d | %,d | %,d | %s | %.0f | %.0f |%n", r.consumers(), r.shedding(),
                    r.offeredPerSecond(), r.ingestedPerSecond(), r.shed(), r.maxLag(), r.lagAtFloodEnd(), r.catchUp(),
                    r.heapMaxMb(), r.heapAfterGcMb());
        }
        return 0;
    }

    /** Records of the telemetry topic the group has not committed yet. */
    private long groupLag(Admin admin, String group, Set<String> topics) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (String topic : topics) {
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
        }
        long lag = 0;
        for (var e : admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            lag += e.getValue().offset() - (c == null ? 0 : c.offset());
        }
        return lag;
    }

    /** A fleet's telemetry, encoded once; the flood sends it round and round. */
    private List<ProducerRecord<String, byte[]>> pool() {
        int links = Math.max(1, batch / 5);
        SyntheticFleet fleet = new SyntheticFleet(providers, batch - links, 10, links, 7);
        Instant t0 = Instant.now();
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
        for (int round = 0; round < 100; round++) {
            for (int p = 0; p < providers; p++) {
                TelemetryBatch b = fleet.batch(p, t0.plusSeconds(round), SyntheticFleet.Faults.NONE);
                out.add(CloudEvents.toProvider(CloudEvents.encode(EventType.TELEMETRY_REPORTED, b.providerId().value(), b, "/bench"),
                        b.providerId()));
            }
        }
        return out;
    }

    private Row run(List<ProducerRecord<String, byte[]>> pool, int consumerThreads, Duration shedAfterAge) throws Exception {
        System.gc();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            KafkaAccess access = KafkaAccess.secured(kafka.bootstrapServers(), kafka.adminSettings());
            TopicInitializer.ensureTopics(kafka.bootstrapServers(), partitions, (short) 1, access.admin());
            // each provider's telemetry topic (the flood is sent by the super user on the providers' behalf)
            Set<String> topics = new java.util.TreeSet<>();
            pool.forEach(r -> topics.add(r.topic()));
            for (String topic : topics) {
                TopicInitializer.ensureProviderTopics(kafka.bootstrapServers(), ProviderId.of(Topics.providerOf(topic).orElseThrow()),
                        partitions, (short) 1, access.admin());
            }
            MonitoringService.Config config = MonitoringService.Config.defaults(kafka.bootstrapServers())
                    .withConsumers(consumerThreads).withMaxRecordAge(shedAfterAge).withClientOverrides(access.monitoring());
            Map<String, Object> adminSettings = new HashMap<>(access.admin());
            adminSettings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            Map<String, Object> tuning = new HashMap<>(access.admin());
            tuning.putAll(Map.of(ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024,
                    ProducerConfig.ACKS_CONFIG, "1", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false));
            try (MonitoringService service = new MonitoringService(config);
                 Admin admin = Admin.create(adminSettings);
                 KafkaProducer<String, byte[]> producer = KafkaClients.producer(kafka.bootstrapServers(), "flood", tuning)) {
                service.start();
                AtomicBoolean flooding = new AtomicBoolean(true);
                AtomicLong sent = new AtomicLong();
                Thread flood = new Thread(() -> {
                    for (int i = 0; flooding.get(); i = (i + 1) % pool.size()) {
                        ProducerRecord<String, byte[]> r = pool.get(i);
                        producer.send(new ProducerRecord<>(r.topic(), null, r.key(), r.value(), r.headers()));
                        sent.incrementAndGet();
                    }
                }, "flood");
                long start = System.nanoTime();
                long floodEnd = start + Duration.ofSeconds(seconds).toNanos();
                flood.start();
                long maxLag = 0;
                long maxHeap = 0;
                while (System.nanoTime() < floodEnd) {
                    Thread.sleep(500);
                    maxLag = Math.max(maxLag, groupLag(admin, config.groupId(), topics));
                    maxHeap = Math.max(maxHeap, memory.getHeapMemoryUsage().getUsed());
                }
                flooding.set(false);
                flood.join();
                producer.flush();
                long lagAtEnd = groupLag(admin, config.groupId(), topics);
                long offered = sent.get();
                long catchUpDeadline = System.nanoTime() + Duration.ofSeconds(catchUpLimit).toNanos();
                while (service.batchesIngested() + service.shed() < offered && System.nanoTime() < catchUpDeadline) {
                    Thread.sleep(200);
                    maxHeap = Math.max(maxHeap, memory.getHeapMemoryUsage().getUsed());
                }
                double total = (System.nanoTime() - start) / 1e9;
                boolean caughtUp = service.batchesIngested() + service.shed() >= offered;
                String catchUp = caughtUp ? String.format("%.1f s", total - seconds) : "not in " + catchUpLimit + " s";
                System.gc();
                double heapAfter = memory.getHeapMemoryUsage().getUsed() / 1048576.0;
                Row row = new Row(consumerThreads, shedAfterAge == null ? "off" : "older than " + shedAfterAge.toSeconds() + " s",
                        (double) offered * batch / seconds, service.samplesIngested() / total, service.shed(), maxLag, lagAtEnd,
                        catchUp, maxHeap / 1048576.0, heapAfter);
                System.out.println(row);
                return row;
            }
        }
    }
}
