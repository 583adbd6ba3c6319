package org.chainmarket.deploy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import org.chainmarket.deploy.demo.DemoMarket;
import org.chainmarket.deploy.embedded.DataDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The marketplace on a data directory, stopped and started again as an operator would: what was bought is still
 * there, and stopping it logs no error.
 */
class MarketplaceRestartTest {

    @Test
    void aRestartOnTheSameDataDirectoryResumesWithTheChainItsOffersAndTheirReservations(@TempDir Path dir) {
        Map<String, String> properties = Map.of("micronaut.server.port", "-1", Marketplace.DATA_DIR, dir.toString());
        String id;
        JsonNode chainBefore;
        Map<String, String> reservedBefore;
        List<String> providersBefore;
        List<ILoggingEvent> loggedOnStop;
        try (LogCapture stopping = new LogCapture()) {
            Marketplace market = Marketplace.start(DemoMarket.abilene(), properties);
            Api api = new Api(market.url());
            Api.Response created = api.post("/api/v1/chains", Api.order("seattle", "new-york", 200, 80, 30, "firewall", "dpi", "nat"));
            assertThat(created.status()).isEqualTo(201);
            id = created.body().get("chainId").asText();
            chainBefore = api.awaitState(id, "ACTIVE");
            reservedBefore = reservations(api);
            providersBefore = providers(api);
            assertThat(reservedBefore).as("the chain holds capacity on its three offers").hasSize(3);

            stopping.start();
            market.close();
            loggedOnStop = stopping.events();
        }
        assertThat(loggedOnStop).as("stopping logs no error and no stack trace")
                .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR) || e.getThrowableProxy() != null);
        assertThat(new DataDirectory(dir).holdsData()).isTrue();

        try (Marketplace market = Marketplace.start(DemoMarket.abilene(), properties)) {
            Api api = new Api(market.url());
            JsonNode chain = api.get("/api/v1/chains/" + id).body();
            assertThat(chain.get("state").asText()).isEqualTo("ACTIVE");
            assertThat(offerIds(chain)).isEqualTo(offerIds(chainBefore));
            assertThat(chain.get("path")).isEqualTo(chainBefore.get("path"));
            assertThat(providers(api)).isEqualTo(providersBefore);
            assertThat(reservations(api)).as("offers hold exactly what they held before the restart").isEqualTo(reservedBefore);

            Api.Response second = api.post("/api/v1/chains", Api.order("los-angeles", "atlanta", 100, 80, 30, "firewall", "nat"));
            assertThat(second.status()).isEqualTo(201);
            api.awaitState(second.body().get("chainId").asText(), "ACTIVE");
        }
    }

    @Test
    void stoppingWhileOrdersArriveLogsNoErrorAndKeepsEveryAcceptedOrder(@TempDir Path dir) throws Exception {
        Map<String, String> properties = Map.of("micronaut.server.port", "-1", Marketplace.DATA_DIR, dir.toString());
        List<String> accepted = new CopyOnWriteArrayList<>();
        List<ILoggingEvent> loggedOnStop;
        try (LogCapture stopping = new LogCapture()) {
            Marketplace market = Marketplace.start(DemoMarket.abilene(), properties);
            Api api = new Api(market.url());
            ExecutorService buyers = Executors.newFixedThreadPool(4);
            for (int b = 0; b < 4; b++) {
                buyers.submit(() -> {
                    try {
                        while (true) {
                            Api.Response r = api.post("/api/v1/chains", Api.order("seattle", "atlanta", 1, 100, 50, "firewall", "nat"));
                            if (r.status() == 201) {
                                accepted.add(r.body().get("chainId").asText());
                            }
                        }
                    } catch (IllegalStateException stopped) {
                        return; // the API no longer answers
                    }
                });
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> accepted.size() >= 20);
            stopping.start();
            market.close();
            loggedOnStop = stopping.events();
            buyers.shutdown();
            assertThat(buyers.awaitTermination(30, TimeUnit.SECONDS)).as("every buyer saw the API stop").isTrue();
        }
        assertThat(loggedOnStop).as("stopping under load logs no error and no stack trace")
                .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR) || e.getThrowableProxy() != null);

        try (Marketplace market = Marketplace.start(DemoMarket.abilene(), properties)) {
            Api api = new Api(market.url());
            assertThat(accepted).as("every order answered 201 before the stop is there after it")
                    .allSatisfy(id -> assertThat(api.get("/api/v1/chains/" + id).status()).isEqualTo(200));
        }
    }

    @Test
    void withoutADataDirectoryARestartStartsEmpty() {
        Map<String, String> properties = Map.of("micronaut.server.port", "-1");
        String id;
        try (Marketplace market = Marketplace.start(DemoMarket.abilene(), properties)) {
            Api api = new Api(market.url());
            id = api.post("/api/v1/chains", Api.order("seattle", "new-york", 100, 80, 30, "firewall")).body().get("chainId").asText();
            api.awaitState(id, "ACTIVE");
        }
        try (Marketplace market = Marketplace.start(DemoMarket.abilene(), properties)) {
            Api api = new Api(market.url());
            assertThat(api.get("/api/v1/chains/" + id).status()).isEqualTo(404);
            assertThat(reservations(api)).isEmpty();
        }
    }

    /** Offer id → "reserved Mbit/s, chains", for every offer holding capacity. */
    private static Map<String, String> reservations(Api api) {
        Map<String, String> out = new TreeMap<>();
        api.get("/api/v1/offers").body().forEach(o -> {
            if (o.get("reservedChains").asInt() > 0) {
                out.put(o.get("offer").get("offerId").asText(), o.get("reservedMbps").asDouble() + " Mbit/s, "
                        + o.get("reservedChains").asInt() + " chains");
            }
        });
        return out;
    }

    private static List<String> providers(Api api) {
        List<String> out = new ArrayList<>();
        api.get("/api/v1/providers").body().forEach(p -> out.add(p.get("providerId").asText()));
        return out.stream().sorted().toList();
    }

    private static List<String> offerIds(JsonNode chain) {
        List<String> out = new ArrayList<>();
        chain.get("hops").forEach(h -> out.add(h.get("offerId").asText()));
        return out;
    }

    /** Every event logged at any level by any logger, from {@link #start} until closed. */
    static final class LogCapture implements AutoCloseable {
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
        private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

        void start() {
            appender.start();
            root.addAppender(appender);
        }

        List<ILoggingEvent> events() {
            return List.copyOf(appender.list);
        }

        @Override
        public void close() {
            root.detachAppender(appender);
            appender.stop();
        }
    }
}
