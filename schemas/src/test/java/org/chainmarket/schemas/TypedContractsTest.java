package org.chainmarket.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.FieldError;
import org.chainmarket.schemas.events.InvalidInputException;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.events.SchemaValidator;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.Degradation;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.Metric;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.SubjectKind;
import org.chainmarket.schemas.model.Substitution;
import org.chainmarket.schemas.model.TelemetryBatch;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Metric names, subject kinds, the acknowledgement id and the key rule are typed in the contracts, not re-typed by hand. */
class TypedContractsTest {
    static final Instant AT = Instant.parse("2026-11-20T10:00:01Z");

    @Test
    void theSchemasMetricListIsTheMetricEnum() throws Exception {
        JsonNode common;
        try (InputStream in = getClass().getResourceAsStream("/schemas/common.schema.json")) {
            common = Json.MAPPER.readTree(in);
        }
        List<String> names = new ArrayList<>();
        common.at("/$defs/metric/enum").forEach(n -> names.add(n.asText()));
        assertThat(names).containsExactlyElementsOf(Arrays.stream(Metric.values()).map(Metric::wireName).toList());
    }

    @Test
    void onlyTheHeartbeatMeansDownAndEachMetricHasOneSubject() {
        assertThat(Arrays.stream(Metric.values()).filter(Metric::meansDown)).containsExactly(Metric.HEARTBEAT);
        assertThat(Metric.of(SubjectKind.INSTANCE)).containsExactly(Metric.LOAD, Metric.CPU, Metric.PROCESSING_DELAY, Metric.HEARTBEAT);
        assertThat(Metric.of(SubjectKind.LINK)).containsExactly(Metric.DELAY, Metric.UTILIZATION, Metric.LOSS);
        assertThat(Metric.of("processingDelayMs")).isEqualTo(Metric.PROCESSING_DELAY);
        assertThatThrownBy(() -> Metric.of("status")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown metric 'status'").hasMessageContaining("heartbeat");
    }

    @Test
    void aDegradationCarriesItsMetricByWireNameAndRejectsAnUnknownOne() {
        Degradation d = new Degradation(SubjectKind.INSTANCE, "east-fw", ProviderId.of("east"), Metric.PROCESSING_DELAY,
                60, 50, 40, 10, AT, List.of());
        assertThat(Json.text(d)).contains("\"metric\":\"processingDelayMs\"").contains("\"subjectKind\":\"INSTANCE\"");
        assertThat(SchemaValidator.read("degradation", Json.bytes(d), Degradation.class)).isEqualTo(d);
        String status = Json.text(d).replace("processingDelayMs", "status");
        assertThatThrownBy(() -> SchemaValidator.read("degradation", status.getBytes(StandardCharsets.UTF_8), Degradation.class))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors()).extracting(FieldError::field)
                        .containsExactly("$.metric"));
        String operator = Json.text(d).replace("\"INSTANCE\"", "\"OPERATOR\"");
        assertThatThrownBy(() -> SchemaValidator.read("degradation", operator.getBytes(StandardCharsets.UTF_8), Degradation.class))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors()).extracting(FieldError::field)
                        .containsExactly("$.subjectKind"));
    }

    @Test
    void aSubstitutionTriggerUsesTheSameSubjectKindsAndMetrics() {
        Substitution.Trigger degraded = new Substitution.Trigger(SubjectKind.LINK, "a|b", "east", Metric.UTILIZATION, 0.95,
                0.9, false, AT, List.of());
        Substitution.Trigger operator = new Substitution.Trigger(SubjectKind.OPERATOR, "s-1", null, null, null, null, false, AT, List.of());
        assertThat(Json.read(Json.text(degraded), Substitution.Trigger.class)).isEqualTo(degraded);
        assertThat(Json.text(degraded)).contains("\"kind\":\"LINK\"").contains("\"metric\":\"utilization\"");
        assertThat(Json.read(Json.text(operator), Substitution.Trigger.class)).isEqualTo(operator);
    }

    @Test
    void aRecordWhoseKeyIsNotItsBodysIdIsInvalid() {
        TelemetryBatch batch = new TelemetryBatch(ProviderId.of("east"), AT, List.of(), List.of());
        ProducerRecord<String, byte[]> misKeyed = CloudEvents.encode(EventType.TELEMETRY_REPORTED, "west", batch, "/providers/east");
        assertThatThrownBy(() -> CloudEvents.decode(CloudEventsTest.asConsumed(misKeyed)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors())
                        .containsExactly(new FieldError("key", "'west' is not the body's $.providerId 'east'")));
        DomainCommand command = new DomainCommand("c-1", ChainId.of("ch-1"), ProviderId.of("east"), DomainCommand.Operation.TEARDOWN,
                0, List.of(), null);
        ProducerRecord<String, byte[]> byProvider = CloudEvents.encode(EventType.PATH_TEARDOWN_REQUESTED, "east", command, "/broker");
        assertThatThrownBy(() -> CloudEvents.decode(CloudEventsTest.asConsumed(byProvider)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("$.chainId 'ch-1'");
    }

    @Test
    void anAcknowledgementsIdIsFixedByTheContract() {
        DomainAck ack = new DomainAck("c-1", ChainId.of("ch-1"), ProviderId.of("east"), DomainCommand.Operation.SETUP, true,
                null, List.of(), AT);
        assertThat(DomainAck.eventId(ProviderId.of("east"), "c-1")).isEqualTo("ack:east:c-1");
        ProducerRecord<String, byte[]> proper = CloudEvents.encode(DomainAck.eventId(ack.providerId(), ack.commandId()),
                EventType.DOMAIN_ACKNOWLEDGED, "ch-1", Json.bytes(ack), "/providers/east");
        assertThat(CloudEvents.decode(CloudEventsTest.asConsumed(proper)).id()).isEqualTo("ack:east:c-1");
        ProducerRecord<String, byte[]> random = CloudEvents.encode(EventType.DOMAIN_ACKNOWLEDGED, "ch-1", ack, "/providers/east");
        assertThatThrownBy(() -> CloudEvents.decode(CloudEventsTest.asConsumed(random)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors()).extracting(FieldError::field)
                        .containsExactly("header ce_id"));
    }
}
