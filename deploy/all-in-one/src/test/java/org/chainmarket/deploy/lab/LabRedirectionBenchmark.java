package org.chainmarket.deploy.lab;

import org.chainmarket.schemas.kafka.KafkaClients;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.chainmarket.adapters.api.PathProvider;
import org.chainmarket.adapters.api.PathProviderService;
import org.chainmarket.adapters.lab.Lab;
import org.chainmarket.adapters.lab.LabSpec;
import org.chainmarket.adapters.openflow.OpenFlowDomain;
import org.chainmarket.adapters.srv6.Srv6Domain;
import org.chainmarket.deploy.Marketplace;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.Degradation;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.Substitution;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.awaitility.Awaitility.await;
import static org.chainmarket.deploy.lab.LabBroker.id;
import static org.chainmarket.deploy.lab.LabBroker.offers;

/**
 * Times broker-driven path redirection on the lab's real data planes: the marketplace (embedded Kafka, PostgreSQL,
 * broker) with the OpenFlow adapter on Open vSwitch and the SRv6 adapter on Linux, a two-provider chain
 * (firewall on OVS, DPI on SRv6) bought through the REST API, and, per repetition, a {@code DegradationDetected} for
 * one of its VNFs published on Kafka as monitoring-ingest does, while 20 echo requests per second flow. The broker
 * re-selects (keeping the healthy hop), sends the VNF's domain a replacing SET-UP, the adapter installs it
 * make-before-break (OpenFlow: one bundle per switch; SRv6: with its 20 ms drain) and answers, and the broker
 * completes the substitution. The degradation is then cleared, so the next repetition moves the chain back.
 *
 * <p>Reported per substituted VNF: the substitution record's own time (the degradation's {@code at} to
 * {@code completedAt}, the {@code triggerToActiveMs} the operator sees, here to the microsecond), when the REST
 * API first showed it COMPLETED (polled every 2 ms), and where the time goes: event to the replacing SET-UP on the
 * commands topic (the broker consuming the event, re-selecting, its transactions, the outbox relay; the record's
 * time stamp, to the millisecond), from there to the SET-UP handed to the adapter (the adapter runner's consumer),
 * the adapter's SET-UP (apply to answer, make-before-break), and its answer to COMPLETED (the
 * acknowledgement on Kafka, the broker's transaction). Plus how many echo requests were lost in all. Everything runs
 * in one JVM, so every time stamp is from one clock. Prints a table next to paper 003's 0.3 s path redirection
 * (Floodlight, Mininet). Needs root and the lab's tools.
 *
 * <p>Usage: {@code LabRedirectionBenchmark [repetitions]} (default 20 per substituted VNF, after {@value #WARM_UP}
 * unrecorded ones that warm the JVM up).
 */
public final class LabRedirectionBenchmark {
    static final int WARM_UP = 3;

