package org.chainmarket.schemas;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.FieldError;
import org.chainmarket.schemas.events.InvalidInputException;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck.FlowEntry;
import org.chainmarket.schemas.model.DomainStateReport;
import org.chainmarket.schemas.model.DomainStateReport.HeldChain;
import org.chainmarket.schemas.model.ProviderId;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The report of what a domain holds: keyed by provider, one entry per chain, and validated like every contract. */
class DomainStateReportTest {
    static final Instant AT = Instant.parse("2026-11-20T10:00:30Z");
    static final FlowEntry ENTRY = new FlowEntry("ny", "ch-1", 2, 100, "border:chicago", List.of("output:vnf:east-wan"));

    static DomainStateReport report(List<HeldChain> chains) {
        return new DomainStateReport("east-1-1", ProviderId.of("east"), AT, 1, true, DomainStateReport.Trigger.START, chains);
    }

    @Test
    void travelsOnItsOwnTopicKeyedByProviderAndDecodesToTheRecord() {
        DomainStateReport r = report(List.of(new HeldChain(ChainId.of("ch-1"), List.of(ENTRY))));
        ProducerRecord<String, byte[]> record = CloudEvents.encode(EventType.DOMAIN_STATE_REPORTED, "east", r, "/providers/east");
        assertThat(record.topic()).isEqualTo(Topics.DOMAIN_STATES).isEqualTo("chainmarket.domain-states.v1");
        assertThat(Topics.ALL).extracting(Topics.TopicSpec::name).contains(Topics.DOMAIN_STATES);
        CloudEvents.Event e = CloudEvents.decode(CloudEventsTest.asConsumed(record));
        assertThat(e.payload(DomainStateReport.class)).isEqualTo(r);
        assertThat(r.byChain()).containsOnlyKeys(ChainId.of("ch-1"));
    }

    @Test
    void aReportKeyedByAnotherProviderOrListingAChainTwiceIsInvalid() {
        DomainStateReport r = report(List.of(new HeldChain(ChainId.of("ch-1"), List.of(ENTRY)), new HeldChain(ChainId.of("ch-1"), List.of())));
        ProducerRecord<String, byte[]> twice = CloudEvents.encode(EventType.DOMAIN_STATE_REPORTED, "east", r, "/providers/east");
        assertThatThrownBy(() -> CloudEvents.decode(CloudEventsTest.asConsumed(twice)))
                .isInstanceOfSatisfying(InvalidInputException.class, ex -> assertThat(ex.errors()).extracting(FieldError::field)
                        .containsExactly("$.chains[1].chainId"));
        ProducerRecord<String, byte[]> misKeyed = CloudEvents.encode(EventType.DOMAIN_STATE_REPORTED, "west", report(List.of()), "/providers/east");
        assertThatThrownBy(() -> CloudEvents.decode(CloudEventsTest.asConsumed(misKeyed)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("$.providerId 'east'");
    }

    @Test
    void anEntryWithoutItsMatchOrANegativeSequenceIsNamed() {
        String body = Json.text(report(List.of(new HeldChain(ChainId.of("ch-1"), List.of(ENTRY)))))
                .replace("\"inPort\":\"border:chicago\",", "").replace("\"sequence\":1", "\"sequence\":0");
        ProducerRecord<String, byte[]> bad = CloudEvents.encode("r-1", EventType.DOMAIN_STATE_REPORTED, "east",
                body.getBytes(StandardCharsets.UTF_8), "/providers/east");
        assertThatThrownBy(() -> CloudEvents.decode(CloudEventsTest.asConsumed(bad)))
                .isInstanceOfSatisfying(InvalidInputException.class, ex -> assertThat(ex.errors()).extracting(FieldError::field)
                        .containsExactlyInAnyOrder("$.sequence", "$.chains[0].flowEntries[0].inPort"));
    }
}
