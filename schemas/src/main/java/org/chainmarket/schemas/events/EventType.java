package org.chainmarket.schemas.events;

import org.chainmarket.schemas.model.CatalogueEntry;
import org.chainmarket.schemas.model.ChainEvent;
import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.ChainState;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.Degradation;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.DomainStateReport;
import org.chainmarket.schemas.model.InstanceAck;
import org.chainmarket.schemas.model.InstanceCommand;
import org.chainmarket.schemas.model.InstanceContext;
import org.chainmarket.schemas.model.LinkContext;
import org.chainmarket.schemas.model.PlacementPlan;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.Substitution;
import org.chainmarket.schemas.model.TelemetryBatch;
import org.chainmarket.schemas.model.VnfDemand;
import org.chainmarket.schemas.model.VnfOffer;

import java.util.Arrays;
import java.util.Optional;

/** The event catalogue: CloudEvents type, the topic it travels on, its JSON Schema and its record. */
public enum EventType {
    PROVIDER_DOMAIN_ADVERTISED("ProviderDomainAdvertised", Topics.PROVIDER_DOMAINS, "provider-domain", ProviderDomain.class),
    OFFER_ADVERTISED("OfferAdvertised", Topics.OFFERS, "vnf-offer", VnfOffer.class),
    PATH_SETUP_REQUESTED("PathSetupRequested", Topics.DOMAIN_COMMANDS, "domain-command", DomainCommand.class),
    PATH_TEARDOWN_REQUESTED("PathTeardownRequested", Topics.DOMAIN_COMMANDS, "domain-command", DomainCommand.class),
    DOMAIN_ACKNOWLEDGED("DomainAcknowledged", Topics.DOMAIN_ACKS, "domain-ack", DomainAck.class),
    DOMAIN_STATE_REPORTED("DomainStateReported", Topics.DOMAIN_STATES, "domain-state-report", DomainStateReport.class),
    CHAIN_SETUP_STARTED("ChainSetupStarted", Topics.CHAIN_EVENTS, "chain-event", ChainEvent.class),
    CHAIN_ACTIVATED("ChainActivated", Topics.CHAIN_EVENTS, "chain-event", ChainEvent.class),
    CHAIN_REJECTED("ChainRejected", Topics.CHAIN_EVENTS, "chain-event", ChainEvent.class),
    CHAIN_FAILED("ChainFailed", Topics.CHAIN_EVENTS, "chain-event", ChainEvent.class),
    CHAIN_TEARDOWN_STARTED("ChainTeardownStarted", Topics.CHAIN_EVENTS, "chain-event", ChainEvent.class),
    CHAIN_TERMINATED("ChainTerminated", Topics.CHAIN_EVENTS, "chain-event", ChainEvent.class),
    CHAIN_DEGRADED("ChainDegraded", Topics.CHAIN_EVENTS, "chain-event", ChainEvent.class),
    CHAIN_SUBSTITUTION_STARTED("ChainSubstitutionStarted", Topics.CHAIN_EVENTS, "chain-event", ChainEvent.class),
    SUBSTITUTION_PROPOSED("SubstitutionProposed", Topics.SUBSTITUTIONS, "substitution", Substitution.class),
    SUBSTITUTION_STARTED("SubstitutionStarted", Topics.SUBSTITUTIONS, "substitution", Substitution.class),
    HOP_SUBSTITUTED("HopSubstituted", Topics.SUBSTITUTIONS, "substitution", Substitution.class),
    SUBSTITUTION_FAILED("SubstitutionFailed", Topics.SUBSTITUTIONS, "substitution", Substitution.class),
    SUBSTITUTION_ACKNOWLEDGED("SubstitutionAcknowledged", Topics.SUBSTITUTIONS, "substitution", Substitution.class),
    TELEMETRY_REPORTED("TelemetryReported", Topics.TELEMETRY, "telemetry-batch", TelemetryBatch.class),
    INSTANCE_CONTEXT_UPDATED("InstanceContextUpdated", Topics.INSTANCE_CONTEXT, "instance-context", InstanceContext.class),
    LINK_CONTEXT_UPDATED("LinkContextUpdated", Topics.LINK_CONTEXT, "link-context", LinkContext.class),
    DEGRADATION_DETECTED("DegradationDetected", Topics.DEGRADATIONS, "degradation", Degradation.class),
    DEGRADATION_CLEARED("DegradationCleared", Topics.DEGRADATIONS, "degradation", Degradation.class),
    CATALOGUE_ENTRY_ADVERTISED("CatalogueEntryAdvertised", Topics.CATALOGUE, "catalogue-entry", CatalogueEntry.class),
    DEMAND_REPORTED("DemandReported", Topics.PLACEMENT_DEMAND, "vnf-demand", VnfDemand.class),
    PLACEMENT_PLANNED("PlacementPlanned", Topics.PLACEMENT_PLANS, "placement-plan", PlacementPlan.class),
    INSTANCE_START_REQUESTED("InstanceStartRequested", Topics.PLACEMENT_COMMANDS, "instance-command", InstanceCommand.class),
    INSTANCE_DRAIN_REQUESTED("InstanceDrainRequested", Topics.PLACEMENT_COMMANDS, "instance-command", InstanceCommand.class),
    INSTANCE_STOP_REQUESTED("InstanceStopRequested", Topics.PLACEMENT_COMMANDS, "instance-command", InstanceCommand.class),
    INSTANCE_COMMAND_ACKNOWLEDGED("InstanceCommandAcknowledged", Topics.PLACEMENT_ACKS, "instance-ack", InstanceAck.class);

    /** The schema of a REST chain order; not an event, validated by the same validator. */
    public static final String CHAIN_ORDER_SCHEMA = "chain-order";
    /** The record a chain order maps to. */
    public static final Class<ChainOrder> CHAIN_ORDER_TYPE = ChainOrder.class;

    private final String ceType;
    private final String topic;
    private final String schema;
    private final Class<?> payloadType;

    EventType(String ceType, String topic, String schema, Class<?> payloadType) {
        this.ceType = ceType;
        this.topic = topic;
        this.schema = schema;
        this.payloadType = payloadType;
    }

    public String ceType() {
        return ceType;
    }

    public String topic() {
        return topic;
    }

    /** Name of the schema file under {@code schemas/} without {@code .schema.json}. */
    public String schema() {
        return schema;
    }

    public Class<?> payloadType() {
        return payloadType;
    }

    public static Optional<EventType> byCeType(String ceType) {
        return Arrays.stream(values()).filter(t -> t.ceType.equals(ceType)).findFirst();
    }

    /** The event announcing that a chain entered {@code state}. */
    public static EventType forChainState(ChainState state) {
        return switch (state) {
            case SETTING_UP -> CHAIN_SETUP_STARTED;
            case ACTIVE -> CHAIN_ACTIVATED;
            case REJECTED -> CHAIN_REJECTED;
            case FAILED -> CHAIN_FAILED;
            case TEARING_DOWN -> CHAIN_TEARDOWN_STARTED;
            case TERMINATED -> CHAIN_TERMINATED;
            case DEGRADED -> CHAIN_DEGRADED;
            case SUBSTITUTING -> CHAIN_SUBSTITUTION_STARTED;
        };
    }
}
