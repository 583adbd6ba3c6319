package org.chainmarket.schemas.events;

import java.util.List;

/** The marketplace's Kafka topics: {@code chainmarket.<aggregate>.<kind>.v<N>}, each with a {@code .dlq} twin. */
public final class Topics {
    /** Provider domain advertisements, compacted, keyed by provider id; a tombstone withdraws the provider. */
    public static final String PROVIDER_DOMAINS = "chainmarket.provider-domains.v1";
    /** VNF offers, compacted, keyed by offer id; a tombstone withdraws the offer. */
    public static final String OFFERS = "chainmarket.offers.v1";
    /** Chain lifecycle events, keyed by chain id. */
    public static final String CHAIN_EVENTS = "chainmarket.chains.events.v1";
    /** Path set-up and tear-down commands to provider domains, keyed by chain id. */
    public static final String DOMAIN_COMMANDS = "chainmarket.domain-commands.v1";
    /** Domains' acknowledgements of commands, keyed by chain id. */
    public static final String DOMAIN_ACKS = "chainmarket.domain-acks.v1";

    /** Every topic with whether it is compacted. */
    public static final List<TopicSpec> ALL = List.of(
            new TopicSpec(PROVIDER_DOMAINS, true),
            new TopicSpec(OFFERS, true),
            new TopicSpec(CHAIN_EVENTS, false),
            new TopicSpec(DOMAIN_COMMANDS, false),
            new TopicSpec(DOMAIN_ACKS, false));

    private Topics() {
    }

    public static String dlq(String topic) {
        return topic + ".dlq";
    }

    /** A topic and its retention kind. */
    public record TopicSpec(String name, boolean compacted) {
    }
}
