package org.chainmarket.deploy;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.chainmarket.adapters.api.PathProvider;
import org.chainmarket.adapters.api.TelemetrySource;
import org.chainmarket.adapters.emulated.EmulatedDomain;
import org.chainmarket.adapters.runner.AdapterRunner;
import org.chainmarket.broker.registry.MarketReadModel;
import org.chainmarket.deploy.demo.DemoMarket;
import org.chainmarket.deploy.embedded.DataDirectory;
import org.chainmarket.deploy.embedded.EmbeddedKafka;
import org.chainmarket.deploy.embedded.EmbeddedPostgres;
import org.chainmarket.monitoring.policy.ThresholdPolicy;
import org.chainmarket.monitoring.service.MonitoringService;
import org.chainmarket.placement.service.PlacementService;
import org.chainmarket.schemas.events.TopicInitializer;
import org.chainmarket.schemas.kafka.KafkaAccess;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfOffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The running marketplace: Kafka (embedded KRaft broker unless {@code kafka.bootstrap.servers} is set; either way every
 * service and every provider's adapter connects as its own principal, {@link KafkaAccess}),
 * PostgreSQL (embedded 17 unless {@code datasources.default.url} is set), the broker service, and one adapter
 * runner per provider domain (emulated for the demo, or any other {@link PathProvider}). The providers advertise over Kafka as real ones would;
 * {@link #start} returns once the broker has registered every demo offer. {@link #close} stops the services, then
 * the data stores.
 */
public final class Marketplace implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Marketplace.class);
    /** What runs on the data stores, closed first (the broker, the placement service, monitoring-ingest, the adapter runners), in that order. */
    private final List<AutoCloseable> services = new ArrayList<>();
    /** The embedded data stores (PostgreSQL, Kafka), closed last, in that order. */
    private final List<AutoCloseable> stores = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Map<ProviderId, PathProvider> providersById = new LinkedHashMap<>();
    private final Map<ProviderId, AdapterRunner> runners = new LinkedHashMap<>();
    private String bootstrapServers;
    private KafkaAccess kafkaAccess;
    private MonitoringService monitoring;
    private PlacementService placement;
    private EmbeddedServer broker;

    private Marketplace() {
    }

    /**
     * Property that turns monitoring on: emulated domains report telemetry at this interval (an ISO-8601 or
     * Micronaut-style duration such as {@code 500ms}) and monitoring-ingest runs beside the broker, so degradations
     * drive substitution. Absent, neither runs.
     */
    public static final String TELEMETRY_INTERVAL = "chainmarket.monitoring.telemetry-interval";

    /**
     * Property that turns the placement service on ({@code true}); off unless set (the launcher sets it). It plans from
     * the broker's demand reports and the domains' catalogues and has the domains start, drain and stop instances.
     */
    public static final String PLACEMENT = "chainmarket.placement.enabled";
    /** Property: the placement service re-plans at least this often (default {@code 300s}). */
    public static final String PLACEMENT_PERIOD = "chainmarket.placement.period";
    /** Property: no two plans closer than this (default {@code 5s}). */
    public static final String PLACEMENT_MIN_GAP = "chainmarket.placement.min-gap";
    /** Property: capacity rejections since the last plan that trigger a re-plan (default 10). */
    public static final String PLACEMENT_REJECTION_THRESHOLD = "chainmarket.placement.rejection-threshold";
    /** Property: providers (comma-separated) whose placement decisions wait for an operator's approval. */
    public static final String PLACEMENT_APPROVAL = "chainmarket.placement.approval";
    /** Property: an instance is stopped only after carrying no chain (nor starting) this long (default {@code 120s}). */
    public static final String PLACEMENT_IDLE_GRACE = "chainmarket.placement.idle-grace";

    /**
     * Property that turns the demo accounts off ({@code false}); on by default. The demo accounts are an admin
     * ({@code admin}), an operator ({@code alice}), two buyers ({@code acme}, {@code globex}) and one account per
     * provider named by its provider id, all with the password of {@link #DEMO_PASSWORD} (default
     * {@value #DEFAULT_DEMO_PASSWORD}).
     */
    public static final String DEMO_ACCOUNTS = "chainmarket.demo.accounts";
    /** Property: the demo accounts' password. */
    public static final String DEMO_PASSWORD = "chainmarket.demo.password";
    public static final String DEFAULT_DEMO_PASSWORD = "chainmarket-demo";

    /** A demo account: its name, role and the provider or buyer id it acts for (null for operator and admin). */
    public record DemoAccount(String username, String role, String party) {
    }

    private final List<DemoAccount> demoAccounts = new ArrayList<>();
    private String demoPassword;

    /**
     * Property naming the directory where the embedded Kafka and PostgreSQL keep their data ({@link DataDirectory}):
     * a start on a directory a previous run used resumes with its providers, offers, chains and reservations, and
     * the demo's providers advertise again (an offer keeps the capacity chains hold). Absent, both run on temporary
     * data deleted on {@link #close}.
     */
    public static final String DATA_DIR = "chainmarket.data-dir";

    /**
     * Property: how many rounds of {@link WarmUp} run once the offers are registered, before {@link #start} returns
     * (default: the system property of that name, else {@value WarmUp#DEFAULT_ROUNDS}; {@code 0} turns the warm-up off). The warm-up changes nothing in the market.
     */
    public static final String WARM_UP_ROUNDS = WarmUp.ROUNDS;

    /** A provider to run: its southbound provider (any domain kind) and the offers it advertises. */
    public record ProviderSetup(PathProvider provider, List<VnfOffer> offers) {
    }

    /**
     * Runs the demo's providers as emulated domains (reporting telemetry when {@link #TELEMETRY_INTERVAL} is set).
     *
     * @param properties broker configuration on top of application.yml (for example the HTTP port)
     */
    public static Marketplace start(DemoMarket demo, Map<String, String> properties) {
        return start(demo, properties, ThresholdPolicy.defaults());
    }

    /**
     * Runs the demo's providers as emulated domains; when {@link #TELEMETRY_INTERVAL} is set, monitoring-ingest
     * judges their telemetry by {@code policy} (thresholds, window, dwell) instead of its defaults.
     */
    public static Marketplace start(DemoMarket demo, Map<String, String> properties, ThresholdPolicy policy) {
        return start(demo.providers().stream().map(p -> new ProviderSetup(new EmulatedDomain(p.domain(), p.offers(), p.catalogue()),
                p.offers())).toList(), properties, policy);
    }

    /** Runs the given providers, whatever their domain kind. */
    public static Marketplace start(List<ProviderSetup> providers, Map<String, String> properties) {
        return start(providers, properties, ThresholdPolicy.defaults());
    }

    /** Runs the given providers, with monitoring (when {@link #TELEMETRY_INTERVAL} is set) under {@code policy}. */
    public static Marketplace start(List<ProviderSetup> providers, Map<String, String> properties, ThresholdPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        Marketplace m = new Marketplace();
        try {
            m.boot(providers, properties, policy);
            return m;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    private void boot(List<ProviderSetup> providers, Map<String, String> properties, ThresholdPolicy policy) {
        StartUp.Laps laps = new StartUp.Laps();
        int rounds = WarmUp.rounds(properties); // a wrong value is said before anything starts
        Map<String, Object> config = new HashMap<>(properties);
        Duration telemetry = Optional.ofNullable(properties.get(TELEMETRY_INTERVAL))
                .map(t -> StartUp.duration(TELEMETRY_INTERVAL, t)).orElse(null);
        Optional<DataDirectory> data = Optional.ofNullable((String) config.remove(DATA_DIR)).map(Path::of).map(DataDirectory::new);
        // PostgreSQL starts on its own thread while Kafka starts on this one: neither needs the other.
        CompletableFuture<Optional<EmbeddedPostgres>> postgres = StartUp.inBackground("postgres-start", () -> {
            if (StartUp.setting("datasources.default.url").isPresent()) {
                return Optional.empty();
            }
            EmbeddedPostgres pg = data.map(d -> EmbeddedPostgres.start(d.postgres())).orElseGet(EmbeddedPostgres::start);
            stores.add(0, pg);
            return Optional.of(pg);
        });
        boolean kafkaUp = false;
        try {
            kafkaAccess = StartUp.setting("kafka.bootstrap.servers").map(Marketplace::configuredKafka).orElseGet(() -> {
                EmbeddedKafka kafka = data.map(d -> EmbeddedKafka.start(d.kafka())).orElseGet(EmbeddedKafka::start);
                stores.add(kafka);
                return KafkaAccess.secured(kafka.bootstrapServers(), kafka.adminSettings());
            });
            bootstrapServers = kafkaAccess.bootstrapServers();
            laps.lap("Kafka");
            TopicInitializer.ensureTopics(bootstrapServers, 3, kafkaAccess.admin());
            laps.lap("topics");
            config.put("kafka.bootstrap.servers", bootstrapServers);
            // the broker service's own principal, for its producer and every micronaut-kafka consumer
            kafkaAccess.broker().forEach((k, v) -> config.put("kafka." + k, String.valueOf(v)));
            laps.lap("Kafka principal of the broker");
            kafkaUp = true;
        } finally {
            if (!kafkaUp) {
                // nothing is stopped under PostgreSQL still starting
                postgres.exceptionally(e -> Optional.empty()).join();
            }
        }
        StartUp.join(postgres).ifPresent(pg -> {
            config.put("datasources.default.url", pg.jdbcUrl());
            config.put("datasources.default.username", pg.username());
            config.put("datasources.default.password", pg.password());
        });
        laps.lap("waiting for PostgreSQL (started beside Kafka)");
        if ("true".equalsIgnoreCase(properties.getOrDefault(PLACEMENT, "false"))) {
            placement = new PlacementService(placementConfig(properties));
            services.add(placement);
            placement.start();
            config.put("chainmarket.placement.service-url", "http://127.0.0.1:" + placement.httpPort());
            laps.lap("placement service");
        }
        if (!"false".equalsIgnoreCase(properties.getOrDefault(DEMO_ACCOUNTS, "true"))) {
            demoPassword = properties.getOrDefault(DEMO_PASSWORD, DEFAULT_DEMO_PASSWORD);
            demoAccounts.addAll(DemoAccounts.of(providers.stream().map(p -> p.provider().domain().providerId()).toList()));
            DemoAccounts.configure(demoAccounts, demoPassword, config);
        }
        // monitoring-ingest and the adapter runners need neither the broker nor each other: they start (each provider's
        // principal provisioned, its domain and offers advertised, its consumers joined) while the broker's context
        // starts, and the broker reads the advertisements from their compacted topics when its consumers join
        List<CompletableFuture<?>> starting = new ArrayList<>();
        if (telemetry != null) {
            monitoring = new MonitoringService(MonitoringService.Config.defaults(bootstrapServers).withPolicy(policy)
                    .withClientOverrides(kafkaAccess.monitoring()));
            services.add(monitoring);
            starting.add(StartUp.inBackground("monitoring-start", () -> {
                monitoring.start();
                return null;
            }));
        }
        for (ProviderSetup p : providers) {
            Duration interval = telemetry != null && p.provider() instanceof TelemetrySource ? telemetry : null;
            ProviderId id = p.provider().domain().providerId();
            providersById.put(id, p.provider());
            starting.add(StartUp.inBackground("adapter-start-" + id.value(), () -> {
                // each provider's adapter is its own principal: it reads only its own commands, writes only its own answers
                AdapterRunner runner = new AdapterRunner(bootstrapServers, p.provider(), p.offers(), kafkaAccess.adapter(id), interval);
                synchronized (services) {
                    services.add(runner);
                    runners.put(id, runner);
                }
                runner.start();
                return null;
            }));
        }
        try {
            broker = ApplicationContext.run(EmbeddedServer.class, config);
        } finally {
            if (broker == null) {
                // nothing is closed under a runner still starting
                starting.forEach(f -> f.exceptionally(e -> null).join());
            }
        }
        // stopped first: before the placement service (started before it, as it fronts its approval API), monitoring-ingest and the adapter runners
        synchronized (services) {
            services.add(0, () -> OrderlyStop.broker(broker));
        }
        laps.lap("broker (monitoring and adapters starting beside it)");
        starting.forEach(f -> f.exceptionally(e -> null).join());
        starting.forEach(StartUp::join);
        synchronized (services) {
            // the runners in the providers' order, whichever finished starting first
            Map<ProviderId, AdapterRunner> started = new LinkedHashMap<>();
            providersById.keySet().forEach(id -> started.put(id, runners.get(id)));
            runners.clear();
            runners.putAll(started);
        }
        laps.lap("monitoring and adapters (the rest of their start)");
        awaitRegistered(providers.stream().mapToInt(p -> p.offers().size()).sum(), Duration.ofSeconds(60));
        laps.lap("offers registered");
        if (rounds > 0) {
            new WarmUp(broker.getApplicationContext(), broker.getURL()).run(rounds);
            laps.lap("warm-up (" + rounds + " rounds)");
        }
        LOG.info("marketplace started in {} ms: {}", laps.total(), laps);
    }

    private void awaitRegistered(int offers, Duration timeout) {
        MarketReadModel market = broker.getApplicationContext().getBean(MarketReadModel.class);
        long until = System.nanoTime() + timeout.toNanos();
        while (market.snapshot().offers().size() < offers) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("the broker registered " + market.snapshot().offers().size() + " of "
                        + offers + " demo offers within " + timeout.toSeconds() + " s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the demo offers", e);
            }
        }
    }

    private PlacementService.Config placementConfig(Map<String, String> properties) {
        Duration period = StartUp.duration(PLACEMENT_PERIOD, properties.getOrDefault(PLACEMENT_PERIOD, "300s"));
        Duration minGap = StartUp.duration(PLACEMENT_MIN_GAP, properties.getOrDefault(PLACEMENT_MIN_GAP, "5s"));
        int threshold = Integer.parseInt(properties.getOrDefault(PLACEMENT_REJECTION_THRESHOLD, "10").trim());
        java.util.Set<ProviderId> approval = new java.util.LinkedHashSet<>();
        for (String p : properties.getOrDefault(PLACEMENT_APPROVAL, "").split(",")) {
            if (!p.isBlank()) {
                approval.add(ProviderId.of(p.trim()));
            }
        }
        Duration idleGrace = StartUp.duration(PLACEMENT_IDLE_GRACE, properties.getOrDefault(PLACEMENT_IDLE_GRACE, "120s"));
        return PlacementService.Config.defaults(bootstrapServers).with(period, minGap, threshold, approval, 0)
                .withDemandHorizonAndIdleGrace(null, idleGrace)
                .withClientOverrides(kafkaAccess.placement());
    }

    /** The in-process placement service, when placement is on. */
    public Optional<PlacementService> placement() {
        return Optional.ofNullable(placement);
    }

    /** The in-process monitoring-ingest, when monitoring is on. */
    public Optional<MonitoringService> monitoring() {
        return Optional.ofNullable(monitoring);
    }

    /** The demo accounts this run created (empty when {@link #DEMO_ACCOUNTS} is false). */
    public List<DemoAccount> demoAccounts() {
        return List.copyOf(demoAccounts);
    }

    /** The demo accounts' password, or null when there are none. */
    public String demoPassword() {
        return demoPassword;
    }

    public URL url() {
        return broker.getURL();
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * Who may do what on the marketplace's Kafka: the super user's client settings ({@link KafkaAccess#admin()}, for
     * tools and tests that observe or inject records) and each service's and provider's own principal.
     */
    public KafkaAccess kafka() {
        return kafkaAccess;
    }

    /**
     * A configured Kafka cluster ({@code kafka.bootstrap.servers}): with SASL credentials in {@code kafka.sasl.jaas.config}
     * (and {@code kafka.security.protocol}, {@code kafka.sasl.mechanism}), those of a user allowed to create users and
     * ACLs (a super user), the marketplace provisions its principals as on the embedded broker; without, every
     * service connects as the cluster lets anyone (a cluster without authentication).
     */
    static KafkaAccess configuredKafka(String bootstrapServers) {
        Map<String, Object> admin = new HashMap<>();
        for (String key : List.of("security.protocol", "sasl.mechanism", "sasl.jaas.config")) {
            StartUp.setting("kafka." + key).ifPresent(v -> admin.put(key, v));
        }
        return admin.containsKey("sasl.jaas.config") ? KafkaAccess.secured(bootstrapServers, admin)
                : KafkaAccess.open(bootstrapServers, admin);
    }

    public ApplicationContext brokerContext() {
        return broker.getApplicationContext();
    }

    /** The providers this marketplace runs, in the order given. */
    public java.util.Set<ProviderId> providers() {
        return java.util.Collections.unmodifiableSet(providersById.keySet());
    }

    /** The southbound provider of {@code provider}'s domain. */
    public PathProvider provider(ProviderId provider) {
        return providersById.get(provider);
    }

    /** The emulated domain of {@code provider}; fails when that provider runs another domain kind. */
    public EmulatedDomain domain(ProviderId provider) {
        return (EmulatedDomain) providersById.get(provider);
    }

    /** The emulated domains, by provider. */
    public Map<ProviderId, EmulatedDomain> domains() {
        Map<ProviderId, EmulatedDomain> out = new LinkedHashMap<>();
        providersById.forEach((id, p) -> {
            if (p instanceof EmulatedDomain d) {
                out.put(id, d);
            }
        });
        return out;
    }

    public AdapterRunner runner(ProviderId provider) {
        return runners.get(provider);
    }

    /**
     * Stops in order, so that nothing runs on a store that is gone: the broker first (its API stops taking requests
     * and answers those in flight, its sweeps finish and stop, then its Kafka consumers, outbox relay and
     * substitution workers stop and its database pool closes), then monitoring-ingest and the adapter runners
     * (which commit what they consumed), then PostgreSQL and Kafka. Data in a {@link #DATA_DIR} is kept.
     */
    @Override
    public void close() {
        OrderlyStop.closeAll(services);
        OrderlyStop.closeAll(stores);
        DemoRequests.forgetTokens(); // a marketplace started next signs with a new key
    }
}
