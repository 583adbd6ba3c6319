package org.chainmarket.deploy.placement;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.chainmarket.adapters.emulated.EmulatedDomain;
import org.chainmarket.adapters.emulated.PacketTrace;
import org.chainmarket.deploy.Api;
import org.chainmarket.deploy.Marketplace;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.model.CatalogueEntry;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.PlacementPlan;
import org.chainmarket.schemas.model.ProviderId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An instance carrying chains is moved: the east provider no longer allows DPIs at its New York cloud, so the plan
 * moves the New York DPI to Washington: the new instance is started, the old one drained; the broker moves every
 * chain make-before-break onto the new instance once it has booted (a {@code PLACEMENT} substitution), and only then
 * is the old one stopped and its offer withdrawn. No chain fails or loses its path (each is traced packet by packet
 * through the new instance), and no offer or site is overbooked.
 */
class PlacementMoveTest {
    static final ProviderId EAST = ProviderId.of("east");
    static Marketplace market;
    static Api api;

    @BeforeAll
    static void start() {
        market = PlacementMarket.start(true);
        api = new Api(market.url());
    }

    @AfterAll
    static void stop() {
        market.close();
    }

    @Test
    void aDrainedInstancesChainsMoveMakeBeforeBreakThenItIsStoppedAndWithdrawn() throws Exception {
        String newYork = PlacementMarket.site(market, PlacementMarket.NEW_YORK);
        String washington = PlacementMarket.site(market, PlacementMarket.WASHINGTON);
        OfferId old = market.domain(EAST).placement().running().stream().filter(o -> o.vnfType().equals("dpi"))
                .map(o -> o.offerId()).findFirst().orElseThrow();
        List<String> chains = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Api.Response r = api.post("/api/v1/chains", PlacementMarket.dpiOrder());
            assertThat(r.status()).as("%s", r.body()).isEqualTo(201);
            chains.add(r.body().get("chainId").asText());
        }
        for (String id : chains) {
            assertThat(api.awaitState(id, "ACTIVE").get("hops").get(0).get("offerId").asText()).isEqualTo(old.value());
        }

        // watch every chain while it moves: none may fail or lose its entries into a DPI
        Set<String> seen = ConcurrentHashMap.newKeySet();
        List<String> broken = new java.util.concurrent.CopyOnWriteArrayList<>();
        ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor();
        watch.scheduleWithFixedDelay(() -> {
            for (String id : chains) {
                JsonNode c = api.get("/api/v1/chains/" + id).body();
                seen.add(c.get("state").asText());
                PacketTrace t = market.domain(EAST).trace(ChainId.of(id), PlacementMarket.NEW_YORK, "host", 0);
                if (c.get("state").asText().equals("FAILED") || !t.delivered() || t.vnfs().size() != 1) {
                    broken.add(id + " " + c.get("state").asText() + " " + t);
                }
            }
            PlacementMarket.noSiteOverbooked(market);
        }, 0, 100, TimeUnit.MILLISECONDS);

        CatalogueEntry dpi = market.domain(EAST).catalogue().stream().filter(e -> e.vnfType().equals("dpi")).findFirst().orElseThrow();
        CatalogueEntry notAtNewYork = new CatalogueEntry(dpi.providerId(), dpi.vnfType(), dpi.vcpu(), dpi.memoryGb(), dpi.capacityMbps(),
                dpi.maxChains(), dpi.bootSeconds(), dpi.pricePerHour(), dpi.pricePerMbpsHour(), dpi.processingLatencyMs(), dpi.srAware(),
                dpi.nshAware(), List.of(washington));
        // the east provider's adapter advertises its catalogue: its principal may
        try (var producer = org.chainmarket.schemas.kafka.KafkaClients.producer(market.bootstrapServers(), "east-catalogue",
                market.kafka().adapter(EAST))) {
            producer.send(CloudEvents.toProvider(CloudEvents.encode(EventType.CATALOGUE_ENTRY_ADVERTISED, notAtNewYork.key(), notAtNewYork,
                    "/providers/east"), EAST)).get();
        }
        PlacementPlan.Decision move = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            market.placement().orElseThrow().requestPlan();
            return PlacementMarket.decisions(market).stream().filter(d -> d.action() == PlacementPlan.Action.MOVE).findFirst().orElse(null);
        }, d -> d != null);
        assertThat(move.offerId()).isEqualTo(old);
        assertThat(move.fromSiteId()).isEqualTo(newYork);
        assertThat(move.siteId()).isEqualTo(washington);
        assertThat(move.chainsToMove()).isEqualTo(4);
        OfferId replacement = move.newOfferId();

        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                for (String id : chains) {
                    JsonNode c = api.get("/api/v1/chains/" + id).body();
                    assertThat(c.get("state").asText()).as("chain %s", id).isEqualTo("ACTIVE");
                    assertThat(c.get("hops").get(0).get("offerId").asText()).as("chain %s", id).isEqualTo(replacement.value());
                }
            });
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(market.domain(EAST).placement().state(old)).as("the old instance stopped").isEmpty();
                assertThat(PlacementMarket.advertised(api, old.value())).as("and withdrawn").isFalse();
            });
        } finally {
            watch.shutdown();
            watch.awaitTermination(5, TimeUnit.SECONDS);
        }

        assertThat(broken).as("chains that failed or lost their path while moving").isEmpty();
        assertThat(seen).doesNotContain("FAILED");
        EmulatedDomain east = market.domain(EAST);
        for (String id : chains) {
            PacketTrace t = east.trace(ChainId.of(id), PlacementMarket.NEW_YORK, "host", 0);
            assertThat(t.vnfs()).as("chain %s's packets", id).containsExactly(replacement);
            JsonNode subs = api.get("/api/v1/substitutions?chain=" + id + "&trigger=PLACEMENT").body();
            assertThat(subs).as("substitutions of %s", id).anySatisfy(s -> {
                assertThat(s.get("status").asText()).isEqualTo("COMPLETED");
                assertThat(s.get("trigger").get("subjectId").asText()).isEqualTo(old.value());
            });
        }
        assertThat(east.chainsOn(old)).isZero();
        assertThat(east.chainsOn(replacement)).isEqualTo(4);
        PlacementMarket.noSiteOverbooked(market);
        PlacementMarket.noOfferOverbooked(api);
    }
}
