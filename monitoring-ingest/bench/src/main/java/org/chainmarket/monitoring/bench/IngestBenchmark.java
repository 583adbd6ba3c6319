package org.chainmarket.monitoring.bench;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.chainmarket.deploy.embedded.EmbeddedKafka;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.kafka.KafkaAccess;
import org.chainmarket.monitoring.context.ContextEngine;
import org.chainmarket.monitoring.context.ContextSink;
import org.chainmarket.monitoring.load.LoadGenerator;
import org.chainmarket.monitoring.load.SyntheticFleet;
import org.chainmarket.monitoring.policy.ThresholdPolicy;
import org.chainmarket.monitoring.service.MonitoringService;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.TopicInitializer;
import org.chainmarket.schemas.model.Degradation;
import org.chainmarket.schemas.model.InstanceContext;
import org.chainmarket.schemas.model.LinkContext;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.TelemetryBatch;
import picocli.CommandLine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many samples per second monitoring-ingest sustains end to end on this machine. For each batch size: a fresh
 * embedded Kafka broker, the telemetry topic pre-filled with {@code --samples} samples of a {@link SyntheticFleet}
 * (one record per provider per round, 4/5 instance samples and 1/5 link samples, 2 % of the instances hot in the
 * middle third so detectors fire), then a {@link MonitoringService} in a new consumer group consumes it all
 * (decode and validate, windows, detectors, publishing context and degradations). Samples/s is measured from the
 * first batch ingested to the last. A second row per batch size runs the same records through decode and the engine
 * in-process, without Kafka, to show what the broker round trip costs. One untimed in-process run warms the JIT first.
 */
@CommandLine.Command(name = "ingest-benchmark", mixinStandardHelpOptions = true,
        description = "Sustained samples per second of monitoring-ingest over a real (embedded) Kafka broker.")
public final class IngestBenchmark implements Callable<Integer> {
    @CommandLine.Option(names = "--samples", defaultValue = "2000000", description = "samples per run (default: ${DEFAULT-VALUE})")
    long samples;

    @CommandLine.Option(names = "--batch-sizes", split = ",", defaultValue = "100,1000", description = "samples per record (default: ${DEFAULT-VALUE})")
    List<Integer> batchSizes;

    @CommandLine.Option(names = "--providers", defaultValue = "20", description = "providers, i.e. telemetry keys (default: ${DEFAULT-VALUE})")
    int providers;

    @CommandLine.Option(names = "--partitions", defaultValue = "4", description = "partitions of the telemetry topic (default: ${DEFAULT-VALUE})")
    int partitions;

    @CommandLine.Option(names = "--seed", defaultValue = "7")
    long seed;

    public static void main(String[] args) {
        LoadGenerator.quietKafkaLogs();
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.exit(new CommandLine(new IngestBenchmark()).execute(args));
    }

    record Row(String mode, int batchSize, long samples, long batches, double seconds, long contextUpdates,
               long degradations) {
        double rate() {
            return samples / seconds;
        }
    }

    @Override
    public Integer call() throws Exception {
        System.out.printf("monitoring-ingest benchmark: %,d samples per run, %d providers, %d partitions, %d cores, JVM %s%n",
                samples, providers, partitions, Runtime.getRuntime().availableProcessors(), Runtime.version());
        List<Row> rows = new ArrayList<>();
        runInProcess(batchSizes.get(0));   // warm-up: JIT and schema loading stay out of the table
        for (int batchSize : batchSizes) {
            rows.add(runOverKafka(batchSize));
            rows.add(runInProcess(batchSize));
        }
        System.out.println();
        System.out.printf("| %-24s | %6s | %10s | %8s | %7s | %10s | %9s | %12s |%n", "mode", "batch", "samples", "batches",
                "seconds", "samples/s", "ctx upd.", "degradations");
        System.out.println("|--------------------------|-------:|-----------:|---------:|--------:|-----------:|----------:|-------------:|");
        for (Row r : rows) {
            System.out.printf("| %-24s | %6d | %,10d | %,8d | %7.2f | %,10.0f | %,9d | %,12d |%n", r.mode(), r.batchSize(),
                    r.samples(), r.batches(), r.seconds(), r.rate(), r.contextUpdates(), r.degradations());
        }
        return 0;
    }

