package org.chainmarket.selection.problem;

import java.util.List;
import java.util.Map;

/**
 * The problem file as written in JSON (see the module README). Absent values take the documented defaults
 * ({@link ProblemLoader}).
 */
public record ProblemFile(String topology, String graphml, List<Provider> providers, Defaults defaults,
                          Map<String, Double> linkUsageMbps, List<Offer> offers, List<Request> requests, Weights weights) {

    /** A provider and the topology nodes it owns; nodes no provider lists belong to the first provider. */
    public record Provider(String id, List<String> nodes, List<String> proxies) {
    }

    /** Link bandwidths when the file does not say otherwise. */
    public record Defaults(Double linkBandwidthMbps, Double borderLinkBandwidthMbps) {
    }

    /** An offer at a topology node (its site is {@code <node>-dc}). */
    public record Offer(String id, String provider, String vnfType, String node, Double capacityMbps, Integer maxChains,
                        Double processingLatencyMs, Double pricePerHour, Double pricePerMbpsHour, Boolean srAware,
                        Boolean nshAware, Double reservedMbps, Integer reservedChains) {
    }

    /** A chain to select. */
    public record Request(String id, List<String> vnfTypes, String ingress, String egress, Double bandwidthMbps,
                          Double maxLatencyMs, Double maxPricePerHour, List<String> includeProviders,
                          List<String> excludeProviders, String encapsulation, List<String> previousOffers) {
    }

    /** Soft-constraint weights (see SelectionWeights); absent ones take the defaults. */
    public record Weights(Double price, Double latencyPerMs, Double interDomainCrossing, Double instanceLoad,
                          Double switchLoad, Double changedHop) {
    }
}
