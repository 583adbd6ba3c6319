package org.chainmarket.placement.service;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.chainmarket.deploy.embedded.EmbeddedKafka;
import org.chainmarket.deploy.embedded.TopicTail;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.TopicInitializer;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.kafka.KafkaAccess;
import org.chainmarket.schemas.kafka.KafkaClients;
import org.chainmarket.schemas.model.CatalogueEntry;
import org.chainmarket.schemas.model.InstanceCommand;
import org.chainmarket.schemas.model.InstanceContext;
import org.chainmarket.schemas.model.InstanceStatus;
import org.chainmarket.schemas.model.Metric;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.PlacementPlan;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfDemand;
import org.chainmarket.schemas.model.VnfOffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service restarted in the middle of carrying out a plan, over a real embedded Kafka broker: a failed site's
 * instance is being moved (its replacement asked to start and not advertised yet, the old one draining) when the
 * service stops; the service started after it takes the move up where it was. It does not start a second replacement
 * nor drain again, and it stops the old instance once a report after the restart shows it empty.
 */
class PlacementRestartTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ProviderId WEST = ProviderId.of("west");
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private EmbeddedKafka kafka;
    private KafkaProducer<String, byte[]> producer;
    private PlacementService first;
    private PlacementService second;
    private PlacementService third;
    private TopicTail plans;
    private TopicTail commands;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[]{third, second, first, plans, commands, producer, kafka}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private void send(EventType type, String key, Object payload) throws Exception {
        ProducerRecord<String, byte[]> record = CloudEvents.encode(type, key, payload, "/test");
        producer.send(CloudEvents.providerOf(payload).map(p -> CloudEvents.toProvider(record, p)).orElse(record)).get();
    }

    private List<InstanceCommand> natCommands() {
        return commands.records().stream().map(r -> CloudEvents.decode(r).payload(InstanceCommand.class))
                .filter(c -> c.vnfType().equals("nat")).toList();
    }

    /** Starts Kafka with the topics and west's principal, and advertises west's domain: two sites, w1 and w2. */
    private KafkaAccess startKafkaWithWest() throws Exception {
        kafka = EmbeddedKafka.start();
        KafkaAccess access = KafkaAccess.secured(kafka.bootstrapServers(), kafka.adminSettings());
        TopicInitializer.ensureTopics(kafka.bootstrapServers(), 3, (short) 1, access.admin());
        producer = KafkaClients.producer(kafka.bootstrapServers(), "test", access.admin());
        access.adapter(WEST);
        send(EventType.PROVIDER_DOMAIN_ADVERTISED, "west", new ProviderDomain(WEST, "West",
                List.of(new ProviderDomain.Switch("w1", "W1", 47.6, -122.3), new ProviderDomain.Switch("w2", "W2", 45.5, -122.7)),
                List.of(new ProviderDomain.Site("west-1", "w1", 8, 32), new ProviderDomain.Site("west-2", "w2", 8, 32)),
                List.of(new ProviderDomain.Link("w1", "w2", 2, 10000)), List.of()));
        return access;
    }

    @Test
    void aMoveUnderWayWhenTheServiceStopsIsTakenUpByTheNextStartNotStartedTwice() throws Exception {
        KafkaAccess access = startKafkaWithWest();
        CatalogueEntry nat = new CatalogueEntry(WEST, "nat", 2, 4, 1000, 10, 20, 1.0, 0.001, 0.4, true, false, List.of("west-1", "west-2"));
        send(EventType.CATALOGUE_ENTRY_ADVERTISED, nat.key(), nat);
        OfferId old = OfferId.of("west-nat-a");
        send(EventType.OFFER_ADVERTISED, old.value(), new VnfOffer(old, WEST, "nat", "west-1", 1000, 10, 0.4, 1.0, 0.001,
                0.999, true, false, null, null));
        send(EventType.DEMAND_REPORTED, "nat", new VnfDemand("nat", T0, T0.plusSeconds(300),
                List.of(new VnfDemand.Point("w1", 2, 200, 0, 0, 0, 10.0)),
                List.of(new VnfDemand.InstanceLoad(old, WEST, "west-1", List.of(new VnfDemand.Share("w1", 2, 200))))));
        commands = new TopicTail(kafka.bootstrapServers(), access.admin(), List.of(Topics.forProvider(Topics.PLACEMENT_COMMANDS, WEST)),
                TopicTail.From.BEGINNING, null);
        PlacementService.Config config = PlacementService.Config.defaults(kafka.bootstrapServers())
                .with(Duration.ofHours(1), Duration.ZERO, 3, Set.of(), -1).withClientOverrides(access.placement());
        first = new PlacementService(config);
        first.start();

        // site west-1 fails: the instance on it moves to west-2, its replacement starting, itself draining
        send(EventType.INSTANCE_CONTEXT_UPDATED, old.value(), new InstanceContext(old, WEST, InstanceStatus.DOWN, 0, 0, 0, 0,
                0, 0, 0, 0, T0, 0, List.of(Metric.HEARTBEAT)));
        await().atMost(WAIT).until(() -> natCommands().size() == 2);
        List<InstanceCommand> move = natCommands();
        assertThat(move).extracting(InstanceCommand::operation)
                .containsExactly(InstanceCommand.Operation.START, InstanceCommand.Operation.DRAIN);
        OfferId replacement = move.get(0).offerId();
        assertThat(move.get(0).siteId()).isEqualTo("west-2");
        assertThat(move.get(1).offerId()).isEqualTo(old);

        // the service stops before the replacement is advertised and before the old instance is empty
        first.close();
        first = null;
        second = new PlacementService(config);
        second.start();
        // it reads the failed site again and plans at once; then once more on request
        second.requestPlan();
        await().atMost(WAIT).until(() -> second.plansPublished() >= 1);
        second.requestPlan();
        await().atMost(WAIT).until(() -> second.plansPublished() >= 2);
        assertThat(natCommands()).as("no second replacement started, no second drain").hasSize(2);

        // the broker moves the chains onto the replacement: the next report shows the old instance empty
        send(EventType.DEMAND_REPORTED, "nat", new VnfDemand("nat", T0.plusSeconds(300), T0.plusSeconds(600),
                List.of(new VnfDemand.Point("w1", 0, 0, 0, 0, 0, 10.0)),
                List.of(new VnfDemand.InstanceLoad(old, WEST, "west-1", List.of()))));
        await().atMost(WAIT).until(() -> natCommands().size() == 3);
        assertThat(natCommands().get(2)).satisfies(stop -> {
            assertThat(stop.operation()).isEqualTo(InstanceCommand.Operation.STOP);
            assertThat(stop.offerId()).isEqualTo(old);
            assertThat(stop.offerId()).isNotEqualTo(replacement);
        });
    }

    @Test
    void decisionsWaitingForApprovalKeepTheirIdsWaitAgainAfterARestartAndGoWhenNoPlanProposesThemAnyMore() throws Exception {
        KafkaAccess access = startKafkaWithWest();
        for (String type : List.of("nat", "firewall")) {
            CatalogueEntry e = new CatalogueEntry(WEST, type, 2, 4, 1000, 10, 20, 1.0, 0.001, 0.4, true, false, List.of("west-1", "west-2"));
            send(EventType.CATALOGUE_ENTRY_ADVERTISED, e.key(), e);
        }
        // orders for a NAT at w1 were refused for want of capacity: the plan starts one, which west must approve
        send(EventType.DEMAND_REPORTED, "nat", new VnfDemand("nat", Instant.now().minusSeconds(300), Instant.now(),
                List.of(new VnfDemand.Point("w1", 0, 0, 4, 0, 400, 5.0)), List.of()));
        commands = new TopicTail(kafka.bootstrapServers(), access.admin(), List.of(Topics.forProvider(Topics.PLACEMENT_COMMANDS, WEST)),
                TopicTail.From.BEGINNING, null);
        PlacementService.Config config = PlacementService.Config.defaults(kafka.bootstrapServers())
                .with(Duration.ofHours(1), Duration.ZERO, 3, Set.of(WEST), -1).withClientOverrides(access.placement());
        first = new PlacementService(config);
        first.start();
        await().atMost(WAIT).until(() -> first.plansPublished() == 1);
        PlacementPlan plan1 = first.recentPlans().get(0);
        List<String> nat = waitingIn(plan1);
        assertThat(nat).as("the plan starts a NAT that waits for west's approval").hasSize(1);
        assertThat(first.awaitingApproval()).isEqualTo(nat);

        // a newer plan proposes it again: the same decision, under the same id, still waits
        first.requestPlan();
        await().atMost(WAIT).until(() -> first.plansPublished() == 2);
        PlacementPlan plan2 = first.recentPlans().get(0);
        assertThat(plan2.decisions()).as("proposed again, as it was").containsAll(plan1.decisions());
        assertThat(first.awaitingApproval()).isEqualTo(nat);

        // across a restart it waits again (start() returns once it does), and the rejections the last plan counted do
        // not set off another plan
        first.close();
        first = null;
        second = new PlacementService(config);
        second.start();
        assertThat(second.awaitingApproval()).isEqualTo(nat);
        assertThat(second.recentPlans()).extracting(PlacementPlan::planId).containsExactly(plan2.planId(), plan1.planId());
        assertThat(second.plansPublished()).as("no plan since the restart").isZero();
        assertThat(second.approve(nat.get(0))).isTrue();
        await().atMost(WAIT).until(() -> !commands.records().isEmpty());
        assertThat(second.awaitingApproval()).isEmpty();

        // a decision carried out before a restart does not wait again, and nothing is sent twice
        second.close();
        second = null;
        third = new PlacementService(config);
        third.start();
        assertThat(third.awaitingApproval()).isEmpty();
        assertThat(third.approve(nat.get(0))).isFalse();
        assertThat(commands.records()).hasSize(1);
        assertThat(CloudEvents.decode(commands.records().get(0)).payload(InstanceCommand.class)).satisfies(c -> {
            assertThat(c.decisionId()).isEqualTo(nat.get(0));
            assertThat(c.operation()).isEqualTo(InstanceCommand.Operation.START);
        });

        // a firewall waits for approval; then one is advertised where it was needed: the next plan does not propose the
        // start any more, and it can no longer be approved
        send(EventType.DEMAND_REPORTED, "firewall", new VnfDemand("firewall", Instant.now().minusSeconds(300), Instant.now(),
                List.of(new VnfDemand.Point("w2", 0, 0, 4, 0, 400, 5.0)), List.of()));
        await().atMost(WAIT).until(() -> third.plansPublished() == 1);
        List<String> firewall = waitingIn(third.recentPlans().get(0));
        assertThat(firewall).hasSize(1);
        assertThat(third.awaitingApproval()).isEqualTo(firewall);
        OfferId running = OfferId.of("west-firewall-a");
        send(EventType.OFFER_ADVERTISED, running.value(), new VnfOffer(running, WEST, "firewall", "west-2", 1000, 10, 0.4, 1.0,
                0.001, 0.999, true, false, null, null));
        // (plans on request until one was made after the offer was read)
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> {
            third.requestPlan();
            return third.plansPublished() > 1 && waitingIn(third.recentPlans().get(0)).isEmpty();
        });
        assertThat(third.awaitingApproval()).isEmpty();
        assertThat(third.approve(firewall.get(0))).as("superseded").isFalse();
        assertThat(commands.records()).hasSize(1);
    }

    private static List<String> waitingIn(PlacementPlan plan) {
        return plan.decisions().stream().filter(d -> d.approval() == PlacementPlan.Approval.AWAITING_APPROVAL)
                .map(PlacementPlan.Decision::decisionId).toList();
    }
}