    private List<ProducerRecord<String, byte[]>> records(int batchSize) {
        int links = Math.max(1, batchSize / 5);
        SyntheticFleet fleet = new SyntheticFleet(providers, batchSize - links, 10, links, seed);
        int rounds = (int) Math.max(1, samples / ((long) providers * fleet.batchSize()));
        Set<OfferId> hot = new HashSet<>();
        for (int p = 0; p < providers; p++) {
            for (int i = 0; i < batchSize - links; i += 50) {
                hot.add(fleet.instance(p, i));
            }
        }
        SyntheticFleet.Faults heat = new SyntheticFleet.Faults(hot, Set.of(), Set.of(), Set.of());
        Instant t0 = Instant.parse("2026-11-20T10:00:00Z");
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>(rounds * providers);
        for (int round = 0; round < rounds; round++) {
            boolean hotNow = round >= rounds / 3 && round < 2 * rounds / 3;
            for (int p = 0; p < providers; p++) {
                TelemetryBatch b = fleet.batch(p, t0.plusSeconds(round), hotNow ? heat : SyntheticFleet.Faults.NONE);
                out.add(CloudEvents.toProvider(CloudEvents.encode(EventType.TELEMETRY_REPORTED, b.providerId().value(), b, "/bench"),
                        b.providerId()));
            }
        }
        return out;
    }

    private static long samplesIn(List<ProducerRecord<String, byte[]>> records, int batchSize) {
        int links = Math.max(1, batchSize / 5);
        return (long) records.size() * ((batchSize - links) + links);
    }

    private Row runOverKafka(int batchSize) throws Exception {
        List<ProducerRecord<String, byte[]>> records = records(batchSize);
        long total = samplesIn(records, batchSize);
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            KafkaAccess access = KafkaAccess.secured(kafka.bootstrapServers(), kafka.adminSettings());
            TopicInitializer.ensureTopics(kafka.bootstrapServers(), partitions, (short) 1, access.admin());
            // each provider's telemetry topic; the super user fills them on the providers' behalf
            records.stream().map(r -> r.topic()).distinct().forEach(t -> TopicInitializer.ensureProviderTopics(kafka.bootstrapServers(),
                    org.chainmarket.schemas.model.ProviderId.of(Topics.providerOf(t).orElseThrow()), partitions, (short) 1, access.admin()));
            long fillStart = System.nanoTime();
            Map<String, Object> fill = new java.util.HashMap<>(access.admin());
            fill.putAll(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 1024 * 1024,
                    ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024, ProducerConfig.ACKS_CONFIG, "1"));
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(fill, new StringSerializer(), new ByteArraySerializer())) {
                records.forEach(producer::send);
                producer.flush();
            }
            double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
            System.out.printf("batch %d: pre-filled %,d samples in %,d records in %.2f s%n", batchSize, total, records.size(), fillSeconds);
            MonitoringService.Config config = MonitoringService.Config.defaults(kafka.bootstrapServers())
                    .withGroupId(MonitoringService.GROUP_ID + "-bench-" + UUID.randomUUID()).withMaxRecordAge(null)
                    .withClientOverrides(access.monitoring());
            try (MonitoringService service = new MonitoringService(config)) {
                service.start();
                long first = 0;
                while (service.samplesIngested() < total) {
                    if (first == 0 && service.samplesIngested() > 0) {
                        first = System.nanoTime();
                    }
                    if (!service.isRunning()) {
                        throw new IllegalStateException("the service stopped after " + service.samplesIngested() + " samples");
                    }
                    Thread.sleep(1);
                }
                double seconds = (System.nanoTime() - first) / 1e9;
                return new Row("kafka end to end", batchSize, service.samplesIngested(), service.batchesIngested(), seconds,
                        service.contextUpdates(), service.degradationsDetected() + service.degradationsCleared());
            }
        }
    }

    private Row runInProcess(int batchSize) {
        List<ProducerRecord<String, byte[]>> records = records(batchSize);
        AtomicLong contexts = new AtomicLong();
        AtomicLong degradations = new AtomicLong();
        ContextEngine engine = new ContextEngine(ThresholdPolicy.defaults(), new ContextSink() {
            @Override
            public void instance(InstanceContext context) {
                contexts.incrementAndGet();
            }

            @Override
            public void link(LinkContext context) {
                contexts.incrementAndGet();
            }

            @Override
            public void detected(Degradation degradation) {
                degradations.incrementAndGet();
            }

            @Override
            public void cleared(Degradation degradation) {
                degradations.incrementAndGet();
            }
        });
        long n = 0;
        long start = System.nanoTime();
        long offset = 0;
        for (ProducerRecord<String, byte[]> p : records) {
            ConsumerRecord<String, byte[]> c = new ConsumerRecord<>(p.topic(), 0, offset++, 0L, TimestampType.CREATE_TIME,
                    0, 0, p.key(), p.value(), p.headers(), Optional.empty());
            n += engine.apply(CloudEvents.decode(c).payload(TelemetryBatch.class), System.currentTimeMillis());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Row("in-process decode+engine", batchSize, n, records.size(), seconds, contexts.get(), degradations.get());
    }

}
