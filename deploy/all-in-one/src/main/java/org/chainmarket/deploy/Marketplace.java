package org.chainmarket.deploy;

import io.micronaut.context.ApplicationContext;
import io.micronaut.inject.qualifiers.Qualifiers;
import io.micronaut.runtime.graceful.GracefulShutdownCapable;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.scheduling.TaskExecutors;
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
import org.chainmarket.schemas.events.TopicInitializer;
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
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The running marketplace: Kafka (embedded KRaft broker unless {@code kafka.bootstrap.servers} is set),
 * PostgreSQL (embedded 17 unless {@code datasources.default.url} is set), the broker service, and one adapter
 * runner per provider domain (emulated for the demo, or any other {@link PathProvider}). The providers advertise over Kafka as real ones would;
 * {@link #start} returns once the broker has registered every demo offer. {@link #close} stops the services, then
 * the data stores.
 */
public final class Marketplace implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Marketplace.class);
    /** How long stopping waits for the API's requests in flight and the broker's running sweeps. */
    private static final Duration GRACE = Duration.ofSeconds(10);
    /** What runs on the data stores, closed first (the broker, monitoring-ingest, the adapter runners), in that order. */
    private final List<AutoCloseable> services = new ArrayList<>();
    /** The embedded data stores (PostgreSQL, Kafka), closed last, in that order. */
    private final List<AutoCloseable> stores = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Map<ProviderId, PathProvider> providersById = new LinkedHashMap<>();
    private final Map<ProviderId, AdapterRunner> runners = new LinkedHashMap<>();
    private String bootstrapServers;
    private MonitoringService monitoring;
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
        return start(demo.providers().stream().map(p -> new ProviderSetup(new EmulatedDomain(p.domain(), p.offers()), p.offers())).toList(),
                properties, policy);
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
        Laps laps = new Laps();
        Map<String, Object> config = new HashMap<>(properties);
        Duration telemetry = Optional.ofNullable(properties.get(TELEMETRY_INTERVAL)).map(Marketplace::duration).orElse(null);
        Optional<DataDirectory> data = Optional.ofNullable((String) config.remove(DATA_DIR)).map(Path::of).map(DataDirectory::new);
        // PostgreSQL starts on its own thread while Kafka starts on this one: neither needs the other.
        CompletableFuture<Optional<EmbeddedPostgres>> postgres = inBackground("postgres-start", () -> {
            if (setting("datasources.default.url").isPresent()) {
                return Optional.empty();
            }
            EmbeddedPostgres pg = data.map(d -> EmbeddedPostgres.start(d.postgres())).orElseGet(EmbeddedPostgres::start);
            stores.add(0, pg);
            return Optional.of(pg);
        });
        try {
            bootstrapServers = setting("kafka.bootstrap.servers").orElseGet(() -> {
                EmbeddedKafka kafka = data.map(d -> EmbeddedKafka.start(d.kafka())).orElseGet(EmbeddedKafka::start);
                stores.add(kafka);
                return kafka.bootstrapServers();
            });
            laps.lap("Kafka");
            TopicInitializer.ensureTopics(bootstrapServers, 3, (short) 1);
            laps.lap("topics");
        } finally {
            postgres.exceptionally(e -> Optional.empty()).join();
        }
        config.put("kafka.bootstrap.servers", bootstrapServers);
        join(postgres).ifPresent(pg -> {
            config.put("datasources.default.url", pg.jdbcUrl());
            config.put("datasources.default.username", pg.username());
            config.put("datasources.default.password", pg.password());
        });
        laps.lap("waiting for PostgreSQL (started beside Kafka)");
        if (!"false".equalsIgnoreCase(properties.getOrDefault(DEMO_ACCOUNTS, "true"))) {
            demoPassword = properties.getOrDefault(DEMO_PASSWORD, DEFAULT_DEMO_PASSWORD);
            demoAccounts.add(new DemoAccount("admin", "ADMIN", null));
            demoAccounts.add(new DemoAccount("alice", "OPERATOR", null));
            demoAccounts.add(new DemoAccount("acme", "BUYER", "acme"));
            demoAccounts.add(new DemoAccount("globex", "BUYER", "globex"));
            providers.forEach(p -> demoAccounts.add(new DemoAccount(p.provider().domain().providerId().value(), "PROVIDER",
                    p.provider().domain().providerId().value())));
            for (DemoAccount a : demoAccounts) {
                String prefix = "chainmarket.security.accounts." + a.username() + ".";
                config.putIfAbsent(prefix + "password", demoPassword);
                config.putIfAbsent(prefix + "role", a.role());
                if (a.party() != null) {
                    config.putIfAbsent(prefix + "party", a.party());
                }
            }
        }
        broker = ApplicationContext.run(EmbeddedServer.class, config);
        services.add(this::stopBroker);
        laps.lap("broker");
        List<CompletableFuture<?>> starting = new ArrayList<>();
        if (telemetry != null) {
            monitoring = new MonitoringService(MonitoringService.Config.defaults(bootstrapServers).withPolicy(policy));
            services.add(monitoring);
            starting.add(inBackground("monitoring-start", () -> {
                monitoring.start();
                return null;
            }));
        }
        for (ProviderSetup p : providers) {
            Duration interval = telemetry != null && p.provider() instanceof TelemetrySource ? telemetry : null;
            AdapterRunner runner = new AdapterRunner(bootstrapServers, p.provider(), p.offers(), Map.of(), interval);
            services.add(runner);
            ProviderId id = p.provider().domain().providerId();
            providersById.put(id, p.provider());
            runners.put(id, runner);
            starting.add(inBackground("adapter-start-" + id.value(), () -> {
                runner.start();
                return null;
            }));
        }
        starting.forEach(f -> f.exceptionally(e -> null).join());
        starting.forEach(Marketplace::join);
        laps.lap("monitoring and adapters (together)");
        awaitRegistered(providers.stream().mapToInt(p -> p.offers().size()).sum(), Duration.ofSeconds(60));
        laps.lap("offers registered");
        LOG.info("marketplace started in {} ms: {}", laps.total(), laps);
    }

    /** Runs {@code task} on a new daemon thread named {@code name}. */
    private static <T> CompletableFuture<T> inBackground(String name, java.util.function.Supplier<T> task) {
        return CompletableFuture.supplyAsync(task, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            t.start();
        });
    }

    /** The value of a finished start, or what made it fail, unwrapped. */
    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** Milliseconds spent in each start-up step, for the log line that says where start-up time goes. */
    private static final class Laps {
        private final long start = System.nanoTime();
        private long last = start;
        private final StringBuilder text = new StringBuilder();

        void lap(String step) {
            long now = System.nanoTime();
            text.append(text.isEmpty() ? "" : ", ").append(step).append(' ').append((now - last) / 1_000_000).append(" ms");
            last = now;
        }

        long total() {
            return (last - start) / 1_000_000;
        }

        @Override
        public String toString() {
            return text.toString();
        }
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

    /** A duration written as ISO-8601 ({@code PT0.5S}) or with a unit ({@code 500ms}, {@code 2s}). */
    static Duration duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("pt")) {
            return Duration.parse(t.toUpperCase(Locale.ROOT));
        }
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        if (t.endsWith("s")) {
            return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
        }
        throw new IllegalArgumentException(TELEMETRY_INTERVAL + " must be a duration such as 500ms or 2s, but was '" + text + "'");
    }

    /** The in-process monitoring-ingest, when monitoring is on. */
    public Optional<MonitoringService> monitoring() {
        return Optional.ofNullable(monitoring);
    }

    /** A configuration value from a system property or its environment variable form (KAFKA_BOOTSTRAP_SERVERS). */
    static Optional<String> setting(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            value = System.getenv(name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
        }
        return Optional.ofNullable(value).filter(v -> !v.isBlank());
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

    public ApplicationContext brokerContext() {
        return broker.getApplicationContext();
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
        closeAll(services);
        closeAll(stores);
        DemoRequests.forgetTokens(); // a marketplace started next signs with a new key
    }

    /**
     * The API stops taking connections and answers the requests in flight (Netty's graceful shutdown), the
     * scheduled sweeps finish their current run and are not run again, then the context closes (Kafka consumers,
     * outbox relay, substitution workers, database pool). The executors that run the Kafka consumers never go idle,
     * so the context-wide graceful shutdown would only wait out its timeout.
     */
    private void stopBroker() throws Exception {
        ApplicationContext ctx = broker.getApplicationContext();
        if (broker instanceof GracefulShutdownCapable server) {
            await(server.shutdownGracefully().toCompletableFuture(), "the API's requests in flight");
        }
        ctx.findBean(ExecutorService.class, Qualifiers.byName(TaskExecutors.SCHEDULED)).ifPresent(sweeps -> {
            sweeps.shutdown();
            await(CompletableFuture.runAsync(() -> {
                try {
                    sweeps.awaitTermination(GRACE.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }), "the broker's running sweeps");
        });
        ctx.close();
    }

    private static void await(CompletableFuture<?> stopped, String what) {
        try {
            stopped.get(GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("{} did not finish within {} s; stopping anyway", what, GRACE.toSeconds());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.warn("waiting for {} failed: {}", what, e.getCause().toString());
        }
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable r : List.copyOf(resources)) {
            try {
                r.close();
            } catch (Exception e) {
                LOG.error("while stopping {}", r.getClass().getSimpleName(), e);
            }
        }
        resources.clear();
    }
}