    private LabRedirectionBenchmark() {
    }

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Lab.unavailable().ifPresent(reason -> {
            System.err.println("cannot run the lab redirection benchmark: " + reason);
            System.exit(2);
        });
        int exit = 0;
        try {
            run(reps);
        } catch (Throwable t) { // the lab is removed by then; report and stop the embedded infrastructure's threads
            t.printStackTrace();
            exit = 1;
        }
        System.exit(exit);
    }

    private static void run(int reps) throws InterruptedException {
        List<String> rows = new ArrayList<>();
        try (Lab lab = Lab.start(LabSpec.standard())) {
            TimedProvider ovs = null;
            TimedProvider srv6 = null;
            Marketplace market = null;
            try {
                OpenFlowDomain of = new OpenFlowDomain(lab.openFlowConfig());
                ovs = new TimedProvider(of);
                srv6 = new TimedProvider(new Srv6Domain(lab.srv6Config()));
                of.awaitSwitches(Duration.ofSeconds(15));
                market = Marketplace.start(List.of(new Marketplace.ProviderSetup(ovs, lab.ovsOffers()),
                        new Marketplace.ProviderSetup(srv6, lab.srv6Offers())), Map.of("micronaut.server.port", "-1"));
                try (LabBroker broker = new LabBroker(market);
                     CommandTimes onKafka = new CommandTimes(market)) {
                    JsonNode chain = broker.buy("a1", "b2", "firewall", "dpi");
                    System.out.println("chain " + id(chain) + ": " + offers(chain));
                    rows.add(measure(lab, broker, onKafka, id(chain), 0, Lab.OVS, ovs, srv6,
                            "firewall on Open vSwitch (OpenFlow adapter)", reps));
                    rows.add(measure(lab, broker, onKafka, id(chain), 1, Lab.SRV6, srv6, ovs,
                            "DPI on Linux SRv6 (SRv6 adapter)", reps));
                    broker.delete(id(chain));
                    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                            .until(() -> broker.get("/api/v1/chains/" + id(chain)).path("state").asText()
                                    .equals("TERMINATED"));
                }
            } finally {
                if (market != null) {
                    market.close(); // closes the runners, which close the adapters
                } else {
                    if (ovs != null) {
                        ovs.close();
                    }
                    if (srv6 != null) {
                        srv6.close();
                    }
                }
            }
        }
        System.out.println();
        System.out.println("| substituted VNF (domain re-commanded) | degradation → substitution COMPLETED, broker record ms "
                + "(median / p95 / max) | REST API shows COMPLETED ms (median) | event → SET-UP on Kafka ms (median) "
                + "| SET-UP on Kafka → adapter ms (median) | adapter SET-UP, apply → answer ms (median) "
                + "| answer → COMPLETED ms (median) | echo requests at 20/s lost | paper 003 path redirection |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
        System.out.println();
        System.out.println("repetitions: " + reps + " per VNF; " + Runtime.getRuntime().availableProcessors() + " CPUs; Linux "
                + System.getProperty("os.version") + "; paper 003 (Floodlight on Mininet, Abilene): path redirection 0.3 s");
    }

    private static String measure(Lab lab, LabBroker broker, CommandTimes onKafka, String chainId, int hop, ProviderId provider,
                                  TimedProvider adapter, TimedProvider otherAdapter, String name, int reps)
            throws InterruptedException {
        double[] record = new double[reps];
        double[] seen = new double[reps];
        double[] toKafka = new double[reps];
        double[] toAdapter = new double[reps];
        double[] inAdapter = new double[reps];
        double[] toComplete = new double[reps];
        long sent = 0;
        long lost = 0;
        String seenBefore = broker.substitutions(chainId).path(0).path("substitutionId").asText("");
        for (int k = -WARM_UP; k < reps; k++) {
            int r = Math.max(k, 0); // the warm-up rounds write slot 0, which the first recorded round overwrites
            String current = offers(broker.get("/api/v1/chains/" + chainId)).get(hop);
            lab.resetCounters();
            Lab.Pinger pinger = lab.pingInBackground(Lab.H_A1, Lab.address(Lab.H_B2), 24, 20);
            Thread.sleep(300);
            Degradation hot = LabBroker.hot(current, provider);
            long t0 = System.nanoTime();
            broker.publish(EventType.DEGRADATION_DETECTED, hot);
            JsonNode done;
            while (true) {
                JsonNode s = broker.get("/api/v1/substitutions?limit=1&chain=" + chainId).path(0);
                String sid = s.path("substitutionId").asText("");
                if (!sid.isEmpty() && !sid.equals(seenBefore)) {
                    String status = s.path("status").asText();
                    if (status.equals("COMPLETED")) {
                        done = s;
                        break;
                    }
                    if (!status.equals("APPLYING")) {
                        throw new IllegalStateException("substitution of " + current + " ended " + status + ": "
                                + s.path("outcome").asText());
                    }
                }
                if (System.nanoTime() - t0 > 30_000_000_000L) {
                    throw new IllegalStateException("no completed substitution of " + current + " within 30 s");
                }
                Thread.sleep(2);
            }
            seen[r] = (System.nanoTime() - t0) / 1e6;
            seenBefore = done.get("substitutionId").asText();
            Substitution s = readSubstitution(done);
            String now = s.after().hops().get(hop).offerId().value();
            if (now.equals(current) || !s.trigger().subjectId().equals(current)) {
                throw new IllegalStateException("substitution " + s.substitutionId() + " did not move hop " + hop
                        + " off " + current);
            }
            List<TimedProvider.Step> setups = adapter.setupsSince(s.trigger().at());
            if (setups.size() != 1) {
                throw new IllegalStateException("expected one replacing SET-UP in " + provider + ", got " + setups.size());
            }
            if (!otherAdapter.setupsSince(s.trigger().at()).isEmpty()) {
                throw new IllegalStateException("the domain whose segment did not change was re-commanded too");
            }
            TimedProvider.Step step = setups.get(0);
            record[r] = micros(s.trigger().at(), s.completedAt()) / 1e3;
            Instant published = onKafka.published(step.commandId());
            toKafka[r] = micros(s.trigger().at(), published) / 1e3;
            toAdapter[r] = micros(published, step.applied()) / 1e3;
            inAdapter[r] = micros(step.applied(), step.answered()) / 1e3;
            toComplete[r] = micros(step.answered(), s.completedAt()) / 1e3;

            int n = pinger.await(Duration.ofSeconds(20));
            long arrived = lab.settledReceivedTotal(Lab.H_B2);
            if (k >= 0) {
                sent += n;
                lost += n - arrived;
            }
            broker.clear(hot);
            System.out.printf(Locale.ROOT, "%s %s: %s -> %s in %.2f ms (REST %.2f; event -> SETUP on Kafka %.0f, "
                            + "-> adapter %.0f, adapter %.2f, -> COMPLETED %.2f), %d of %d echo requests arrived%n", provider,
                    k < 0 ? "warm-up" : String.valueOf(r), current, now, record[r], seen[r], toKafka[r], toAdapter[r],
                    inAdapter[r], toComplete[r], arrived, n);
        }
        return String.format(Locale.ROOT, "| %s | %.1f / %.1f / %.1f | %.1f | %.0f | %.0f | %.1f | %.1f | %d of %d | 300 ms |",
                name, pct(record, 50), pct(record, 95), pct(record, 100), pct(seen, 50), pct(toKafka, 50), pct(toAdapter, 50),
                pct(inAdapter, 50), pct(toComplete, 50), lost, sent);
    }

    private static Substitution readSubstitution(JsonNode node) {
        try {
            return Json.MAPPER.treeToValue(node, Substitution.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot read substitution " + node, e);
        }
    }

    private static long micros(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1000;
    }

    private static double pct(double[] values, int p) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v[Math.min(v.length - 1, Math.max(0, (int) Math.ceil(p / 100.0 * v.length) - 1))];
    }

    /** When each domain command was written to the commands topic (the record's time stamp), read as the adapters do. */
    static final class CommandTimes implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final Map<String, Instant> published = new ConcurrentHashMap<>();
        private final Thread thread;
        private volatile boolean running = true;

        CommandTimes(Marketplace market) {
            consumer = new KafkaConsumer<>(KafkaClients.consumerConfig(market.bootstrapServers(), null, "command-times",
                    market.kafka().admin()), new StringDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = market.providers().stream()
                    .flatMap(id -> consumer.partitionsFor(Topics.forProvider(Topics.DOMAIN_COMMANDS, id)).stream())
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            thread = new Thread(this::run, "command-times");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            try {
                while (running) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        try {
                            String id = Json.MAPPER.readTree(r.value()).path("commandId").asText("");
                            published.putIfAbsent(id, Instant.ofEpochMilli(r.timestamp()));
                        } catch (IOException e) {
                            System.err.println("unreadable command record at offset " + r.offset() + ": " + e);
                        }
                    }
                }
            } catch (WakeupException e) {
                // closing
            } finally {
                consumer.close(Duration.ofSeconds(5));
            }
        }

        /** When the command was written to the commands topic; waits up to 10 s for it to be read. */
        Instant published(String commandId) throws InterruptedException {
            long until = System.nanoTime() + 10_000_000_000L;
            while (!published.containsKey(commandId)) {
                if (System.nanoTime() > until) {
                    throw new IllegalStateException("command " + commandId + " was not seen on the providers' command topics");
                }
                Thread.sleep(5);
            }
            return published.get(commandId);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            consumer.wakeup();
            thread.join(10_000);
        }
    }

    /** Passes everything to an adapter and notes when each command was handed to it and when it answered. */
    static final class TimedProvider implements PathProvider {
        private final PathProvider inner;
        private final Map<String, DomainCommand.Operation> operations = new ConcurrentHashMap<>();
        private final Map<String, Instant> applied = new ConcurrentHashMap<>();
        private final Map<String, Instant> answered = new ConcurrentHashMap<>();

        TimedProvider(PathProvider inner) {
            this.inner = inner;
        }

        /** One command: handed to the adapter, answered. */
        record Step(String commandId, Instant applied, Instant answered) {
        }

        /** The answered SET-UPs handed to the adapter at or after {@code since}. */
        List<Step> setupsSince(Instant since) {
            List<Step> out = new ArrayList<>();
            applied.forEach((id, at) -> {
                if (!at.isBefore(since) && operations.get(id) == DomainCommand.Operation.SETUP && answered.containsKey(id)) {
                    out.add(new Step(id, at, answered.get(id)));
                }
            });
            return out;
        }

        @Override
        public ProviderDomain domain() {
            return inner.domain();
        }

        @Override
        public void activate(PathProviderService service) {
            inner.activate(ack -> {
                answered.putIfAbsent(ack.commandId(), Instant.now());
                service.completed(ack);
            });
        }

        @Override
        public void apply(DomainCommand command) {
            operations.putIfAbsent(command.commandId(), command.operation());
            applied.putIfAbsent(command.commandId(), Instant.now());
            inner.apply(command);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
