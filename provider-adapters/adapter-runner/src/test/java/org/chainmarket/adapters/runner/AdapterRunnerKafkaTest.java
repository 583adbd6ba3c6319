package org.chainmarket.adapters.runner;

import org.chainmarket.deploy.embedded.TopicTail;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.chainmarket.adapters.emulated.EmulatedDomain;
import org.chainmarket.adapters.emulated.FaultMode;
import org.chainmarket.deploy.embedded.EmbeddedKafka;
import org.chainmarket.schemas.kafka.KafkaAccess;
import org.chainmarket.schemas.kafka.KafkaClients;
import org.chainmarket.adapters.api.PathProvider;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.DeadLetters;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.events.TopicInitializer;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.DomainSegment;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.TelemetryBatch;
import org.chainmarket.schemas.model.VnfOffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The runner against a real Kafka broker (one per class); every test uses its own provider, so its own group. */
class AdapterRunnerKafkaTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static EmbeddedKafka kafka;
    private static KafkaAccess access;
    private static KafkaProducer<String, byte[]> broker;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
        access = KafkaAccess.secured(kafka.bootstrapServers(), kafka.adminSettings());
        TopicInitializer.ensureTopics(kafka.bootstrapServers(), 3, (short) 1, access.admin());
        broker = KafkaClients.producer(kafka.bootstrapServers(), "broker", access.broker());
    }

    @AfterAll
    static void stopKafka() {
        if (broker != null) {
            broker.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void advertisesItsDomainAndOffersAndWithdrawsAnOfferWithATombstone() throws Exception {
        ProviderId p = provider("adv");
        EmulatedDomain domain = new EmulatedDomain(domainOf(p));
        try (TopicTail domains = tail(Topics.PROVIDER_DOMAINS, p); TopicTail offers = tail(Topics.OFFERS, p);
             AdapterRunner runner = new AdapterRunner(kafka.bootstrapServers(), domain, List.of(offer(p, "fw"), offer(p, "dpi")), credentials(domain))) {
            runner.start();
            runner.advertise(offer(p, "wan"));
            runner.withdrawOffer(OfferId.of(p + "-dpi"));

            await().atMost(WAIT).untilAsserted(() -> {
                List<CloudEvents.Event> ds = domains.records().stream().map(CloudEvents::decode)
                        .filter(e -> e.key().equals(p.value())).toList();
                assertThat(ds).singleElement().satisfies(e -> {
                    assertThat(e.type()).isEqualTo(EventType.PROVIDER_DOMAIN_ADVERTISED);
                    assertThat(e.payload(ProviderDomain.class)).isEqualTo(domainOf(p));
                });
                // offers are keyed by offer id: order holds per offer (one partition), not across offers
                assertThat(offerHistory(offers, p + "-fw")).containsExactly("advertised");
                assertThat(offerHistory(offers, p + "-wan")).containsExactly("advertised");
                assertThat(offerHistory(offers, p + "-dpi")).containsExactly("advertised", "withdrawn");
            });
            ConsumerRecord<String, byte[]> first = offers.records().stream().filter(r -> r.key().equals(p + "-fw")).findFirst().orElseThrow();
            assertThat(header(first, CloudEvents.SOURCE)).isEqualTo("/providers/" + p);
            assertThat(CloudEvents.decode(first).payload(VnfOffer.class)).isEqualTo(offer(p, "fw"));
            assertThatThrownBy(() -> runner.advertise(offer(ProviderId.of("someone-else"), "fw")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("belongs to provider someone-else");
        }
    }

    @Test
    void acknowledgesASetupWithItsFlowEntriesAndATeardownWithNone() throws Exception {
        ProviderId p = provider("ack");
        EmulatedDomain domain = new EmulatedDomain(domainOf(p));
        String chain = "chain-" + p;
        try (TopicTail acks = tail(Topics.DOMAIN_ACKS, p);
             AdapterRunner runner = new AdapterRunner(kafka.bootstrapServers(), domain, List.of(), credentials(domain))) {
            runner.start();

            send(setup("setup-" + p, chain, p));

            ConsumerRecord<String, byte[]> record = awaitAck(acks, "setup-" + p);
            assertThat(record.key()).isEqualTo(chain);
            assertThat(header(record, CloudEvents.SOURCE)).isEqualTo("/providers/" + p);
            assertThat(header(record, CloudEvents.TYPE)).isEqualTo("DomainAcknowledged");
            DomainAck ack = CloudEvents.decode(record).payload(DomainAck.class);
            assertThat(ack.success()).isTrue();
            assertThat(ack.providerId()).isEqualTo(p);
            assertThat(ack.flowEntries()).extracting(DomainAck.FlowEntry::switchId, DomainAck.FlowEntry::inPort, e -> e.actions().get(0))
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(p + "-a", "border:x1", "output:to:" + p + "-b"),
                            org.assertj.core.groups.Tuple.tuple(p + "-b", "to:" + p + "-a", "output:vnf:" + p + "-fw"),
                            org.assertj.core.groups.Tuple.tuple(p + "-b", "vnf:" + p + "-fw", "output:to:" + p + "-c"),
                            org.assertj.core.groups.Tuple.tuple(p + "-c", "to:" + p + "-b", "output:host"));
            assertThat(domain.entriesOf(ChainId.of(chain))).isEqualTo(ack.flowEntries());

            send(new DomainCommand("teardown-" + p, ChainId.of(chain), p, DomainCommand.Operation.TEARDOWN, 0, List.of(), null));

            DomainAck removed = CloudEvents.decode(awaitAck(acks, "teardown-" + p)).payload(DomainAck.class);
            assertThat(removed.success()).isTrue();
            assertThat(removed.flowEntries()).isEmpty();
            assertThat(domain.allEntries()).isEmpty();
        }
    }

    @Test
    void reportsWhatItsDomainHoldsOnStartAndOnItsPeriod() throws Exception {
        ProviderId p = provider("state");
        EmulatedDomain domain = new EmulatedDomain(domainOf(p));
        String chain = "chain-" + p;
        try (TopicTail acks = tail(Topics.DOMAIN_ACKS, p); TopicTail states = tail(Topics.DOMAIN_STATES, p);
             AdapterRunner runner = new AdapterRunner(kafka.bootstrapServers(), domain, List.of(), credentials(domain), null,
                     Duration.ofMillis(300))) {
            runner.start();
            await().atMost(WAIT).untilAsserted(() -> assertThat(reports(states, p)).first().satisfies(r -> {
                assertThat(r.trigger()).isEqualTo(org.chainmarket.schemas.model.DomainStateReport.Trigger.START);
                assertThat(r.sequence()).isEqualTo(1);
                assertThat(r.full()).isTrue();
                assertThat(r.chains()).isEmpty();
            }));

            send(setup("setup-" + p, chain, p));
            DomainAck ack = CloudEvents.decode(awaitAck(acks, "setup-" + p)).payload(DomainAck.class);

            await().atMost(WAIT).untilAsserted(() -> assertThat(reports(states, p)).last().satisfies(r -> {
                assertThat(r.trigger()).isEqualTo(org.chainmarket.schemas.model.DomainStateReport.Trigger.PERIODIC);
                assertThat(r.byChain()).containsOnlyKeys(ChainId.of(chain));
                assertThat(r.byChain().get(ChainId.of(chain))).containsExactlyInAnyOrderElementsOf(ack.flowEntries());
            }));
            List<org.chainmarket.schemas.model.DomainStateReport> all = reports(states, p);
            assertThat(all).extracting(org.chainmarket.schemas.model.DomainStateReport::sequence).isSorted().doesNotHaveDuplicates();
            ConsumerRecord<String, byte[]> first = states.records().stream().filter(r -> r.key().equals(p.value())).findFirst().orElseThrow();
            assertThat(header(first, CloudEvents.SOURCE)).isEqualTo("/providers/" + p);
        }
    }

    private static List<org.chainmarket.schemas.model.DomainStateReport> reports(TopicTail states, ProviderId p) {
        return states.records().stream().filter(r -> r.key().equals(p.value())).map(CloudEvents::decode)
                .map(e -> e.payload(org.chainmarket.schemas.model.DomainStateReport.class)).toList();
    }

    @Test
    void deadLettersWhatItCannotReadAndGoesOn() throws Exception {
        ProviderId p = provider("dlq");
        EmulatedDomain domain = new EmulatedDomain(domainOf(p));
        String chain = "chain-" + p;
        try (TopicTail acks = tail(Topics.DOMAIN_ACKS, p); TopicTail dlq = tail(Topics.dlq(Topics.DOMAIN_COMMANDS));
             AdapterRunner runner = new AdapterRunner(kafka.bootstrapServers(), domain, List.of(), credentials(domain))) {
            runner.start();
            String topic = runner.commandTopic();
            ProducerRecord<String, byte[]> good = CloudEvents.toProvider(CloudEvents.encode(EventType.PATH_SETUP_REQUESTED, chain,
                    setup("good-" + p, chain, p), "/broker"), p);
            // bad JSON under valid headers, same key: same partition, so it is read before the good command
            broker.send(new ProducerRecord<>(topic, null, chain, "{not json".getBytes(StandardCharsets.UTF_8),
                    good.headers())).get();
            // a valid body without any CloudEvents header
            broker.send(new ProducerRecord<>(topic, chain, good.value())).get();
            // a set-up command announced as a tear-down
            broker.send(CloudEvents.toProvider(CloudEvents.encode(UUID.randomUUID().toString(), EventType.PATH_TEARDOWN_REQUESTED,
                    chain, good.value(), "/broker"), p)).get();
            broker.send(good).get();

            DomainAck ack = CloudEvents.decode(awaitAck(acks, "good-" + p)).payload(DomainAck.class);
            assertThat(ack.success()).isTrue();
            await().atMost(WAIT).untilAsserted(() -> assertThat(dlq.records().stream().filter(r -> chain.equals(r.key()))
                    .map(r -> header(r, DeadLetters.REASON)).distinct().toList()).satisfiesExactly(
                    json -> assertThat(json).startsWith("domain-command is invalid: $: malformed JSON: Unexpected character"),
                    headers -> assertThat(headers).isEqualTo("record is invalid: header ce_id: missing; header ce_type: missing; "
                            + "header ce_source: missing; header ce_specversion: missing"),
                    type -> assertThat(type).isEqualTo("record is invalid: header ce_type: PathTeardownRequested does not match operation SETUP")));
            assertThat(dlq.records().stream().filter(r -> chain.equals(r.key())))
                    .allSatisfy(r -> assertThat(header(r, DeadLetters.ORIGIN)).startsWith(topic + "/"));
            assertThat(runner.deadLettered()).isEqualTo(3);
            assertThat(runner.isRunning()).isTrue();
        }
    }

    @Test
    void deadLettersACommandOnItsTopicForAnotherProviderAndReadsNoOtherProvidersTopic() throws Exception {
        ProviderId p = provider("own");
        ProviderId other = provider("other");
        EmulatedDomain domain = new EmulatedDomain(domainOf(p));
        String chain = "chain-" + p;
        try (TopicTail acks = tail(Topics.DOMAIN_ACKS, p); TopicTail dlq = tail(Topics.dlq(Topics.DOMAIN_COMMANDS));
             AdapterRunner runner = new AdapterRunner(kafka.bootstrapServers(), domain, List.of(), credentials(domain))) {
            runner.start();
            access.adapter(other);
            send(new DomainCommand("on-other-topic-" + p, ChainId.of(chain), p, DomainCommand.Operation.TEARDOWN, 0, List.of(), null), other);
            send(new DomainCommand("for-other-" + p, ChainId.of(chain), other, DomainCommand.Operation.TEARDOWN, 0, List.of(), null), p);
            send(setup("mine-" + p, chain, p));

            awaitAck(acks, "mine-" + p);
            assertThat(runner.handedOff()).isEqualTo(1);
            assertThat(domain.appliedCommands()).isEqualTo(1);
            assertThat(acksOf(acks, "for-other-" + p)).isEmpty();
            assertThat(acksOf(acks, "on-other-topic-" + p)).isEmpty();
            await().atMost(WAIT).untilAsserted(() -> assertThat(dlq.records().stream().filter(r -> chain.equals(r.key()))
                    .map(r -> header(r, DeadLetters.REASON)).toList()).singleElement().satisfies(reason -> assertThat(reason)
                    .contains("'" + other + "' on " + runner.commandTopic())));
        }
    }

    @Test
    void aRedeliveredCommandIsAnsweredAgainButAppliedOnce() throws Exception {
        ProviderId p = provider("redeliver");
        EmulatedDomain domain = new EmulatedDomain(domainOf(p));
        String chain = "chain-" + p;
        try (TopicTail acks = tail(Topics.DOMAIN_ACKS, p);
             AdapterRunner runner = new AdapterRunner(kafka.bootstrapServers(), domain, List.of(), credentials(domain))) {
            runner.start();
            ProducerRecord<String, byte[]> command = CloudEvents.toProvider(CloudEvents.encode(EventType.PATH_SETUP_REQUESTED, chain,
                    setup("once-" + p, chain, p), "/broker"), p);

            broker.send(command).get();
            broker.send(command).get();

            await().atMost(WAIT).until(() -> acksOf(acks, "once-" + p).size() == 2);
            List<ConsumerRecord<String, byte[]>> both = acksOf(acks, "once-" + p);
            assertThat(both).extracting(r -> CloudEvents.decode(r).payload(DomainAck.class)).containsOnly(
                    CloudEvents.decode(both.get(0)).payload(DomainAck.class));
            assertThat(both).extracting(r -> header(r, CloudEvents.ID)).containsOnly("ack:" + p + ":once-" + p);
            assertThat(runner.handedOff()).isEqualTo(2);
            assertThat(domain.appliedCommands()).isEqualTo(1);
            assertThat(domain.entriesOf(ChainId.of(chain))).hasSize(4);
        }
    }

    @Test
    void resumesAfterItsCommittedOffsetWhenRestarted() throws Exception {
        ProviderId p = provider("restart");
        String chain = "chain-" + p;
        try (TopicTail acks = tail(Topics.DOMAIN_ACKS, p)) {
            EmulatedDomain first = new EmulatedDomain(domainOf(p));
            try (AdapterRunner runner = new AdapterRunner(kafka.bootstrapServers(), first, List.of(), credentials(first))) {
                runner.start();
                send(setup("before-" + p, chain, p));
                awaitAck(acks, "before-" + p);
            }

            EmulatedDomain second = new EmulatedDomain(domainOf(p));
            try (AdapterRunner runner = new AdapterRunner(kafka.bootstrapServers(), second, List.of(), credentials(second))) {
                runner.start();
                send(setup("after-" + p, chain, p));
                awaitAck(acks, "after-" + p);
                assertThat(runner.handedOff()).isEqualTo(1);
                assertThat(second.appliedCommands()).isEqualTo(1);
                assertThat(acksOf(acks, "before-" + p)).hasSize(1);
            }
        }
    }

    @Test
    void reportsAnInjectedFailureWithItsReason() throws Exception {
        ProviderId p = provider("fail");
        EmulatedDomain domain = new EmulatedDomain(domainOf(p));
        domain.setFaultMode(FaultMode.FAIL);
        String chain = "chain-" + p;
        try (TopicTail acks = tail(Topics.DOMAIN_ACKS, p);
             AdapterRunner runner = new AdapterRunner(kafka.bootstrapServers(), domain, List.of(), credentials(domain))) {
            runner.start();
            send(setup("doomed-" + p, chain, p));

            DomainAck ack = CloudEvents.decode(awaitAck(acks, "doomed-" + p)).payload(DomainAck.class);
            assertThat(ack.success()).isFalse();
            assertThat(ack.reason()).isEqualTo("injected failure");
            assertThat(domain.allEntries()).isEmpty();
        }
    }

    // --- fixtures -----------------------------------------------------------------------------------------------

    @Test
    void publishesTheDomainsTelemetryPeriodicallyWhenAskedAndTheLoadOfItsChains() throws Exception {
        ProviderId p = provider("tel");
        EmulatedDomain domain = new EmulatedDomain(domainOf(p), List.of(offer(p, "fw")));
        try (TopicTail telemetry = tail(Topics.TELEMETRY, p); TopicTail acks = tail(Topics.DOMAIN_ACKS, p);
             AdapterRunner runner = new AdapterRunner(kafka.bootstrapServers(), domain, List.of(offer(p, "fw")), credentials(domain),
                     Duration.ofMillis(100))) {
            runner.start();
            send(setup("tel-c-1", "tel-ch-" + p, p));
            awaitAck(acks, "tel-c-1");

            await().atMost(WAIT).untilAsserted(() -> {
                List<TelemetryBatch> batches = telemetry.records().stream().filter(r -> r.key().equals(p.value()))
                        .map(CloudEvents::decode)
                        .peek(e -> assertThat(e.type()).isEqualTo(EventType.TELEMETRY_REPORTED))
                        .map(e -> e.payload(TelemetryBatch.class)).toList();
                assertThat(batches).hasSizeGreaterThan(2);
                TelemetryBatch last = batches.get(batches.size() - 1);
                assertThat(last.vnfSamples()).singleElement().satisfies(s -> {
                    assertThat(s.offerId()).isEqualTo(OfferId.of(p + "-fw"));
                    assertThat(s.throughputInMbps()).isEqualTo(100);
                    assertThat(s.heartbeatSeq()).isGreaterThan(1);
                });
                assertThat(last.linkSamples()).extracting(TelemetryBatch.LinkSample::key).contains(p + "-a|" + p + "-b");
            });
            assertThat(runner.telemetryBatches()).isPositive();
        }
    }

    @Test
    void telemetryIsOffByDefaultAndNeedsATelemetrySource() throws Exception {
        ProviderId p = provider("notel");
        try (TopicTail telemetry = tail(Topics.TELEMETRY, p);
             AdapterRunner runner = new AdapterRunner(kafka.bootstrapServers(), new EmulatedDomain(domainOf(p)), List.of(), access.adapter(p))) {
            runner.start();
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> runner.telemetryBatches() == 0
                    && telemetry.records().stream().noneMatch(r -> p.value().equals(r.key())));
        }
        org.chainmarket.adapters.api.PathProvider bare = new org.chainmarket.adapters.api.PathProvider() {
            @Override
            public ProviderDomain domain() {
                return domainOf(p);
            }

            @Override
            public void activate(org.chainmarket.adapters.api.PathProviderService service) {
            }

            @Override
            public void apply(DomainCommand command) {
            }
        };
        assertThatThrownBy(() -> new AdapterRunner(kafka.bootstrapServers(), bare, List.of(), Map.of(), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a TelemetrySource");
    }

    private static ProviderId provider(String name) {
        return ProviderId.of(name + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /** A line a-b-c with a site at b, and a border link from a to x1 of provider "x". */
    static ProviderDomain domainOf(ProviderId p) {
        return new ProviderDomain(p, "Provider " + p,
                List.of(sw(p + "-a"), sw(p + "-b"), sw(p + "-c")),
                List.of(new ProviderDomain.Site(p + "-site-b", p + "-b", 8, 32)),
                List.of(new ProviderDomain.Link(p + "-a", p + "-b", 1, 10_000), new ProviderDomain.Link(p + "-b", p + "-c", 1, 10_000)),
                List.of(new ProviderDomain.BorderLink(p + "-a", ProviderId.of("x"), "x1", 1, 10_000)));
    }

    private static ProviderDomain.Switch sw(String id) {
        return new ProviderDomain.Switch(id, id, 40.0, -75.0);
    }

    static VnfOffer offer(ProviderId p, String type) {
        return new VnfOffer(OfferId.of(p + "-" + type), p, type, p + "-site-b", 1000, 10, 0.5, 1.0, 0.001, 0.999,
                false, false, null, null);
    }

    /** From border x1 into a, through the firewall at b, out to the host at c. */
    static DomainCommand setup(String commandId, String chain, ProviderId p) {
        DomainSegment segment = new DomainSegment(p, 1, new DomainSegment.Attachment(p + "-a", "x1"),
                List.of(new DomainSegment.Waypoint(0, OfferId.of(p + "-fw"), p + "-b")),
                new DomainSegment.Attachment(p + "-c", null));
        return new DomainCommand(commandId, ChainId.of(chain), p, DomainCommand.Operation.SETUP, 100, List.of(segment), null);
    }

    private static void send(DomainCommand command) throws Exception {
        send(command, command.providerId());
    }

    /** Sends {@code command} on {@code to}'s command topic, as the broker does. */
    private static void send(DomainCommand command, ProviderId to) throws Exception {
        EventType type = command.operation() == DomainCommand.Operation.SETUP
                ? EventType.PATH_SETUP_REQUESTED : EventType.PATH_TEARDOWN_REQUESTED;
        broker.send(CloudEvents.toProvider(CloudEvents.encode(type, command.chainId().value(), command, "/broker"), to))
                .get(10, TimeUnit.SECONDS);
    }

    private static List<String> offerHistory(TopicTail offers, String offerId) {
        return offers.records().stream().filter(r -> r.key().equals(offerId))
                .map(r -> r.value() == null ? "withdrawn" : "advertised").toList();
    }

    private static TopicTail tail(String topic) {
        return new TopicTail(kafka.bootstrapServers(), access.admin(), topic);
    }

    /** {@code p}'s topic of a per-provider family (the provider's principal and topics are made first). */
    private static TopicTail tail(String family, ProviderId p) {
        access.adapter(p);
        return tail(Topics.forProvider(family, p));
    }

    /** The client settings of the provider's own principal. */
    private static Map<String, Object> credentials(PathProvider provider) {
        return access.adapter(provider.domain().providerId());
    }

    private static List<ConsumerRecord<String, byte[]>> acksOf(TopicTail acks, String commandId) {
        return acks.records().stream()
                .filter(r -> commandId.equals(Json.read(new String(r.value(), StandardCharsets.UTF_8), DomainAck.class).commandId()))
                .toList();
    }

    private static ConsumerRecord<String, byte[]> awaitAck(TopicTail acks, String commandId) {
        await().atMost(WAIT).until(() -> !acksOf(acks, commandId).isEmpty());
        return acksOf(acks, commandId).get(0);
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
