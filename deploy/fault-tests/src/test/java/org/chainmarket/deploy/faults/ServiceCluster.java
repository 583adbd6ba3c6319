package org.chainmarket.deploy.faults;

import org.chainmarket.deploy.embedded.Ports;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.chainmarket.deploy.Marketplace;
import org.chainmarket.deploy.embedded.JvmProcess;
import org.chainmarket.deploy.embedded.KafkaCluster;
import org.chainmarket.deploy.embedded.TopicTail;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.events.TopicInitializer;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.kafka.KafkaAccess;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.DomainStateReport;
import org.chainmarket.schemas.model.ProviderId;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The marketplace as the separate programs it is made of, each its own JVM: a KRaft Kafka cluster of three nodes
 * ({@link KafkaCluster}), PostgreSQL (its own postgres process), broker replicas ({@code org.chainmarket.broker.Application},
 * all on that database and that Kafka, signing tokens with one key), monitoring-ingest ({@code MonitoringMain}) and one
 * adapter runner per demo provider ({@code AdapterMain --kind emulated --domain <provider>.json}, the compose demo's
 * domain files). Kafka requires SASL/SCRAM as everywhere else: the harness provisions each service's principal
 * ({@link KafkaAccess}) and hands it its credentials.
 *
 * <p>What the domains hold is read from their adapters' own state reports (each adapter reports every two seconds
 * on its provider's state topic), and every domain command and acknowledgement is kept as it passes on Kafka.
 */
final class ServiceCluster implements Market, AutoCloseable {
    static final List<String> PROVIDERS = List.of("west", "central", "east");
    private static final Path DEMO = Path.of("..", "compose", "demo");
    private static final Duration START = Duration.ofSeconds(300);
    private static final List<String> SMALL = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final Path dir;
    private final KafkaCluster kafka;
    private final PostgresServer postgres;
    private final KafkaAccess access;
    private final List<String> brokerJvm;
    private final List<Replica> replicas = new ArrayList<>();
    private final List<JvmProcess> services = new ArrayList<>();
    private final Map<String, Integer> adapterHealthPorts = new TreeMap<>();
    private final List<TopicTail> tails = new ArrayList<>();
    private final Map<String, DomainStateReport> latestReports = new ConcurrentHashMap<>();
    private final List<DomainCommand> commands = new CopyOnWriteArrayList<>();
    private final List<DomainAck> acks = new CopyOnWriteArrayList<>();

    /** A broker replica: its process and API port. */
    record Replica(int index, int port, JvmProcess process) {
        URI api() {
            return URI.create("http://127.0.0.1:" + port);
        }
    }

    private ServiceCluster(Path dir, KafkaCluster kafka, PostgresServer postgres, List<String> brokerJvm) {
        this.dir = dir;
        this.kafka = kafka;
        this.postgres = postgres;
        this.brokerJvm = brokerJvm;
        this.access = KafkaAccess.secured(kafka.bootstrapServers(), kafka.adminSettings());
    }

