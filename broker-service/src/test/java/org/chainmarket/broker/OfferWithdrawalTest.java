package org.chainmarket.broker;

import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.chainmarket.broker.chain.Affected;
import org.chainmarket.broker.chain.ChainTransactions;
import org.chainmarket.broker.placement.Drains;
import org.chainmarket.broker.registry.HealthBook;
import org.chainmarket.broker.registry.MarketReadModel;
import org.chainmarket.broker.registry.Registry;
import org.chainmarket.broker.registry.Withdrawn;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.model.InstanceCommand;
import org.chainmarket.schemas.model.Metric;
import org.chainmarket.schemas.model.Substitution;
import org.chainmarket.schemas.model.SubjectKind;
import org.chainmarket.schemas.model.VnfOffer;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.kafka.KafkaClients;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Offers leaving the market. A provider withdraws the offer an ACTIVE chain uses: the chain is moved to another offer
 * make-before-break (a substitution triggered by the withdrawal), the withdrawn offer ends up holding nothing, and new
 * orders do not land on it. Withdrawals read back late or racing a read-back, and placement drains, below.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OfferWithdrawalTest implements TestPropertyProvider {
    static final String P = "wd";
    @Inject
    @Client("/")
    HttpClient http;
    @Inject
    Registry registry;
    @Inject
    PausingRegistryStore store;
    @Inject
    MarketReadModel market;
    @Inject
    Drains drains;
    @Inject
    HealthBook health;
    @Inject
    ApplicationEventPublisher<Withdrawn> withdrawals;
    @Inject
    ChainTransactions tx;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new java.util.HashMap<>(Callers.properties());
        p.put("micronaut.http.client.read-timeout", "120s");
        p.put("test.registry-store", "pausing");
        return p;
    }

    @Test
    @SuppressWarnings("unchecked")
    void withdrawingAnOfferDrainsItsChainsOntoAnother() throws Exception {
        market(P);
        try (AckingDomains domains = new AckingDomains(Infra.bootstrapServers(), P)) {
            String id = activeChain(TwoDomains.order(P, 100));
            String firewall = TwoDomains.offerOfHop(TwoDomains.chain(http, id), 0);
            assertThat(firewall).as("the cheaper firewall").isEqualTo(P + "-fw-0");

            withdraw(firewall);

            Map<String, Object> moved = await().atMost(Duration.ofSeconds(30)).until(() -> TwoDomains.chain(http, id),
                    c -> "ACTIVE".equals(c.get("state")) && !firewall.equals(TwoDomains.offerOfHop(c, 0)));
            assertThat(TwoDomains.offerOfHop(moved, 0)).isEqualTo(P + "-fw-1");
            List<Map<String, Object>> subs = TwoDomains.exchange(http, HttpRequest.GET("/api/v1/substitutions?chain=" + id))
                    .getBody(List.class).orElseThrow();
            assertThat(subs).singleElement().satisfies(s -> {
                assertThat(s.get("status")).isEqualTo("COMPLETED");
                Map<String, Object> trigger = (Map<String, Object>) s.get("trigger");
                assertThat(trigger.get("subjectId")).isEqualTo(firewall);
                assertThat(trigger.get("metric")).as("a withdrawal is a trigger with no metric").isNull();
                assertThat(trigger.get("fatal")).as("a withdrawn offer keeps no chain").isEqualTo(true);
            });
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(((Number) TwoDomains.exchange(http,
                    HttpRequest.GET("/api/v1/offers/" + firewall)).getBody(Map.class).orElseThrow().get("reservedChains")).intValue())
                    .as("the withdrawn offer holds nothing").isZero());

            HttpResponse<Map> next = TwoDomains.exchange(http, HttpRequest.POST("/api/v1/chains", TwoDomains.order(P, 100))
                    .contentType(MediaType.APPLICATION_JSON));
            assertThat(next.code()).isEqualTo(201);
            assertThat(TwoDomains.offerOfHop(next.getBody(Map.class).orElseThrow(), 0)).as("no new chain on a withdrawn offer").isNotEqualTo(firewall);
        }
    }

    /**
     * The broker reads its own withdrawal back from the provider's compacted offers topic. Read after the provider
     * advertised the offer again (a consumer behind, another replica, or the record sent again at a later position by
     * an outbox relay stopped between sending its rows and marking them sent), it is the withdrawal already applied,
     * not a new one: the offer stays advertised and the next order takes it.
     */
    @Test
    void aWithdrawalReadBackAfterTheOfferWasAdvertisedAgainLeavesItAdvertised() throws Exception {
        String p = "ow1";
        String offer = market(p);
        try (AckingDomains domains = new AckingDomains(Infra.bootstrapServers(), p)) {
            withdraw(offer);
            ConsumerRecord<String, byte[]> sent = published(Topics.forProvider(Topics.OFFERS, ProviderId.of(p + "-west")), offer);
            advertise(p, offer, 1);

            // the same record at a later position, read now, as RegistryListener applies a tombstone
            ConsumerRecord<String, byte[]> late = new ConsumerRecord<>(sent.topic(), sent.partition(), sent.offset() + 1000,
                    sent.timestamp(), sent.timestampType(), sent.serializedKeySize(), sent.serializedValueSize(), sent.key(), null,
                    sent.headers(), sent.leaderEpoch());
            CloudEvents.Event event = CloudEvents.decode(late);
            assertThat(event.isTombstone()).isTrue();
            registry.withdrawn(event.id(), OfferId.of(event.key()));

            assertThat(TwoDomains.exchange(http, HttpRequest.GET("/api/v1/offers/" + offer)).getBody(Map.class).orElseThrow().get("withdrawn"))
                    .as("the offer advertised again").isEqualTo(false);
            HttpResponse<Map> next = TwoDomains.exchange(http, HttpRequest.POST("/api/v1/chains", TwoDomains.order(p, 100))
                    .contentType(MediaType.APPLICATION_JSON));
            assertThat(next.code()).isEqualTo(201);
            assertThat(TwoDomains.offerOfHop(next.getBody(Map.class).orElseThrow(), 0)).as("the cheaper firewall, advertised again")
                    .isEqualTo(offer);
        }
    }

    /**
     * A chain whose buyer approves each move rides the offer its provider withdraws: it waits DEGRADED with the move
     * proposed. The provider advertises the offer again before anyone approves: the chain is ACTIVE on it again and the
     * proposal is superseded (nothing moves).
     */
    @Test
    @SuppressWarnings("unchecked")
    void aChainWaitingForApprovalRunsAgainWhenItsWithdrawnOfferIsAdvertisedAgain() throws Exception {
        String p = "ow2";
        String offer = market(p);
        try (AckingDomains domains = new AckingDomains(Infra.bootstrapServers(), p)) {
            String id = activeChainOn(approvalOrder(p), offer);

            withdrawnAndWaiting(id, offer);

            advertise(p, offer, 1);
            runsAgainOn(id, offer);
        }
    }

    /**
     * The same chain waiting for approval on its withdrawn offer, but the offer is advertised again on a broker that
     * no longer holds the withdrawal's mark (as after a restart between the two), so no re-advertisement is announced.
     * While the offer is withdrawn, and then while a metric of it is degraded, the chain waits; once nothing leaves the
     * offer out, the reconcile loop finds the chain waiting on an advertised offer: it is ACTIVE on it again and its
     * proposal superseded.
     */
    @Test
    void aChainWaitingForApprovalRunsAgainOnItsOfferAdvertisedAgainUnannounced() throws Exception {
        String p = "ow5";
        String offer = market(p);
        try (AckingDomains domains = new AckingDomains(Infra.bootstrapServers(), p)) {
            String id = activeChainOn(approvalOrder(p), offer);
            withdrawnAndWaiting(id, offer);

            // the broker forgets the withdrawal's mark, as one started anew does
            health.cleared(SubjectKind.INSTANCE, offer, Registry.WITHDRAWN);
            stillWaiting(id, "the offer is withdrawn");

            health.degraded(new Substitution.Trigger(SubjectKind.INSTANCE, offer, p + "-west", Metric.CPU, 0.97, 0.9, false, Instant.now(), List.of()));
            advertise(p, offer, 1);
            stillWaiting(id, "the offer is advertised again but its CPU is degraded");

            health.cleared(SubjectKind.INSTANCE, offer, Metric.CPU.wireName());
            runsAgainOn(id, offer);
        }
    }

    /**
     * A withdrawal's drain runs after the registry's lock is released, so the offer may be advertised again (its
     * withdrawal's mark cleared) before its chains are drained: that drain moves nothing, and the chain runs on the
     * offer. The offer withdrawn for good, the same drain moves the chain.
     */
    @Test
    void aWithdrawalDrainedAfterItsOfferWasAdvertisedAgainMovesNothing() throws Exception {
        String p = "ow6";
        String offer = market(p);
        try (AckingDomains domains = new AckingDomains(Infra.bootstrapServers(), p)) {
            String id = activeChainOn(TwoDomains.order(p, 100), offer);

            // the drain of a withdrawal whose offer is advertised again by now
            withdrawals.publishEvent(new Withdrawn(SubjectKind.INSTANCE, offer, p + "-west"));
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> TwoDomains.chain(http, id),
                    c -> "ACTIVE".equals(c.get("state")) && offer.equals(TwoDomains.offerOfHop(c, 0)));
            assertThat(substitutionsOf(id)).as("nothing moved").isEmpty();

            withdraw(offer);
            Map<String, Object> moved = await().atMost(Duration.ofSeconds(30)).until(() -> TwoDomains.chain(http, id),
                    c -> "ACTIVE".equals(c.get("state")) && !offer.equals(TwoDomains.offerOfHop(c, 0)));
            assertThat(TwoDomains.offerOfHop(moved, 0)).isEqualTo(p + "-fw-1");
        }
    }

    /**
     * The broker stops right after a degradation's transaction (the event marked processed, the chain DEGRADED) and
     * before the re-selection that decides what the chain does: the chain's firewall is down and the chain DEGRADED with
     * no substitution, and the event, redelivered, is processed already. Once the decision grace is over, the reconcile
     * loop re-selects it as the event would have: it is moved to the other firewall.
     */
    @Test
    @SuppressWarnings("unchecked")
    void aChainLeftDegradedWithNoDecisionIsMovedByTheReconcileLoop() throws Exception {
        String p = "ow7";
        String offer = market(p);
        try (AckingDomains domains = new AckingDomains(Infra.bootstrapServers(), p)) {
            String id = activeChainOn(TwoDomains.order(p, 100), offer);

            // what the degradation's handling leaves when the broker stops between its transaction and the decision
            Substitution.Trigger down = new Substitution.Trigger(SubjectKind.INSTANCE, offer, p + "-west", Metric.HEARTBEAT, 30.0, 10.0,
                    true, Instant.now(), List.of());
            assertThat(tx.degrade(UUID.randomUUID().toString(), down)).extracting(Affected::chainId).containsExactly(id);
            health.degraded(down);
            assertThat(TwoDomains.chain(http, id).get("state")).isEqualTo("DEGRADED");
            assertThat(substitutionsOf(id)).as("no decision recorded").isEmpty();

            Map<String, Object> moved = await().atMost(Duration.ofSeconds(30)).until(() -> TwoDomains.chain(http, id),
                    c -> "ACTIVE".equals(c.get("state")) && !offer.equals(TwoDomains.offerOfHop(c, 0)));
            assertThat(TwoDomains.offerOfHop(moved, 0)).isEqualTo(p + "-fw-1");
            assertThat(substitutionsOf(id)).singleElement().satisfies(s -> {
                assertThat(s.get("status")).isEqualTo("COMPLETED");
                assertThat(((Map<String, Object>) s.get("trigger")).get("subjectId")).isEqualTo(offer);
            });
        }
    }

    /** The chain's offer is withdrawn: the chain turns DEGRADED, its move proposed for an operator's approval. */
    private void withdrawnAndWaiting(String chainId, String offer) {
        withdraw(offer);
        await().atMost(Duration.ofSeconds(30)).until(() -> TwoDomains.chain(http, chainId), c -> "DEGRADED".equals(c.get("state")));
        assertThat(substitutionsOf(chainId)).singleElement().satisfies(s -> assertThat(s.get("status")).isEqualTo("PROPOSED"));
    }

    /** The chain is ACTIVE again on {@code offer}, its proposal superseded. */
    private void runsAgainOn(String chainId, String offer) {
        Map<String, Object> again = await().atMost(Duration.ofSeconds(30)).until(() -> TwoDomains.chain(http, chainId),
                c -> "ACTIVE".equals(c.get("state")));
        assertThat(TwoDomains.offerOfHop(again, 0)).as("still on the offer advertised again").isEqualTo(offer);
        assertThat(substitutionsOf(chainId)).singleElement().satisfies(s -> assertThat(s.get("status")).isEqualTo("SUPERSEDED"));
    }

    /** The chain stays DEGRADED with its move proposed over several reconcile periods (1 s each). */
    private void stillWaiting(String chainId, String why) {
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> TwoDomains.chain(http, chainId),
                c -> "DEGRADED".equals(c.get("state")));
        assertThat(substitutionsOf(chainId)).as(why).singleElement().satisfies(s -> assertThat(s.get("status")).isEqualTo("PROPOSED"));
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> substitutionsOf(String chainId) {
        return TwoDomains.exchange(http, HttpRequest.GET("/api/v1/substitutions?chain=" + chainId)).getBody(List.class).orElseThrow();
    }

    /**
     * An advertisement of an offer read from Kafka is being mirrored into the read model (its row read, not yet
     * applied) when the provider withdraws the offer over REST. The database has the withdrawal last, and so must
     * what selection sells: the read-back does not put the withdrawn offer back, nor clear the withdrawal that keeps it
     * out of selection.
     */
    @Test
    void aReadBackMirroredWhileTheOfferIsWithdrawnDoesNotBringItBack() throws Exception {
        String p = "ow3";
        String offer = market(p);
        VnfOffer advertised = Json.read(firewall(p, offer, 1), VnfOffer.class);
        Thread reader = new Thread(() -> registry.advertised(UUID.randomUUID().toString(), advertised), "read-back");
        store.pauseAfterRead(reader);
        reader.start();
        assertThat(store.awaitRead()).as("the read-back read the offer").isTrue();

        CompletableFuture<Integer> withdrawal = CompletableFuture.supplyAsync(() ->
                TwoDomains.exchange(http, HttpRequest.DELETE("/api/v1/offers/" + offer)).code());
        try {
            // the withdrawal either waits for the read-back to reach the read model, or (the race) goes first
            withdrawal.get(3, TimeUnit.SECONDS);
        } catch (TimeoutException waits) {
            // it waits: the read-back applies first
        }
        store.resume();
        assertThat(withdrawal.get(60, TimeUnit.SECONDS)).isEqualTo(204);
        reader.join(60_000);

        assertThat(market.load(SubjectKind.INSTANCE, offer)).as("the read model no longer holds the withdrawn offer").isEmpty();
        assertThat(market.snapshot().offers()).as("selection does not sell it")
                .noneMatch(o -> o.offer().offerId().value().equals(offer));
        assertThat(market.isOfferDegraded(OfferId.of(offer))).as("its withdrawal keeps it out of selection").isTrue();
    }

    /**
     * The placement service drains an instance (it is about to stop it): no new chain lands on it. Its provider
     * advertising it again meanwhile (a new price; an adapter advertises every offer again when it restarts) does not
     * end the drain; withdrawing it (the instance's stop) does, and advertised anew it takes chains again.
     */
    @Test
    void aDrainedOfferAdvertisedAgainStaysDrainedUntilItIsWithdrawn() throws Exception {
        String p = "ow4";
        String offer = market(p);
        try (AckingDomains domains = new AckingDomains(Infra.bootstrapServers(), p)) {
            drains.command(new InstanceCommand(UUID.randomUUID().toString(), "plan-1", "decision-1", ProviderId.of(p + "-west"),
                    InstanceCommand.Operation.DRAIN, OfferId.of(offer), p + "-fw", p + "w-site", "consolidating", null));
            advertise(p, offer, 0.9);
            assertThat(firewallOfAnOrder(p)).as("no new chain on the drained firewall, though re-priced").isEqualTo(p + "-fw-1");

            withdraw(offer);
            advertise(p, offer, 0.9);
            assertThat(firewallOfAnOrder(p)).as("withdrawn and advertised anew, the cheaper firewall takes chains again").isEqualTo(offer);
            await().atMost(Duration.ofSeconds(30)).until(() -> !drains.draining().contains(OfferId.of(offer)));
        }
    }

    /**
     * The market of prefix {@code p} ({@link TwoDomains#register}: two firewalls at west, two DPIs at east, 1000
     * Mbit/s each, a 10 Gbit/s border link); returns the cheaper firewall, {@code <p>-fw-0}, the one chains take.
     */
    private String market(String p) {
        TwoDomains.register(http, p, 10000, 2, 1000);
        return p + "-fw-0";
    }

    /** The firewall {@code offer} of {@code p}'s west provider (1000 Mbit/s at its site) at {@code price} EUR/h. */
    private static String firewall(String p, String offer, double price) {
        return TwoDomains.offer(offer, p + "-west", p + "-fw", p + "w-site", 1000, price);
    }

    /** West advertises its firewall {@code offer} (again) over REST at {@code price} EUR/h. */
    private void advertise(String p, String offer, double price) {
        TwoDomains.post(http, p + "-west", "/api/v1/offers", firewall(p, offer, price));
    }

    /** An order of {@code p}'s buyer whose every move waits for an operator's approval. */
    private static String approvalOrder(String p) {
        return TwoDomains.order(p, 100).replaceFirst("}\\s*$", ", \"substitutionPolicy\": \"APPROVAL\"}");
    }

    /** As {@link #activeChain}, and the chain's firewall is {@code offer}. */
    private String activeChainOn(String order, String offer) {
        String id = activeChain(order);
        assertThat(TwoDomains.offerOfHop(TwoDomains.chain(http, id), 0)).isEqualTo(offer);
        return id;
    }

    /** Places {@code order} and waits until its chain is ACTIVE; returns the chain's id. */
    private String activeChain(String order) {
        HttpResponse<Map> ordered = TwoDomains.exchange(http, HttpRequest.POST("/api/v1/chains", order).contentType(MediaType.APPLICATION_JSON));
        assertThat(ordered.code()).isEqualTo(201);
        String id = (String) ordered.getBody(Map.class).orElseThrow().get("chainId");
        await().atMost(Duration.ofSeconds(30)).until(() -> TwoDomains.chain(http, id), c -> "ACTIVE".equals(c.get("state")));
        return id;
    }

    /** Its provider withdraws {@code offer} over REST. */
    private void withdraw(String offer) {
        assertThat(TwoDomains.exchange(http, HttpRequest.DELETE("/api/v1/offers/" + offer)).code()).isEqualTo(204);
    }

    private String firewallOfAnOrder(String p) {
        HttpResponse<Map> ordered = TwoDomains.exchange(http, HttpRequest.POST("/api/v1/chains", TwoDomains.order(p, 100))
                .contentType(MediaType.APPLICATION_JSON));
        assertThat(ordered.code()).isEqualTo(201);
        return TwoDomains.offerOfHop(ordered.getBody(Map.class).orElseThrow(), 0);
    }

    /** The tombstone of {@code key} the broker's outbox relay published on {@code topic}, as a consumer reads it. */
    private static ConsumerRecord<String, byte[]> published(String topic, String key) {
        Map<String, Object> config = KafkaClients.consumerConfig(Infra.bootstrapServers(), "withdrawal-test-" + UUID.randomUUID(),
                "withdrawal-test", Infra.admin());
        AtomicReference<ConsumerRecord<String, byte[]>> found = new AtomicReference<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(r.key()) && r.value() == null) {
                        found.set(r);
                    }
                }
                return found.get() != null;
            });
        }
        return found.get();
    }
}
