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
import org.chainmarket.schemas.events.TopicInitializer;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfOffer;

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

/**
 * The running marketplace: Kafka (embedded KRaft broker unless {@code kafka.bootstrap.servers} is set),
 * PostgreSQL (embedded 17 unless {@code datasources.default.url} is set), the broker service, and one adapter
 * runner per provider domain (emulated for the demo, or any other {@link PathProvider}). The providers advertise over Kafka as real ones would;
 * {@link #start} returns once the broker has registered every demo offer. {@link #close} stops everything in
 * reverse order.
 */
public final class Marketplace implements AutoCloseable {
    private final List<AutoCloseable> resources = new ArrayList<>();
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
        Map<String, Object> config = new HashMap<>(properties);
        Duration telemetry = Optional.ofNullable(properties.get(TELEMETRY_INTERVAL)).map(Marketplace::duration).orElse(null);
        Optional<DataDirectory> data = Optional.ofNullable((String) config.remove(DATA_DIR)).map(Path::of).map(DataDirectory::new);
        bootstrapServers = setting("kafka.bootstrap.servers").orElseGet(() -> {
            EmbeddedKafka kafka = data.map(d -> EmbeddedKafka.start(d.kafka())).orElseGet(EmbeddedKafka::start);
            resources.add(0, kafka);
            return kafka.bootstrapServers();
        });
        config.put("kafka.bootstrap.servers", bootstrapServers);
        if (setting("datasources.default.url").isEmpty()) {
            EmbeddedPostgres pg = data.map(d -> EmbeddedPostgres.start(d.postgres())).orElseGet(EmbeddedPostgres::start);
            resources.add(0, pg);
            config.put("datasources.default.url", pg.jdbcUrl());
            config.put("datasources.default.username", pg.username());
            config.put("datasources.default.password", pg.password());
        }
        TopicInitializer.ensureTopics(bootstrapServers, 3, (short) 1);
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
        resources.add(0, broker.getApplicationContext());
        if (telemetry != null) {
            monitoring = new MonitoringService(MonitoringService.Config.defaults(bootstrapServers).withPolicy(policy));
            resources.add(0, monitoring);
            monitoring.start();
        }
        for (ProviderSetup p : providers) {
            Duration interval = telemetry != null && p.provider() instanceof TelemetrySource ? telemetry : null;
            AdapterRunner runner = new AdapterRunner(bootstrapServers, p.provider(), p.offers(), Map.of(), interval);
            resources.add(0, runner);
            runner.start();
            ProviderId id = p.provider().domain().providerId();
            providersById.put(id, p.provider());
            runners.put(id, runner);
        }
        awaitRegistered(providers.stream().mapToInt(p -> p.offers().size()).sum(), Duration.ofSeconds(60));
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

    @Override
    public void close() {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                System.err.println("while stopping " + r.getClass().getSimpleName() + ": " + e);
            }
        }
        resources.clear();
    }
}