    /**
     * Starts everything under {@code dir}, with {@code brokerReplicas} broker replicas whose JVMs get
     * {@code brokerJvm}, and waits until every replica serves every demo offer.
     */
    static ServiceCluster start(Path dir, int brokerReplicas, List<String> brokerJvm) throws Exception {
        PostgresServer postgres = new PostgresServer(dir.resolve("postgres"));
        KafkaCluster kafka;
        try {
            postgres.start();
            kafka = KafkaCluster.start(dir.resolve("kafka"), 3, SMALL);
        } catch (Exception e) {
            postgres.close();
            throw e;
        }
        ServiceCluster cluster = new ServiceCluster(dir, kafka, postgres, brokerJvm);
        try {
            cluster.boot(brokerReplicas);
            return cluster;
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    private void boot(int brokerReplicas) throws Exception {
        TopicInitializer.ensureTopics(kafka.bootstrapServers(), 3, access.admin());
        Path monitoringCredentials = KafkaAccess.writeProperties(access.monitoring(), dir.resolve("monitoring-kafka.properties"));
        access.broker();
        for (String p : PROVIDERS) {
            KafkaAccess.writeProperties(access.adapter(ProviderId.of(p)), dir.resolve(p + "-kafka.properties"));
        }
        observeDomains();
        for (int i = 1; i <= brokerReplicas; i++) {
            replicas.add(startReplica(i));
        }
        services.add(JvmProcess.start(SMALL, "org.chainmarket.monitoring.service.MonitoringMain",
                List.of("--bootstrap-servers", kafka.bootstrapServers(), "--kafka-properties", monitoringCredentials.toString(),
                        "--health-port", "-1", "--consumers", "1"), Map.of()));
        for (String p : PROVIDERS) {
            int health = Ports.free();
            adapterHealthPorts.put(p, health);
            services.add(JvmProcess.start(List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                    "org.chainmarket.adapters.runner.AdapterMain",
                    List.of("--kind", "emulated", "--domain", DEMO.resolve(p + ".json").toString(), "--bootstrap-servers",
                            kafka.bootstrapServers(), "--kafka-properties", dir.resolve(p + "-kafka.properties").toString(),
                            "--health-port", String.valueOf(health), "--report-interval-ms", "2000"), Map.of()));
        }
        for (Replica r : replicas) {
            awaitHealthy(r);
        }
        int offers = demoOffers();
        for (Replica r : replicas) {
            Buyers at = new Buyers(r.api());
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        servicesAlive();
                        Buyers.Answer a = at.get("acme", "/api/v1/offers");
                        return a.status() == 200 && a.body().size() >= offers;
                    });
        }
    }

    private void servicesAlive() {
        for (JvmProcess p : services) {
            if (!p.isAlive()) {
                throw new IllegalStateException("a service ended:\n" + String.join("\n", p.output()));
            }
        }
    }

    /** Waits until the replica's {@code GET /health} answers 200 (Kafka and PostgreSQL reached). */
    private static void awaitHealthy(Replica r) throws InterruptedException {
        long until = System.nanoTime() + START.toNanos();
        String health = "";
        while (System.nanoTime() < until) {
            if (!r.process().isAlive()) {
                throw new IllegalStateException("broker replica " + r.index() + " ended:\n" + String.join("\n", r.process().output()));
            }
            health = JvmProcess.health(r.port());
            if (health.startsWith("200")) {
                return;
            }
            Thread.sleep(1_000);
        }
        throw new IllegalStateException("broker replica " + r.index() + " not healthy within " + START.toSeconds() + " s (" + health
                + "):\n" + String.join("\n", r.process().output()));
    }

    private Replica startReplica(int index) throws IOException {
        int port = Ports.free();
        List<String> jvm = new ArrayList<>(brokerJvm);
        jvm.addAll(List.of("-Dmicronaut.server.port=" + port, "-Dmicronaut.server.host=127.0.0.1",
                "-Dkafka.bootstrap.servers=" + kafka.bootstrapServers(), "-Ddatasources.default.url=" + postgres.jdbcUrl(),
                "-Ddatasources.default.username=postgres", "-Ddatasources.default.password=postgres"));
        access.broker().forEach((k, v) -> jvm.add("-Dkafka." + k + "=" + v));
        for (String buyer : Buyers.NAMES) {
            String prefix = "-Dchainmarket.security.accounts." + buyer + ".";
            jvm.addAll(List.of(prefix + "password=" + Marketplace.DEFAULT_DEMO_PASSWORD, prefix + "role=BUYER", prefix + "party=" + buyer));
        }
        JvmProcess p = JvmProcess.start(jvm, "org.chainmarket.broker.Application", List.of(),
                Map.of("CHAINMARKET_TOKEN_SECRET", MarketplaceProcess.TOKEN_SECRET));
        return new Replica(index, port, p);
    }

    private static int demoOffers() throws IOException {
        int n = 0;
        for (String p : PROVIDERS) {
            n += Json.MAPPER.readTree(DEMO.resolve(p + ".json").toFile()).get("offers").size();
        }
        return n;
    }

