package org.chainmarket.placement.service;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.chainmarket.deploy.embedded.EmbeddedKafka;
import org.chainmarket.schemas.kafka.KafkaAccess;
import org.chainmarket.schemas.kafka.KafkaClients;
import org.chainmarket.deploy.embedded.TopicTail;
import org.chainmarket.placement.PlacementEngine;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.DeadLetters;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.TopicInitializer;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.CatalogueEntry;
import org.chainmarket.schemas.model.InstanceCommand;
import org.chainmarket.schemas.model.InstanceContext;
import org.chainmarket.schemas.model.Metric;
import org.chainmarket.schemas.model.InstanceStatus;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.PlacementPlan;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfDemand;
import org.chainmarket.schemas.model.VnfOffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service over a real embedded Kafka broker: provider west (sites west-1 at w1 and west-2 at w2, 2 ms apart; runs
 * firewall and nat at both, automatically) and provider east (site east-1 at e1, 3 ms from w2 over a border link; runs
 * dpi, and its decisions wait for approval). Each test uses its own VNF type.
 */
class PlacementServiceKafkaTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ProviderId WEST = ProviderId.of("west");
    private static final ProviderId EAST = ProviderId.of("east");
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static EmbeddedKafka kafka;
    private static KafkaProducer<String, byte[]> producer;
    private static PlacementService service;
    private static TopicTail plans;
    private static TopicTail commands;
    private static TopicTail dlq;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start();
        KafkaAccess access = KafkaAccess.secured(kafka.bootstrapServers(), kafka.adminSettings());
        TopicInitializer.ensureTopics(kafka.bootstrapServers(), 3, (short) 1, access.admin());
        // the providers' and the broker's records are injected by the super user; the service runs as its own principal
        producer = KafkaClients.producer(kafka.bootstrapServers(), "test", access.admin());
        // each provider's own topics, made when it is admitted
        access.adapter(WEST);
        access.adapter(EAST);
        send(EventType.PROVIDER_DOMAIN_ADVERTISED, "west", new ProviderDomain(WEST, "West",
                List.of(new ProviderDomain.Switch("w1", "W1", 47.6, -122.3), new ProviderDomain.Switch("w2", "W2", 45.5, -122.7)),
                List.of(new ProviderDomain.Site("west-1", "w1", 8, 32), new ProviderDomain.Site("west-2", "w2", 8, 32)),
                List.of(new ProviderDomain.Link("w1", "w2", 2, 10000)), List.of()));
        send(EventType.PROVIDER_DOMAIN_ADVERTISED, "east", new ProviderDomain(EAST, "East",
                List.of(new ProviderDomain.Switch("e1", "E1", 40.7, -74.0)), List.of(new ProviderDomain.Site("east-1", "e1", 8, 32)),
                List.of(), List.of(new ProviderDomain.BorderLink("e1", WEST, "w2", 3, 10000))));
        for (String type : List.of("firewall", "nat")) {
            CatalogueEntry e = new CatalogueEntry(WEST, type, 2, 4, 1000, 10, 20, 1.0, 0.001, 0.4, true, false, List.of("west-1", "west-2"));
            send(EventType.CATALOGUE_ENTRY_ADVERTISED, e.key(), e);
        }
        CatalogueEntry dpi = new CatalogueEntry(EAST, "dpi", 2, 4, 1000, 10, 20, 2.0, 0.002, 1.5, false, false, List.of("east-1"));
        send(EventType.CATALOGUE_ENTRY_ADVERTISED, dpi.key(), dpi);
        plans = new TopicTail(kafka.bootstrapServers(), access.admin(), Topics.PLACEMENT_PLANS);
        commands = new TopicTail(kafka.bootstrapServers(), access.admin(), List.of(Topics.forProvider(Topics.PLACEMENT_COMMANDS, WEST),
                Topics.forProvider(Topics.PLACEMENT_COMMANDS, EAST)), TopicTail.From.BEGINNING, null);
        dlq = new TopicTail(kafka.bootstrapServers(), access.admin(), Topics.dlq(Topics.PLACEMENT_DEMAND));
        PlacementService.Config config = PlacementService.Config.defaults(kafka.bootstrapServers())
                .with(Duration.ofHours(1), Duration.ZERO, 3, Set.of(EAST), 0).withClientOverrides(access.placement());
        service = new PlacementService(config);
        service.start();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[]{service, plans, commands, dlq, producer, kafka}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private static void send(EventType type, String key, Object payload) throws Exception {
        ProducerRecord<String, byte[]> record = CloudEvents.encode(type, key, payload, "/test");
        // a provider's advertisement goes to its own topic
        producer.send(CloudEvents.providerOf(payload).map(p -> CloudEvents.toProvider(record, p)).orElse(record)).get();
    }

    private static VnfDemand demand(String type, List<VnfDemand.Point> points, List<VnfDemand.InstanceLoad> loads) {
        return new VnfDemand(type, T0, T0.plusSeconds(300), points, loads);
    }

    private static List<InstanceCommand> commandsFor(ProviderId provider) {
        return commands.records().stream().filter(r -> r.key().equals(provider.value()))
                .map(r -> CloudEvents.decode(r).payload(InstanceCommand.class)).toList();
    }

    private static List<PlacementPlan> planList() {
        return plans.records().stream().map(r -> CloudEvents.decode(r).payload(PlacementPlan.class)).toList();
    }

    @Test
    void capacityRejectionsPastTheThresholdStartAnInstanceNearTheDemand() throws Exception {
        send(EventType.DEMAND_REPORTED, "firewall", demand("firewall",
                List.of(new VnfDemand.Point("w1", 0, 0, 3, 0, 300, 1.0)), List.of()));
        await().atMost(WAIT).until(() -> commandsFor(WEST).stream().anyMatch(c -> c.vnfType().equals("firewall")));
        InstanceCommand start = commandsFor(WEST).stream().filter(c -> c.vnfType().equals("firewall")).findFirst().orElseThrow();
        assertThat(start.operation()).isEqualTo(InstanceCommand.Operation.START);
        assertThat(start.siteId()).isEqualTo("west-1");
        PlacementPlan plan = planList().stream().filter(p -> p.planId().equals(start.planId())).findFirst().orElseThrow();
        assertThat(plan.trigger()).isEqualTo(PlacementPlan.Trigger.CAPACITY_REJECTIONS);
        assertThat(plan.decisions()).anySatisfy(d -> {
            assertThat(d.offerId()).isEqualTo(start.offerId());
            assertThat(d.approval()).isEqualTo(PlacementPlan.Approval.AUTOMATIC);
            assertThat(d.reason()).contains("300 Mbit/s entering at w1").contains("3 orders rejected");
        });
    }

    @Test
    void aProviderWhosePolicyAsksForApprovalGetsCommandsOnlyOnceItApproves() throws Exception {
        send(EventType.DEMAND_REPORTED, "dpi", demand("dpi", List.of(new VnfDemand.Point("e1", 0, 0, 4, 0, 400, 5.0)), List.of()));
        await().atMost(WAIT).until(() -> planList().stream().flatMap(p -> p.decisions().stream()).anyMatch(d -> d.vnfType().equals("dpi")));
        PlacementPlan.Decision decision = planList().stream().flatMap(p -> p.decisions().stream())
                .filter(d -> d.vnfType().equals("dpi")).findFirst().orElseThrow();
        assertThat(decision.approval()).isEqualTo(PlacementPlan.Approval.AWAITING_APPROVAL);
        assertThat(decision.providerId()).isEqualTo(EAST);
        assertThat(commandsFor(EAST)).isEmpty();

        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + service.httpPort() + "/api/v1/placement/decisions/";
        HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create(base + "nope/approve"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);
        HttpResponse<String> approved = http.send(HttpRequest.newBuilder(URI.create(base + decision.decisionId() + "/approve"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(approved.statusCode()).isEqualTo(202);
        await().atMost(WAIT).untilAsserted(() -> assertThat(commandsFor(EAST)).singleElement().satisfies(c -> {
            assertThat(c.operation()).isEqualTo(InstanceCommand.Operation.START);
            assertThat(c.offerId()).isEqualTo(decision.offerId());
            assertThat(c.siteId()).isEqualTo("east-1");
        }));
    }

    @Test
    void aFailedSiteMovesItsInstanceDrainingItFirstAndStopsItOnlyOnceItIsEmpty() throws Exception {
        OfferId natA = OfferId.of("west-nat-a");
        send(EventType.OFFER_ADVERTISED, natA.value(), new VnfOffer(natA, WEST, "nat", "west-1", 1000, 10, 0.4, 1.0, 0.001,
                0.999, true, false, null, null));
        send(EventType.DEMAND_REPORTED, "nat", demand("nat", List.of(new VnfDemand.Point("w1", 2, 200, 0, 0, 0, 10.0)),
                List.of(new VnfDemand.InstanceLoad(natA, WEST, "west-1", List.of(new VnfDemand.Share("w1", 2, 200))))));
        send(EventType.INSTANCE_CONTEXT_UPDATED, natA.value(), new InstanceContext(natA, WEST, InstanceStatus.DOWN, 0, 0, 0, 0,
                0, 0, 0, 0, T0, 0, List.of(Metric.HEARTBEAT)));
        await().atMost(WAIT).until(() -> commandsFor(WEST).stream().anyMatch(c -> c.offerId().equals(natA)));
        PlacementPlan plan = planList().stream().filter(p -> p.decisions().stream().anyMatch(d -> d.offerId().equals(natA)))
                .findFirst().orElseThrow();
        assertThat(plan.trigger()).isEqualTo(PlacementPlan.Trigger.SITE_FAILURE);
        PlacementPlan.Decision move = plan.decisions().stream().filter(d -> d.offerId().equals(natA)).findFirst().orElseThrow();
        assertThat(move.action()).isEqualTo(PlacementPlan.Action.MOVE);
        assertThat(move.siteId()).isEqualTo("west-2");
        assertThat(move.chainsToMove()).isEqualTo(2);
        assertThat(move.reason()).contains("site west-1 failed");
        List<InstanceCommand> nat = commandsFor(WEST).stream().filter(c -> c.vnfType().equals("nat")).toList();
        assertThat(nat).extracting(InstanceCommand::operation)
                .containsExactly(InstanceCommand.Operation.START, InstanceCommand.Operation.DRAIN);
        assertThat(nat.get(0).offerId()).isEqualTo(move.newOfferId());
        assertThat(nat.get(0).siteId()).isEqualTo("west-2");

        // the broker has moved the chains: the next report shows the old instance empty
        send(EventType.DEMAND_REPORTED, "nat", demand("nat", List.of(new VnfDemand.Point("w1", 0, 0, 0, 0, 0, 10.0)),
                List.of(new VnfDemand.InstanceLoad(natA, WEST, "west-1", List.of()))));
        await().atMost(WAIT).until(() -> commandsFor(WEST).stream()
                .anyMatch(c -> c.offerId().equals(natA) && c.operation() == InstanceCommand.Operation.STOP));
    }

    @Test
    void anInvalidDemandReportGoesToTheDeadLetterTopicWithTheReason() throws Exception {
        ProducerRecord<String, byte[]> bad = CloudEvents.encode(EventType.DEMAND_REPORTED, "firewall", demand("firewall", List.of(), List.of()), "/test");
        ProducerRecord<String, byte[]> broken = new ProducerRecord<>(bad.topic(), null, bad.key(),
                "{\"vnfType\": \"firewall\"}".getBytes(StandardCharsets.UTF_8), bad.headers());
        producer.send(broken).get();
        await().atMost(WAIT).until(() -> !dlq.records().isEmpty());
        ConsumerRecord<String, byte[]> dead = dlq.records().get(0);
        assertThat(new String(dead.headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8)).contains("$.windowStart");
        assertThat(service.deadLettered()).isEqualTo(1);
    }
}
