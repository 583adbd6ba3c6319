package org.chainmarket.schemas;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.FieldError;
import org.chainmarket.schemas.events.InvalidInputException;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.events.SchemaValidator;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.CatalogueEntry;
import org.chainmarket.schemas.model.InstanceAck;
import org.chainmarket.schemas.model.InstanceCommand;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.PlacementPlan;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfDemand;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The placement contracts: catalogue, demand, plans, instance commands and their acknowledgements. */
class PlacementContractsTest {
    static final Instant AT = Instant.parse("2026-11-20T10:05:00Z");
    static final CatalogueEntry DPI = new CatalogueEntry(ProviderId.of("west"), "dpi", 4, 8, 1000, 20, 30, 2.0, 0.003,
            1.5, false, false, List.of("west-sea-1", "west-sfo-1"));

    @Test
    void theCatalogueIsCompactedKeyedByProviderAndTypeAndATombstoneRemovesAType() {
        assertThat(Topics.ALL).contains(new Topics.TopicSpec(Topics.CATALOGUE, true, true),
                new Topics.TopicSpec(Topics.PLACEMENT_DEMAND, false), new Topics.TopicSpec(Topics.PLACEMENT_PLANS, false),
                new Topics.TopicSpec(Topics.PLACEMENT_COMMANDS, false, true), new Topics.TopicSpec(Topics.PLACEMENT_ACKS, false, true));
        ProducerRecord<String, byte[]> sent = CloudEvents.encode(EventType.CATALOGUE_ENTRY_ADVERTISED, DPI.key(), DPI, "/providers/west");
        assertThat(sent.key()).isEqualTo("west:dpi");
        CloudEvents.Event event = CloudEvents.decode(CloudEventsTest.asConsumed(sent));
        assertThat(event.payload(CatalogueEntry.class)).isEqualTo(DPI);
        assertThat(event.payload(CatalogueEntry.class).allows("west-sea-1")).isTrue();
        assertThat(event.payload(CatalogueEntry.class).allows("east-nyc-1")).isFalse();
        String westCatalogue = Topics.forProvider(Topics.CATALOGUE, ProviderId.of("west"));
        assertThat(CloudEvents.decode(tombstone(westCatalogue, "west:dpi")).isTombstone()).isTrue();
        assertThatThrownBy(() -> CloudEvents.decode(tombstone(westCatalogue, "east:dpi")))
                .as("west's catalogue topic cannot remove east's entry")
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors()).singleElement()
                        .satisfies(f -> assertThat(f.field()).isEqualTo("key")));
    }

    private static ConsumerRecord<String, byte[]> tombstone(String topic, String key) {
        return new ConsumerRecord<>(topic, 0, 3L, 0L, TimestampType.CREATE_TIME, 0, 0, key, null,
                new org.apache.kafka.common.header.internals.RecordHeaders(), Optional.empty());
    }

    @Test
    void aCatalogueEntryNamesEachBadField() {
        String body = Json.text(DPI).replace("\"vcpu\":4", "\"vcpu\":0").replace("\"siteIds\":[\"west-sea-1\",\"west-sfo-1\"]", "\"siteIds\":[]");
        assertThatThrownBy(() -> SchemaValidator.read("catalogue-entry", body.getBytes(StandardCharsets.UTF_8), CatalogueEntry.class))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors()).extracting(FieldError::field)
                        .containsExactlyInAnyOrder("$.vcpu", "$.siteIds"));
    }

    @Test
    void demandCarriesRejectionsAndTheLoadOfRunningInstances() {
        VnfDemand demand = new VnfDemand("dpi", AT.minusSeconds(300), AT,
                List.of(new VnfDemand.Point("seattle", 2, 200, 3, 1, 400, 15.0), new VnfDemand.Point("new-york", 1, 50, 0, 0, 0, null)),
                List.of(new VnfDemand.InstanceLoad(OfferId.of("east-dpi-nyc"), ProviderId.of("east"), "east-nyc-1",
                        List.of(new VnfDemand.Share("new-york", 2, 150), new VnfDemand.Share("chicago", 1, 100)))));
        ProducerRecord<String, byte[]> sent = CloudEvents.encode(EventType.DEMAND_REPORTED, "dpi", demand, "/broker");
        assertThat(sent.topic()).isEqualTo(Topics.PLACEMENT_DEMAND);
        VnfDemand read = CloudEvents.decode(CloudEventsTest.asConsumed(sent)).payload(VnfDemand.class);
        assertThat(read).isEqualTo(demand);
        assertThat(read.points().get(0).rejected()).isEqualTo(4);
        assertThat(read.instances().get(0).chains()).isEqualTo(3);
        assertThat(read.instances().get(0).bandwidthMbps()).isEqualTo(250);
        String negative = Json.text(demand).replace("\"rejectedMbps\":400.0", "\"rejectedMbps\":-1");
        assertThatThrownBy(() -> SchemaValidator.read("vnf-demand", negative.getBytes(StandardCharsets.UTF_8), VnfDemand.class))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors()).extracting(FieldError::field)
                        .containsExactly("$.points[0].rejectedMbps"));
    }

    @Test
    void aPlanKeepsItsBreakdownOrderAndAMoveMustSayFromWhereAndToWhichInstance() {
        Map<String, Double> breakdown = new LinkedHashMap<>();
        breakdown.put("Unserved demand", 0.0);
        breakdown.put("Instance cost", 4.0);
        PlacementPlan.Decision move = new PlacementPlan.Decision("p-1-1", ProviderId.of("east"), PlacementPlan.Action.MOVE,
                "dpi", "east-dc-1", "east-nyc-1", OfferId.of("east-dpi-nyc"), OfferId.of("east-dpi-dc-p1"),
                PlacementPlan.Approval.AWAITING_APPROVAL, "east-nyc-1 is short of vCPU", 0,
                List.of(new PlacementPlan.Served("new-york", 200)), 2, 200);
        PlacementPlan plan = new PlacementPlan("p-1", AT, PlacementPlan.Trigger.SITE_FAILURE, "solver", 4.0, breakdown,
                List.of(move), List.of(new PlacementPlan.Unserved("nat", "miami", 100, PlacementPlan.UnservedConstraint.NO_CATALOGUE,
                "no provider has nat in its catalogue")));
        PlacementPlan read = SchemaValidator.read("placement-plan", Json.bytes(plan), PlacementPlan.class);
        assertThat(read).isEqualTo(plan);
        assertThat(read.breakdown().keySet()).containsExactly("Unserved demand", "Instance cost");
        String noFrom = Json.text(plan).replace("\"fromSiteId\":\"east-nyc-1\",", "");
        assertThatThrownBy(() -> SchemaValidator.read("placement-plan", noFrom.getBytes(StandardCharsets.UTF_8), PlacementPlan.class))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors()).extracting(FieldError::field)
                        .containsExactly("$.decisions[0].fromSiteId"));
    }

    @Test
    void commandsTravelKeyedByProviderAndAFailedAckMustSayWhy() {
        InstanceCommand start = new InstanceCommand("cmd-1", "p-1", "p-1-1", ProviderId.of("west"), InstanceCommand.Operation.START,
                OfferId.of("west-dpi-sea-p1"), "dpi", "west-sea-1", "serves seattle", null);
        for (EventType type : List.of(EventType.INSTANCE_START_REQUESTED, EventType.INSTANCE_DRAIN_REQUESTED, EventType.INSTANCE_STOP_REQUESTED)) {
            assertThat(type.topic()).isEqualTo(Topics.PLACEMENT_COMMANDS);
        }
        ProducerRecord<String, byte[]> sent = CloudEvents.encode(EventType.INSTANCE_START_REQUESTED, "west", start, "/placement-engine");
        assertThat(CloudEvents.decode(CloudEventsTest.asConsumed(sent)).payload(InstanceCommand.class)).isEqualTo(start);
        InstanceAck failed = new InstanceAck("cmd-1", ProviderId.of("west"), InstanceCommand.Operation.START,
                OfferId.of("west-dpi-sea-p1"), false, null, AT);
        assertThatThrownBy(() -> SchemaValidator.read("instance-ack", Json.bytes(failed), InstanceAck.class))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors()).extracting(FieldError::field)
                        .containsExactly("$.reason"));
    }
}