    /** Keeps, from Kafka, the adapters' latest state reports and every domain command and acknowledgement. */
    private void observeDomains() {
        List<String> topics = new ArrayList<>();
        for (String p : PROVIDERS) {
            ProviderId id = ProviderId.of(p);
            topics.add(Topics.forProvider(Topics.DOMAIN_STATES, id));
            topics.add(Topics.forProvider(Topics.DOMAIN_COMMANDS, id));
            topics.add(Topics.forProvider(Topics.DOMAIN_ACKS, id));
        }
        tails.add(new TopicTail(kafka.bootstrapServers(), access.admin(), topics, TopicTail.From.BEGINNING, this::observe));
    }

    private void observe(ConsumerRecord<String, byte[]> record) {
        try {
            CloudEvents.Event event = CloudEvents.decode(record);
            String family = Topics.familyOf(record.topic());
            if (family.equals(Topics.DOMAIN_STATES)) {
                DomainStateReport report = event.payload(DomainStateReport.class);
                if (report.full()) {
                    latestReports.merge(report.providerId().value(), report,
                            (old, now) -> now.at().isBefore(old.at()) ? old : now);
                }
            } else if (family.equals(Topics.DOMAIN_COMMANDS)) {
                commands.add(event.payload(DomainCommand.class));
            } else if (family.equals(Topics.DOMAIN_ACKS)) {
                acks.add(event.payload(DomainAck.class));
            }
        } catch (RuntimeException e) {
            // a record that is not one of these events is nothing the checks read
        }
    }

    List<Replica> replicas() {
        return List.copyOf(replicas);
    }

    KafkaCluster kafka() {
        return kafka;
    }

    /** Every domain command published so far. */
    List<DomainCommand> commands() {
        return List.copyOf(commands);
    }

    /** Every acknowledgement the domains published so far. */
    List<DomainAck> acks() {
        return List.copyOf(acks);
    }

    /** The value of the gauge {@code chainmarket.sweeps.leader} at {@code replica} (1: it runs the sweeps), or -1 if unreachable. */
    double sweepLeader(Replica replica) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(replica.api().resolve("/prometheus"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return r.body().lines().filter(l -> l.startsWith("chainmarket_sweeps_leader")).map(l -> l.substring(l.lastIndexOf(' ') + 1))
                    .mapToDouble(Double::parseDouble).findFirst().orElse(-1);
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** What each adapter's {@code /health} says (commands handed off, state reports, ...), by provider. */
    Map<String, JsonNode> adapterHealth() {
        Map<String, JsonNode> out = new TreeMap<>();
        adapterHealthPorts.forEach((p, port) -> {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                out.put(p, Json.MAPPER.readTree(r.body()));
            } catch (IOException e) {
                out.put(p, Json.MAPPER.getNodeFactory().textNode(e.toString()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return out;
    }

    @Override
    public String jdbcUrl() {
        return postgres.jdbcUrl();
    }

    /** For each provider, the chains its domain held in its adapter's latest full state report. */
    @Override
    public Map<String, Set<String>> carriedChains() {
        Map<String, Set<String>> out = new TreeMap<>();
        latestReports.forEach((p, report) -> out.put(p, new TreeSet<>(report.chains().stream()
                .map(c -> c.chainId().value()).toList())));
        return out;
    }

    /** Writes every process's output to {@code target/<name>-<process>.log}. */
    void keepLogs(String name) throws IOException {
        for (Replica r : replicas) {
            Files.write(Path.of("target", name + "-broker-" + r.index() + ".log"), r.process().output());
        }
        for (int i = 0; i < services.size(); i++) {
            Files.write(Path.of("target", name + "-service-" + i + ".log"), services.get(i).output());
        }
    }

    @Override
    public void close() throws Exception {
        for (TopicTail t : tails) {
            t.close();
        }
        for (Replica r : replicas) {
            r.process().close();
        }
        services.forEach(JvmProcess::close);
        kafka.close();
        postgres.close();
    }
}
