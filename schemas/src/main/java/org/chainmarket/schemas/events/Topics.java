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
    /** Substitutions of chains' hops and paths, for operators, keyed by chain id. */
    public static final String SUBSTITUTIONS = "chainmarket.substitutions.v1";
    /** Providers' telemetry batches (VNF instance and link samples), keyed by provider id. */
    public static final String TELEMETRY = "chainmarket.telemetry.v1";
    /** Current context of each VNF instance, compacted, keyed by offer id. */
    public static final String INSTANCE_CONTEXT = "chainmarket.context.instances.v1";
    /** Current context of each link, compacted, keyed by link key {@code a|b}. */
    public static final String LINK_CONTEXT = "chainmarket.context.links.v1";
    /** Degradations detected and cleared, keyed by subject id (offer id or link key). */
    public static final String DEGRADATIONS = "chainmarket.degradations.v1";
    /** Providers' catalogues (what each can run of a VNF type, and where), compacted, keyed by {@code providerId:vnfType}. */
    public static final String CATALOGUE = "chainmarket.catalogue.v1";
    /** Demand per VNF type seen by the broker over a window, keyed by VNF type. */
    public static final String PLACEMENT_DEMAND = "chainmarket.placement.demand.v1";
    /** Placement plans (decisions with reasons, unserved demand with why), keyed by plan id. */
    public static final String PLACEMENT_PLANS = "chainmarket.placement.plans.v1";
    /** Instance start, drain and stop commands to provider domains, keyed by provider id. */
    public static final String PLACEMENT_COMMANDS = "chainmarket.placement.commands.v1";
    /** Domains' acknowledgements of placement commands, keyed by provider id. */
    public static final String PLACEMENT_ACKS = "chainmarket.placement.acks.v1";

    /** What each provider domain actually holds, chain by chain (full snapshots at start and on a period), keyed by provider id. */
    public static final String DOMAIN_STATES = "chainmarket.domain-states.v1";

    /** Every topic with whether it is compacted. */
    public static final List<TopicSpec> ALL = List.of(
            new TopicSpec(PROVIDER_DOMAINS, true),
            new TopicSpec(OFFERS, true),
            new TopicSpec(CHAIN_EVENTS, false),
            new TopicSpec(DOMAIN_COMMANDS, false),
            new TopicSpec(DOMAIN_ACKS, false),
            new TopicSpec(DOMAIN_STATES, false),
            new TopicSpec(SUBSTITUTIONS, false),
            new TopicSpec(TELEMETRY, false),
            new TopicSpec(INSTANCE_CONTEXT, true),
            new TopicSpec(LINK_CONTEXT, true),
            new TopicSpec(DEGRADATIONS, false),
            new TopicSpec(CATALOGUE, true),
            new TopicSpec(PLACEMENT_DEMAND, false),
            new TopicSpec(PLACEMENT_PLANS, false),
            new TopicSpec(PLACEMENT_COMMANDS, false),
            new TopicSpec(PLACEMENT_ACKS, false));

    private Topics() {
    }

    public static String dlq(String topic) {
        return topic + ".dlq";
    }

    /** A topic and its retention kind. */
    public record TopicSpec(String name, boolean compacted) {
    }
}
