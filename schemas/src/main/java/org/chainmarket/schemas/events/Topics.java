package org.chainmarket.schemas.events;

import org.chainmarket.schemas.model.ProviderId;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The marketplace's Kafka topics: {@code chainmarket.<aggregate>.<kind>.v<N>}, each with a {@code .dlq} twin.
 *
 * <p>Everything a provider writes or is addressed by is a family of topics, one per provider ({@link #PER_PROVIDER}):
 * what goes to it ({@link #TO_PROVIDER}: domain commands {@code chainmarket.domain-commands.v1.<providerId>}, placement
 * commands) and what comes from it ({@link #FROM_PROVIDER}: acknowledgements, domain-state reports, telemetry, its
 * domain, offers and catalogue advertisements, placement acknowledgements). Kafka's ACLs then let each provider's
 * principal read only its own commands and write only its own topics, and the topic names the provider a record comes
 * from ({@link #providerOf}). The family shares one dead-letter topic ({@code <family>.dlq}), written by the family's
 * consumers only.
 */
public final class Topics {
    /** Provider domain advertisements, compacted, keyed by provider id; a tombstone withdraws the provider; a topic per provider. */
    public static final String PROVIDER_DOMAINS = "chainmarket.provider-domains.v1";
    /** VNF offers, compacted, keyed by offer id; a tombstone withdraws the offer; a topic per provider. */
    public static final String OFFERS = "chainmarket.offers.v1";
    /** Chain lifecycle events, keyed by chain id. */
    public static final String CHAIN_EVENTS = "chainmarket.chains.events.v1";
    /** Path set-up and tear-down commands to provider domains, keyed by chain id; a topic per provider ({@link #forProvider}). */
    public static final String DOMAIN_COMMANDS = "chainmarket.domain-commands.v1";
    /** Domains' acknowledgements of commands, keyed by chain id; a topic per provider. */
    public static final String DOMAIN_ACKS = "chainmarket.domain-acks.v1";
    /** Substitutions of chains' hops and paths, for operators, keyed by chain id. */
    public static final String SUBSTITUTIONS = "chainmarket.substitutions.v1";
    /** Providers' telemetry batches (VNF instance and link samples), keyed by provider id; a topic per provider. */
    public static final String TELEMETRY = "chainmarket.telemetry.v1";
    /** Current context of each VNF instance, compacted, keyed by offer id. */
    public static final String INSTANCE_CONTEXT = "chainmarket.context.instances.v1";
    /** Current context of each link, compacted, keyed by link key {@code a|b}. */
    public static final String LINK_CONTEXT = "chainmarket.context.links.v1";
    /** Degradations detected and cleared, keyed by subject id (offer id or link key). */
    public static final String DEGRADATIONS = "chainmarket.degradations.v1";
    /**
     * Providers' catalogues (what each can run of a VNF type, and where), compacted, keyed by {@code providerId:vnfType};
     * a topic per provider.
     */
    public static final String CATALOGUE = "chainmarket.catalogue.v1";
    /** Demand per VNF type seen by the broker over a window, keyed by VNF type. */
    public static final String PLACEMENT_DEMAND = "chainmarket.placement.demand.v1";
    /** Placement plans (decisions with reasons, unserved demand with why), keyed by plan id. */
    public static final String PLACEMENT_PLANS = "chainmarket.placement.plans.v1";
    /** Instance start, drain and stop commands to provider domains, keyed by provider id; a topic per provider. */
    public static final String PLACEMENT_COMMANDS = "chainmarket.placement.commands.v1";
    /** Domains' acknowledgements of placement commands, keyed by provider id; a topic per provider. */
    public static final String PLACEMENT_ACKS = "chainmarket.placement.acks.v1";
    /** Chains' usage segments (opened, closed with their amount), keyed by chain id. */
    public static final String USAGE = "chainmarket.usage.v1";

    /**
     * What each provider domain actually holds, chain by chain (full snapshots at start and on a period), keyed by
     * provider id; a topic per provider.
     */
    public static final String DOMAIN_STATES = "chainmarket.domain-states.v1";

    /**
     * What follows a per-provider family's name in its providers' topics (a regular expression): a dot and the
     * provider id, which cannot be {@code dlq} (the family's dead-letter topic).
     */
    public static final String PROVIDER_SUFFIX_PATTERN = "\\.(?!dlq$)[A-Za-z0-9._-]{1,128}";
    /** Every provider's acknowledgement topic, as a subscription pattern (for annotations, where a constant is needed). */
    public static final String DOMAIN_ACKS_PATTERN = "chainmarket\\.domain-acks\\.v1" + PROVIDER_SUFFIX_PATTERN;
    /** Every provider's state-report topic, as a subscription pattern. */
    public static final String DOMAIN_STATES_PATTERN = "chainmarket\\.domain-states\\.v1" + PROVIDER_SUFFIX_PATTERN;
    /** Every provider's domain and offer topics (the broker's registry reads both), as one subscription pattern. */
    public static final String ADVERTISEMENTS_PATTERN = "chainmarket\\.(?:provider-domains|offers)\\.v1" + PROVIDER_SUFFIX_PATTERN;
    /** Every provider's placement-command topic, as a subscription pattern. */
    public static final String PLACEMENT_COMMANDS_PATTERN = "chainmarket\\.placement\\.commands\\.v1" + PROVIDER_SUFFIX_PATTERN;

    /** The per-provider families addressed to a provider: only its principal reads its topic of each. */
    public static final List<String> TO_PROVIDER = List.of(DOMAIN_COMMANDS, PLACEMENT_COMMANDS);
    /** The per-provider families a provider writes: only its principal (and the broker, for what is registered over REST) writes its topic of each. */
    public static final List<String> FROM_PROVIDER = List.of(DOMAIN_ACKS, DOMAIN_STATES, TELEMETRY, PROVIDER_DOMAINS, OFFERS,
            CATALOGUE, PLACEMENT_ACKS);
    /** The families of per-provider topics: {@code <family>.<providerId>}, one topic per provider. */
    public static final List<String> PER_PROVIDER = java.util.stream.Stream.concat(TO_PROVIDER.stream(), FROM_PROVIDER.stream()).toList();

    /**
     * Every topic with whether it is compacted; for a per-provider family ({@link TopicSpec#perProvider}) only its
     * dead-letter topic exists as such, its members are created per provider ({@code TopicInitializer.ensureProviderTopics}).
     */
    public static final List<TopicSpec> ALL = List.of(
            new TopicSpec(PROVIDER_DOMAINS, true, true),
            new TopicSpec(OFFERS, true, true),
            new TopicSpec(CHAIN_EVENTS, false),
            new TopicSpec(DOMAIN_COMMANDS, false, true),
            new TopicSpec(DOMAIN_ACKS, false, true),
            new TopicSpec(DOMAIN_STATES, false, true),
            new TopicSpec(SUBSTITUTIONS, false),
            new TopicSpec(TELEMETRY, false, true),
            new TopicSpec(INSTANCE_CONTEXT, true),
            new TopicSpec(LINK_CONTEXT, true),
            new TopicSpec(DEGRADATIONS, false),
            new TopicSpec(CATALOGUE, true, true),
            new TopicSpec(PLACEMENT_DEMAND, false),
            new TopicSpec(PLACEMENT_PLANS, false),
            new TopicSpec(PLACEMENT_COMMANDS, false, true),
            new TopicSpec(PLACEMENT_ACKS, false, true),
            new TopicSpec(USAGE, false));

    private Topics() {
    }

    /** The dead-letter topic of {@code topic}: {@code <topic>.dlq}; for a provider's topic, its family's. */
    public static String dlq(String topic) {
        return familyOf(topic) + ".dlq";
    }

    /**
     * {@code provider}'s topic of a per-provider {@code family}: {@code <family>.<providerId>}.
     *
     * @throws IllegalArgumentException when {@code family} is not one of {@link #PER_PROVIDER}, or the provider id
     *                                  cannot name a Kafka topic (a {@code :}, or the id {@code dlq})
     */
    public static String forProvider(String family, ProviderId provider) {
        if (!PER_PROVIDER.contains(family)) {
            throw new IllegalArgumentException(family + " is not a per-provider topic family (" + PER_PROVIDER + ")");
        }
        String id = provider.value();
        if (!PROVIDER_SUFFIX.matcher(id).matches() || id.equals("dlq")) {
            throw new IllegalArgumentException("provider id '" + id + "' cannot name a Kafka topic: letters, digits, '.', '_' and '-' only, not 'dlq'");
        }
        return family + "." + id;
    }

    /** The provider a per-provider topic belongs to ({@code chainmarket.domain-acks.v1.west}: west); empty for any other topic. */
    public static Optional<String> providerOf(String topic) {
        for (String family : PER_PROVIDER) {
            if (topic.startsWith(family + ".")) {
                String id = topic.substring(family.length() + 1);
                if (!id.equals("dlq") && PROVIDER_SUFFIX.matcher(id).matches()) {
                    return Optional.of(id);
                }
            }
        }
        return Optional.empty();
    }

    /** The family of a provider's topic ({@code chainmarket.domain-acks.v1.west}: {@code chainmarket.domain-acks.v1}); any other topic itself. */
    public static String familyOf(String topic) {
        return providerOf(topic).map(p -> topic.substring(0, topic.length() - p.length() - 1)).orElse(topic);
    }

    /** Whether {@code topic} is compacted; a provider's topic as its family is. */
    public static boolean compacted(String topic) {
        String family = familyOf(topic);
        return ALL.stream().anyMatch(t -> t.name().equals(family) && t.compacted());
    }

    /** Whether {@code topics} name a per-provider family, so that a consumer must subscribe by {@link #subscription}. */
    public static boolean needsPattern(Collection<String> topics) {
        return topics.stream().anyMatch(PER_PROVIDER::contains);
    }

    /**
     * The subscription pattern for {@code topics}: each topic itself, and for a per-provider family every provider's
     * topic (present and future; not the family's DLQ).
     */
    public static Pattern subscription(Collection<String> topics) {
        return Pattern.compile(topics.stream().map(t -> PER_PROVIDER.contains(t)
                ? Pattern.quote(t) + PROVIDER_SUFFIX_PATTERN
                : Pattern.quote(t)).collect(Collectors.joining("|", "^(?:", ")$")));
    }

    private static final Pattern PROVIDER_SUFFIX = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    /** A topic, its retention kind, and whether it is a per-provider family (a topic per provider). */
    public record TopicSpec(String name, boolean compacted, boolean perProvider) {
        public TopicSpec(String name, boolean compacted) {
            this(name, compacted, false);
        }
    }
}
