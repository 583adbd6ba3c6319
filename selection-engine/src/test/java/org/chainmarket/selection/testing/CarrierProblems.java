package org.chainmarket.selection.testing;

import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfOffer;
import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.Encapsulation;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.network.NetLink;
import org.chainmarket.selection.network.PathFinder;
import org.chainmarket.selection.topology.Topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Carrier-size problems with scarce capacity, reproducible by seed ({@link Spec}). The network is a
 * {@link RandomGeometricTopology} of {@code switches} nodes cut by longitude into {@code providers} domains, with
 * 10 Gbit/s links 0-60 % used, except {@code tightLinks} of them (a share) that have only 40-250 Mbit/s free: room
 * for a few chains, or for one chain's legs but not all of them. VNF types come from a pool of {@code vnfTypes}; a
 * chain has 3-7 hops ({@code minHops}..{@code maxHops}) drawn from the pool with repetition (the same type can occur
 * twice in a chain). Each type has {@code offersPerType} offers at random switches: 0.2-1.0 ms processing, 0.2-3.0
 * EUR/h plus 0.001-0.01 EUR/h per Mbit/s, 0-40 % already reserved. Offer capacity is scarce: all offers of a type
 * together have chain slots (and bandwidth) for about {@code scarcity} x the batch's uses of that type, so at a
 * scarcity below 1 not every chain can be served. Requests: random distinct ingress and egress, 10/25/50/100 Mbit/s,
 * a latency bound of the ingress-egress latency plus 15-40 ms plus 1.5 ms per hop, a budget of 2.5-4 EUR/h per hop.
 */
public final class CarrierProblems {
    private static final double LINK_MBPS = 10_000;
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

    private CarrierProblems() {
    }

    /** What to generate. */
    public record Spec(int switches, int providers, int minHops, int maxHops, int vnfTypes, int offersPerType, int chains,
                       double scarcity, double tightLinks, long seed) {
        /** A single-chain problem on the network of {@code switches}: ample offer capacity, tight links. */
        public static Spec single(int switches, int hops, int offersPerType, long seed) {
            return new Spec(switches, 6, hops, hops, Math.max(4, hops), offersPerType, 1, 50, 0.15, seed);
        }

        /** A batch of {@code chains} with 3-7 hops over 8 types, scarce offers (0.8) and tight links. */
        public static Spec batch(int switches, int offersPerType, int chains, long seed) {
            return new Spec(switches, 6, 3, 7, 8, offersPerType, chains, 0.8, 0.15, seed);
        }

        public String name() {
            return "rgg" + switches + "/" + minHops + "-" + maxHops + "h/" + offersPerType + "o/" + chains + "c/s" + seed;
        }
    }

    public static GeneratedProblem generate(Spec spec) {
        Random rnd = new Random(spec.seed());
        Topology topology = RandomGeometricTopology.generate(spec.switches(), spec.seed());
        List<Topology.Node> nodes = new ArrayList<>(topology.nodes());
        nodes.sort(Comparator.comparingDouble(Topology.Node::longitude).thenComparing(Topology.Node::id));
        Map<String, Integer> domainOf = ProblemGenerator.domainOf(nodes, spec.providers());
        List<ProviderDomain> domains = ProblemGenerator.domains(new Topology(topology.name(), nodes, topology.edges()),
                domainOf, spec.providers(), LINK_MBPS);
        Map<String, Double> usage = new HashMap<>();
        for (Topology.Edge e : topology.edges()) {
            double used = rnd.nextDouble() < spec.tightLinks() ? LINK_MBPS - (40 + 210 * rnd.nextDouble()) : LINK_MBPS * 0.6 * rnd.nextDouble();
            usage.put(NetLink.key(e.a(), e.b()), used);
        }
        // the requests first: offer capacity is sized by how often the batch uses each type
        List<String> types = new ArrayList<>();
        for (int t = 0; t < spec.vnfTypes(); t++) {
            types.add("vnf-" + t);
        }
        double[] bandwidths = {10, 25, 50, 100};
        int[] uses = new int[spec.vnfTypes()];
        double[] usesMbps = new double[spec.vnfTypes()];
        List<String[]> chainTypes = new ArrayList<>();
        List<double[]> chainParams = new ArrayList<>();
        List<String[]> endpoints = new ArrayList<>();
        for (int c = 0; c < spec.chains(); c++) {
            int hops = spec.minHops() + rnd.nextInt(spec.maxHops() - spec.minHops() + 1);
            String[] chain = new String[hops];
            double mbps = bandwidths[rnd.nextInt(bandwidths.length)];
            for (int h = 0; h < hops; h++) {
                int t = rnd.nextInt(spec.vnfTypes());
                chain[h] = types.get(t);
                uses[t]++;
                usesMbps[t] += mbps;
            }
            String in = nodes.get(rnd.nextInt(nodes.size())).id();
            String out;
            do {
                out = nodes.get(rnd.nextInt(nodes.size())).id();
            } while (out.equals(in));
            chainTypes.add(chain);
            endpoints.add(new String[]{in, out});
            chainParams.add(new double[]{mbps, 15 + 25 * rnd.nextDouble() + 1.5 * hops, (2.5 + 1.5 * rnd.nextDouble()) * hops});
        }
        List<VnfOffer> offers = new ArrayList<>();
        Map<String, MarketSnapshot.Reservation> reserved = new HashMap<>();
        for (int t = 0; t < spec.vnfTypes(); t++) {
            double slotsPerOffer = spec.scarcity() * Math.max(uses[t], 1) / spec.offersPerType();
            double mbpsPerSlot = uses[t] == 0 ? 100 : usesMbps[t] / uses[t];
            for (int k = 0; k < spec.offersPerType(); k++) {
                Topology.Node at = nodes.get(rnd.nextInt(nodes.size()));
                // slots drawn around the mean, at least one; capacity for those slots at the type's mean bandwidth
                int slots = Math.max(1, (int) Math.round(slotsPerOffer * (0.5 + rnd.nextDouble())));
                double load = 0.4 * rnd.nextDouble();
                double capacity = slots * mbpsPerSlot * (1.0 + 0.5 * rnd.nextDouble()) / (1 - load);
                String id = "vnf-" + t + "-o" + k;
                offers.add(new VnfOffer(OfferId.of(id), ProviderId.of("p" + domainOf.get(at.id())), types.get(t), at.id() + "-dc",
                        capacity, slots, 0.2 + 0.8 * rnd.nextDouble(), 0.2 + 2.8 * rnd.nextDouble(), 0.001 + 0.009 * rnd.nextDouble(),
                        0.999, true, true, null, null));
                reserved.put(id, new MarketSnapshot.Reservation(load * capacity, 0));
            }
        }
        MarketSnapshot market = MarketSnapshot.of(domains, offers, reserved, usage, NOW);
        PathFinder direct = market.network().pathFinder(1, Map.of());
        List<ChainRequest> requests = new ArrayList<>();
        for (int c = 0; c < spec.chains(); c++) {
            double[] p = chainParams.get(c);
            String[] e = endpoints.get(c);
            double bound = direct.latency(e[0], e[1]) + p[1];
            ChainOrder order = new ChainOrder("buyer-" + c, List.of(chainTypes.get(c)), e[0], e[1], p[0], bound, p[2], List.of(), List.of());
            requests.add(new ChainRequest("chain-" + c, order, Encapsulation.NONE, List.of()));
        }
        return new GeneratedProblem(spec.name(), market, requests);
    }
}
