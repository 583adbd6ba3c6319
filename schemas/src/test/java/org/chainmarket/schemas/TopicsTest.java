package org.chainmarket.schemas;

import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.ProviderId;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The per-provider topic families: names, the provider a topic belongs to, dead letters and subscription patterns. */
class TopicsTest {
    private static final ProviderId WEST = ProviderId.of("west");

    @Test
    void aProvidersTopicNamesItsFamilyAndProvider() {
        String acks = Topics.forProvider(Topics.DOMAIN_ACKS, WEST);
        assertThat(acks).isEqualTo("chainmarket.domain-acks.v1.west");
        assertThat(Topics.providerOf(acks)).contains("west");
        assertThat(Topics.familyOf(acks)).isEqualTo(Topics.DOMAIN_ACKS);
        assertThat(Topics.dlq(acks)).as("the family's one dead-letter topic").isEqualTo("chainmarket.domain-acks.v1.dlq");
        assertThat(Topics.providerOf(Topics.dlq(acks))).isEmpty();
        assertThat(Topics.providerOf(Topics.OFFERS)).isEqualTo(Optional.empty());
        assertThat(Topics.providerOf(Topics.CHAIN_EVENTS)).isEqualTo(Optional.empty());
        assertThat(Topics.dlq(Topics.OFFERS)).isEqualTo("chainmarket.offers.v1.dlq");
        assertThat(Topics.providerOf(Topics.forProvider(Topics.TELEMETRY, ProviderId.of("p.1_a-b")))).contains("p.1_a-b");
    }

    @Test
    void aProviderIdThatCannotNameATopicOrAFamilyThatIsNotPerProviderIsRefused() {
        assertThatThrownBy(() -> Topics.forProvider(Topics.DOMAIN_COMMANDS, ProviderId.of("a:b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a:b");
        assertThatThrownBy(() -> Topics.forProvider(Topics.DOMAIN_COMMANDS, ProviderId.of("dlq")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Topics.forProvider(Topics.CHAIN_EVENTS, WEST)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void subscriptionPatternsMatchEveryProvidersTopicButNotTheFamilysDeadLettersOrOtherFamilies() {
        Pattern acks = Pattern.compile(Topics.DOMAIN_ACKS_PATTERN);
        assertThat(acks.matcher(Topics.forProvider(Topics.DOMAIN_ACKS, WEST)).matches()).isTrue();
        assertThat(acks.matcher(Topics.dlq(Topics.DOMAIN_ACKS)).matches()).isFalse();
        assertThat(acks.matcher(Topics.forProvider(Topics.DOMAIN_STATES, WEST)).matches()).isFalse();
        assertThat(Pattern.compile(Topics.DOMAIN_STATES_PATTERN).matcher(Topics.forProvider(Topics.DOMAIN_STATES, WEST)).matches()).isTrue();

        Pattern both = Topics.subscription(List.of(Topics.TELEMETRY, Topics.INSTANCE_CONTEXT));
        assertThat(both.matcher(Topics.forProvider(Topics.TELEMETRY, WEST)).matches()).isTrue();
        assertThat(both.matcher(Topics.INSTANCE_CONTEXT).matches()).isTrue();
        assertThat(both.matcher(Topics.TELEMETRY).matches()).as("the family's name is no topic of its own").isFalse();
        assertThat(both.matcher(Topics.dlq(Topics.TELEMETRY)).matches()).isFalse();
        assertThat(Topics.needsPattern(List.of(Topics.INSTANCE_CONTEXT))).isFalse();
        assertThat(Topics.needsPattern(List.of(Topics.INSTANCE_CONTEXT, Topics.TELEMETRY))).isTrue();
    }

    @Test
    void everythingAProviderWritesOrIsAddressedByIsATopicPerProvider() {
        assertThat(Topics.TO_PROVIDER).containsExactlyInAnyOrder(Topics.DOMAIN_COMMANDS, Topics.PLACEMENT_COMMANDS);
        assertThat(Topics.FROM_PROVIDER).containsExactlyInAnyOrder(Topics.DOMAIN_ACKS, Topics.DOMAIN_STATES, Topics.TELEMETRY,
                Topics.PROVIDER_DOMAINS, Topics.OFFERS, Topics.CATALOGUE, Topics.PLACEMENT_ACKS);
        assertThat(Topics.ALL.stream().filter(Topics.TopicSpec::perProvider).map(Topics.TopicSpec::name))
                .containsExactlyInAnyOrderElementsOf(Topics.PER_PROVIDER);
        String westOffers = Topics.forProvider(Topics.OFFERS, WEST);
        assertThat(westOffers).isEqualTo("chainmarket.offers.v1.west");
        assertThat(Topics.compacted(westOffers)).as("a provider's offers topic is compacted as its family").isTrue();
        assertThat(Topics.compacted(Topics.forProvider(Topics.PLACEMENT_ACKS, WEST))).isFalse();

        Pattern advertisements = Pattern.compile(Topics.ADVERTISEMENTS_PATTERN);
        assertThat(advertisements.matcher(westOffers).matches()).isTrue();
        assertThat(advertisements.matcher(Topics.forProvider(Topics.PROVIDER_DOMAINS, WEST)).matches()).isTrue();
        assertThat(advertisements.matcher(Topics.dlq(Topics.OFFERS)).matches()).isFalse();
        assertThat(advertisements.matcher(Topics.forProvider(Topics.CATALOGUE, WEST)).matches()).isFalse();
        Pattern placement = Pattern.compile(Topics.PLACEMENT_COMMANDS_PATTERN);
        assertThat(placement.matcher(Topics.forProvider(Topics.PLACEMENT_COMMANDS, WEST)).matches()).isTrue();
        assertThat(placement.matcher(Topics.dlq(Topics.PLACEMENT_COMMANDS)).matches()).isFalse();
    }
}
