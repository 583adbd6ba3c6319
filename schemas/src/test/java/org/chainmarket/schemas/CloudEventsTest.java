package org.chainmarket.schemas;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.FieldError;
import org.chainmarket.schemas.events.InvalidInputException;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfOffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CloudEventsTest {
    static final VnfOffer OFFER = new VnfOffer(OfferId.of("o-1"), ProviderId.of("east"), "firewall", "site-1",
            1000, 10, 0.5, 1.0, 0.001, 0.999, true, false, null, null);

    static ConsumerRecord<String, byte[]> asConsumed(ProducerRecord<String, byte[]> p) {
        return new ConsumerRecord<>(p.topic(), 0, 7L, 0L, TimestampType.CREATE_TIME, 0, 0, p.key(), p.value(),
                p.headers(), Optional.empty());
    }

    @Test
    void roundTripsAnEventWithItsHeaders() {
        ProducerRecord<String, byte[]> sent = CloudEvents.encode(EventType.OFFER_ADVERTISED, "o-1", OFFER, "/providers/east");
        assertThat(sent.topic()).isEqualTo(Topics.OFFERS);
        assertThat(sent.headers().lastHeader("ce_specversion").value()).isEqualTo("1.0".getBytes(StandardCharsets.UTF_8));
        CloudEvents.Event event = CloudEvents.decode(asConsumed(sent));
        assertThat(event.type()).isEqualTo(EventType.OFFER_ADVERTISED);
        assertThat(event.payload(VnfOffer.class)).isEqualTo(OFFER);
    }

    @Test
    void rejectsMissingHeadersAndNamesThem() {
        ConsumerRecord<String, byte[]> bare = new ConsumerRecord<>(Topics.OFFERS, 0, 1L, "o-1", "{}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> CloudEvents.decode(bare))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors()).extracting(FieldError::field)
                        .containsExactly("header ce_id", "header ce_type", "header ce_source", "header ce_specversion"));
    }

    @Test
    void rejectsAnEventOnTheWrongTopic() {
        ProducerRecord<String, byte[]> sent = CloudEvents.encode(EventType.OFFER_ADVERTISED, "o-1", OFFER, "/providers/east");
        ProducerRecord<String, byte[]> misrouted = new ProducerRecord<>(Topics.DOMAIN_ACKS, null, sent.key(), sent.value(), sent.headers());
        assertThatThrownBy(() -> CloudEvents.decode(asConsumed(misrouted)))
                .hasMessageContaining("OfferAdvertised does not travel on chainmarket.domain-acks.v1");
    }

    @Test
    void tombstoneIsAWithdrawalOnlyOnCompactedTopics() {
        ConsumerRecord<String, byte[]> withdraw = new ConsumerRecord<>(Topics.OFFERS, 0, 3L, "o-1", null);
        assertThat(CloudEvents.decode(withdraw).isTombstone()).isTrue();
        ConsumerRecord<String, byte[]> bad = new ConsumerRecord<>(Topics.DOMAIN_ACKS, 0, 3L, "c-1", null);
        assertThatThrownBy(() -> CloudEvents.decode(bad)).hasMessageContaining("tombstone");
    }

    @Test
    void aTombstoneIsKnownByTheIdItCarriesWhereverItIsRead() {
        ProducerRecord<String, byte[]> sent = CloudEvents.encode("withdrawal-1", EventType.OFFER_ADVERTISED, "o-1", null, "/broker");
        for (long offset : new long[] {3L, 9L}) {
            ConsumerRecord<String, byte[]> read = new ConsumerRecord<>(Topics.OFFERS, 0, offset, 0L, org.apache.kafka.common.record.TimestampType.CREATE_TIME,
                    2, -1, "o-1", null, sent.headers(), java.util.Optional.empty());
            CloudEvents.Event e = CloudEvents.decode(read);
            assertThat(e.isTombstone()).isTrue();
            assertThat(e.id()).as("read at offset %d", offset).isEqualTo("withdrawal-1");
        }
        assertThat(CloudEvents.decode(new ConsumerRecord<>(Topics.OFFERS, 0, 3L, "o-1", null)).id())
                .as("a tombstone without an id is known by its position").isEqualTo(Topics.OFFERS + "/0/3");
    }

    @Test
    void anAdvertisementOnAProvidersTopicSpeaksOnlyForThatProvider() {
        ProviderId east = ProviderId.of("east");
        ProviderId west = ProviderId.of("west");
        ProducerRecord<String, byte[]> own = CloudEvents.toProvider(CloudEvents.encode(EventType.OFFER_ADVERTISED, "o-1", OFFER,
                "/providers/east"), east);
        assertThat(own.topic()).isEqualTo("chainmarket.offers.v1.east");
        assertThat(CloudEvents.decode(asConsumed(own)).payload(VnfOffer.class)).isEqualTo(OFFER);

        ProducerRecord<String, byte[]> forged = CloudEvents.toProvider(CloudEvents.encode(EventType.OFFER_ADVERTISED, "o-1", OFFER,
                "/providers/west"), west);
        assertThatThrownBy(() -> CloudEvents.decode(asConsumed(forged)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors()).singleElement().satisfies(f -> {
                    assertThat(f.field()).isEqualTo("$.providerId");
                    assertThat(f.message()).contains("'east' on chainmarket.offers.v1.west");
                }));

        String westDomains = Topics.forProvider(Topics.PROVIDER_DOMAINS, west);
        assertThat(CloudEvents.decode(new ConsumerRecord<>(westDomains, 0, 3L, "west", null)).isTombstone()).isTrue();
        assertThatThrownBy(() -> CloudEvents.decode(new ConsumerRecord<>(westDomains, 0, 4L, "east", null)))
                .as("west's domain topic cannot withdraw east")
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors()).extracting(FieldError::field)
                        .containsExactly("key"));
        assertThat(CloudEvents.decode(new ConsumerRecord<>(Topics.forProvider(Topics.OFFERS, west), 0, 5L, "o-1", null))
                .isTombstone()).as("an offer's key names no provider: its consumers check whose offer it is").isTrue();
    }

    @Test
    void rejectsABodyThatBreaksTheSchema() {
        ProducerRecord<String, byte[]> sent = CloudEvents.encode(EventType.OFFER_ADVERTISED, "o-1", OFFER, "/providers/east");
        ProducerRecord<String, byte[]> broken = new ProducerRecord<>(sent.topic(), null, sent.key(),
                new String(sent.value(), StandardCharsets.UTF_8).replace("\"capacityMbps\":1000.0", "\"capacityMbps\":-1")
                        .getBytes(StandardCharsets.UTF_8), new RecordHeaders(sent.headers().toArray()));
        assertThatThrownBy(() -> CloudEvents.decode(asConsumed(broken)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field).containsExactly("$.capacityMbps"));
    }
}
