package org.chainmarket.schemas.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One round of placement: every decision with its reason in words, and every demand left unserved with the
 * constraint that stops it. {@code objective} and {@code breakdown} are EUR/h-equivalents.
 */
public record PlacementPlan(String planId, Instant at, Trigger trigger, String strategy, double objective,
                            Map<String, Double> breakdown, List<Decision> decisions, List<Unserved> unserved) {
    public PlacementPlan {
        breakdown = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(breakdown));
        decisions = List.copyOf(decisions);
        unserved = List.copyOf(unserved);
    }

    /** Why the round ran. */
    public enum Trigger { PERIODIC, CAPACITY_REJECTIONS, SITE_FAILURE, REQUESTED }

    /** What happens to one instance. */
    public enum Action { START, STOP, MOVE }

    /** Whether the provider's policy lets the decision run at once. */
    public enum Approval { AUTOMATIC, AWAITING_APPROVAL }

    /** Why a demand stays unserved. */
    public enum UnservedConstraint { NO_CATALOGUE, OUT_OF_REACH, SITE_CAPACITY, NOT_WORTH_AN_INSTANCE }

    /**
     * One instance started, stopped or moved. A move starts {@code newOfferId} at {@code siteId}, has the broker
     * substitute the {@code chainsToMove} chains onto it, then stops {@code offerId} at {@code fromSiteId}.
     * {@code costPerHour} is the change of the provider's running cost.
     */
    public record Decision(String decisionId, ProviderId providerId, Action action, String vnfType, String siteId,
                           String fromSiteId, OfferId offerId, OfferId newOfferId, Approval approval, String reason,
                           double costPerHour, List<Served> serves, int chainsToMove, double mbpsToMove) {
        public Decision {
            serves = List.copyOf(serves);
        }
    }

    /** Demand entering at a switch that a decision serves. */
    public record Served(String switchId, double bandwidthMbps) {
    }

    /** Demand the plan leaves unserved, and why. */
    public record Unserved(String vnfType, String switchId, double bandwidthMbps, UnservedConstraint constraint,
                           String reason) {
    }
}
