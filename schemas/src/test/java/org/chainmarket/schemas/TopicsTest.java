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
        assertThat(Topics.dlq(Topics.OFFERS)).isEqualTo("chainmarket.offers.v1.dlq");
        assertThat(Topics.providerOf(Topics.forProvider(Topics.TELEMETRY, ProviderId.of("p.1_a-b")))).contains("p.1_a-b");
    }

    @Test
    void aProviderIdThatCannotNameATopicOrAFamilyThatIsNotPerProviderIsRefused() {
        assertThatThrownBy(() -> Topics.forProvider(Topics.DOMAIN_COMMANDS, ProviderId.of("a:b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a:b");
        assertThatThrownBy(() -> Topics.forProvider(Topics.DOMAIN_COMMANDS, ProviderId.of("dlq")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Topics.forProvider(Topics.OFFERS, WEST)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void subscriptionPatternsMatchEveryProvidersTopicButNotTheFamilysDeadLettersOrOtherFamilies() {
        Pattern acks = Pattern.compile(Topics.DOMAIN_ACKS_PATTERN);
        assertThat(acks.matcher(Topics.forProvider(Topics.DOMAIN_ACKS, WEST)).matches()).isTrue();
        assertThat(acks.matcher(Topics.dlq(Topics.DOMAIN_ACKS)).matches()).isFalse();
        assertThat(acks.matcher(Topics.forProvider(Topics.DOMAIN_STATES, WEST)).matches()).isFalse();
        assertThat(Pattern.compile(Topics.DOMAIN_STATES_PATTERN).matcher(Topics.forProvider(Topics.DOMAIN_STATES, WEST)).matches()).isTrue();

        Pattern both = Topics.subscription(List.of(Topics.TELEMETRY, Topics.OFFERS));
        assertThat(both.matcher(Topics.forProvider(Topics.TELEMETRY, WEST)).matches()).isTrue();
        assertThat(both.matcher(Topics.OFFERS).matches()).isTrue();
        assertThat(both.matcher(Topics.TELEMETRY).matches()).as("the family's name is no topic of its own").isFalse();
        assertThat(both.matcher(Topics.dlq(Topics.TELEMETRY)).matches()).isFalse();
        assertThat(Topics.needsPattern(List.of(Topics.OFFERS))).isFalse();
        assertThat(Topics.needsPattern(List.of(Topics.OFFERS, Topics.TELEMETRY))).isTrue();
    }
}
