package org.chainmarket.broker;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.chainmarket.deploy.embedded.TopicTail;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.DeadLetters;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.kafka.KafkaClients;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfOffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A provider forges another provider's advertisements. Its principal may not write the other provider's domain or
 * offer topics at all; what a super user can still put on a provider's topic is read as that provider's word only: an
 * offer that speaks for another provider, a withdrawal of another provider's domain, an offer id another provider
 * holds and a withdrawal of another provider's offer are dead-lettered, each with the field it gets wrong, and nothing
 * stored changes, while the provider's honest advertisement on the same topic is registered.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForgedAdvertisementTest implements TestPropertyProvider {
    static final String P = "fadv";
    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        return Callers.properties();
    }

    @Test
    void forgedAdvertisementsAreRefusedByKafkaOrDeadLetteredAndChangeNothingStored() throws Exception {
        TwoDomains.register(http, P, 10000, 1, 1000);
        ProviderId west = ProviderId.of(P + "-west");
        ProviderId east = ProviderId.of(P + "-east");
        String westOffer = P + "-fw-0";
        Map<String, Object> westBefore = offerView(westOffer);
        assertThat(westBefore).containsEntry("withdrawn", false);

        try (KafkaProducer<String, byte[]> eastAdapter = KafkaClients.producer(Infra.bootstrapServers(), "east-adapter",
                Infra.kafka().adapter(east))) {
            assertThatThrownBy(() -> eastAdapter.send(CloudEvents.toProvider(offer(P + "-east-as-west", west), west)).get(30, TimeUnit.SECONDS))
                    .as("east may not write west's offers").isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
            assertThatThrownBy(() -> eastAdapter.send(new ProducerRecord<>(Topics.forProvider(Topics.PROVIDER_DOMAINS, west),
                    west.value(), null)).get(30, TimeUnit.SECONDS))
                    .as("east may not withdraw west's domain").isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }

        String eastOffers = Topics.forProvider(Topics.OFFERS, east);
        String eastDomains = Topics.forProvider(Topics.PROVIDER_DOMAINS, east);
        String honest = P + "-dpi-honest";
        try (TopicTail offersDlq = new TopicTail(Infra.bootstrapServers(), Infra.admin(), Topics.dlq(Topics.OFFERS));
             TopicTail domainsDlq = new TopicTail(Infra.bootstrapServers(), Infra.admin(), Topics.dlq(Topics.PROVIDER_DOMAINS));
             KafkaProducer<String, byte[]> superUser = KafkaClients.producer(Infra.bootstrapServers(), "super-user", Infra.admin())) {
            // on east's own topics, records only a super user could write there
            superUser.send(CloudEvents.toProvider(offer(P + "-forged", west), east)).get(30, TimeUnit.SECONDS);
            superUser.send(new ProducerRecord<>(eastDomains, west.value(), null)).get(30, TimeUnit.SECONDS);
            superUser.send(CloudEvents.toProvider(offer(westOffer, east), east)).get(30, TimeUnit.SECONDS);
            superUser.send(new ProducerRecord<>(eastOffers, westOffer, null)).get(30, TimeUnit.SECONDS);
            superUser.send(CloudEvents.toProvider(offer(honest, east), east)).get(30, TimeUnit.SECONDS);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(offersDlq.records().stream().filter(r -> r.topic().equals(Topics.dlq(Topics.OFFERS))
                        && header(r, DeadLetters.ORIGIN).startsWith(eastOffers + "/")).map(r -> r.key() + " " + header(r, DeadLetters.REASON)))
                        .satisfiesExactlyInAnyOrder(
                                r -> assertThat(r).startsWith(P + "-forged ").contains("$.providerId").contains("'" + west + "' on " + eastOffers),
                                r -> assertThat(r).startsWith(westOffer + " ").contains("$.offerId").contains("belongs to provider '" + west + "'"),
                                r -> assertThat(r).startsWith(westOffer + " ").contains("key").contains("belongs to provider '" + west + "'"));
                assertThat(domainsDlq.records().stream().filter(r -> header(r, DeadLetters.ORIGIN).startsWith(eastDomains + "/")))
                        .singleElement().satisfies(r -> assertThat(header(r, DeadLetters.REASON)).contains("key")
                                .contains("'" + west + "' on " + eastDomains));
            });
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> TwoDomains.exchange(http, HttpRequest.GET("/api/v1/offers/" + honest)).code() == 200);

        assertThat(TwoDomains.exchange(http, HttpRequest.GET("/api/v1/offers/" + P + "-forged")).code()).isEqualTo(404);
        assertThat(offerView(westOffer)).as("west's offer: still west's, still offered, unchanged").isEqualTo(westBefore);
        assertThat(TwoDomains.exchange(http, HttpRequest.GET("/api/v1/providers/" + west)).code()).as("west is still registered")
                .isEqualTo(200);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> offerView(String id) {
        HttpResponse<Map> r = TwoDomains.exchange(http, HttpRequest.GET("/api/v1/offers/" + id));
        assertThat(r.code()).isEqualTo(200);
        return r.getBody(Map.class).orElseThrow();
    }

    /** An offer of {@code provider} at east's site (the body's provider is what the origin check reads). */
    private static ProducerRecord<String, byte[]> offer(String id, ProviderId provider) {
        return CloudEvents.encode(EventType.OFFER_ADVERTISED, id, new VnfOffer(OfferId.of(id), provider, P + "-dpi", P + "e-site",
                500, 10, 0.1, 3.0, 0, 0.99, true, false, null, null), "/providers/" + provider);
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
