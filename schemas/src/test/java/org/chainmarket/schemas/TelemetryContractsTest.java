package org.chainmarket.schemas;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.FieldError;
import org.chainmarket.schemas.events.InvalidInputException;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.events.SchemaValidator;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.InstanceStatus;
import org.chainmarket.schemas.model.LinkContext;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.TelemetryBatch;
import org.chainmarket.schemas.model.VnfOffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The telemetry, context and degradation contracts, and the offer's optional scale thresholds. */
class TelemetryContractsTest {
    static final Instant AT = Instant.parse("2026-11-20T10:00:01Z");

    @Test
    void aTelemetryBatchTravelsKeyedByProviderAndRoundTrips() {
        TelemetryBatch batch = new TelemetryBatch(ProviderId.of("east"), AT,
                List.of(new TelemetryBatch.VnfSample(OfferId.of("east-fw"), AT, InstanceStatus.UP, 0.4, 0.3, 700, 699, 0.6, 12)),
                List.of(new TelemetryBatch.LinkSample("new-york", "chicago", AT, 5.7, 0.2, 0)));
        ProducerRecord<String, byte[]> sent = CloudEvents.encode(EventType.TELEMETRY_REPORTED, "east", batch, "/providers/east");
        assertThat(sent.topic()).isEqualTo(Topics.TELEMETRY);
        assertThat(CloudEventsTest.asConsumed(sent)).satisfies(r -> assertThat(CloudEvents.decode(r).payload(TelemetryBatch.class)).isEqualTo(batch));
        assertThat(batch.size()).isEqualTo(2);
        assertThat(batch.linkSamples().get(0).key()).isEqualTo("chicago|new-york");
    }

    @Test
    void aSampleOutOfRangeIsNamedByItsPath() {
        String body = """
                {"providerId": "east", "at": "2026-11-20T10:00:01Z", "linkSamples": [],
                 "vnfSamples": [{"offerId": "east-fw", "at": "2026-11-20T10:00:01Z", "status": "UP", "cpu": 1.5, "memory": 0.3,
                                 "throughputInMbps": 1, "throughputOutMbps": 1, "processingDelayMs": 0.5, "heartbeatSeq": -1}]}""";
        assertThatThrownBy(() -> SchemaValidator.read("telemetry-batch", body.getBytes(StandardCharsets.UTF_8), TelemetryBatch.class))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors()).extracting(FieldError::field)
                        .containsExactlyInAnyOrder("$.vnfSamples[0].cpu", "$.vnfSamples[0].heartbeatSeq"));
    }

    @Test
    void compactedContextTopicsAndTheDegradationTopicAreRegistered() {
        assertThat(Topics.ALL).contains(new Topics.TopicSpec(Topics.INSTANCE_CONTEXT, true),
                new Topics.TopicSpec(Topics.LINK_CONTEXT, true), new Topics.TopicSpec(Topics.DEGRADATIONS, false),
                new Topics.TopicSpec(Topics.TELEMETRY, false, true));
        assertThat(EventType.DEGRADATION_DETECTED.topic()).isEqualTo(Topics.DEGRADATIONS);
        assertThat(EventType.DEGRADATION_CLEARED.topic()).isEqualTo(Topics.DEGRADATIONS);
    }

    @Test
    void aLinkContextKeyMustBeItsSwitchesInOrder() {
        LinkContext wrong = new LinkContext("b|a", "a", "b", ProviderId.of("east"), InstanceStatus.UP, 1, 1, 0.1, 0.1, 0, AT, 1, List.of());
        assertThatThrownBy(() -> SchemaValidator.read("link-context", Json.bytes(wrong), LinkContext.class))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors())
                        .containsExactly(new FieldError("$.linkKey", "must be 'a|b' for link a-b")));
    }

    @Test
    void anOfferMayDeclareScaleThresholdsAndTheOldConstructorStillWorks() {
        VnfOffer plain = new VnfOffer(OfferId.of("o-1"), ProviderId.of("east"), "dpi", "s", 1000, 10, 1, 1, 0, 1, false, false, null, null);
        assertThat(plain.thresholds()).isNull();
        assertThat(Json.text(plain)).doesNotContain("thresholds");
        VnfOffer declared = new VnfOffer(OfferId.of("o-1"), ProviderId.of("east"), "dpi", "s", 1000, 10, 1, 1, 0, 1, false,
                false, null, null, new VnfOffer.ScaleThresholds(0.8, null, 6.0));
        VnfOffer read = SchemaValidator.read("vnf-offer", Json.bytes(declared), VnfOffer.class);
        assertThat(read).isEqualTo(declared);
        assertThat(SchemaValidator.read("vnf-offer", Json.bytes(plain), VnfOffer.class)).isEqualTo(plain);
        String tooHigh = Json.text(declared).replace("\"maxLoad\":0.8", "\"maxLoad\":1.5");
        assertThatThrownBy(() -> SchemaValidator.read("vnf-offer", tooHigh.getBytes(StandardCharsets.UTF_8), VnfOffer.class))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors()).extracting(FieldError::field)
                        .containsExactly("$.thresholds.maxLoad"));
    }
}
