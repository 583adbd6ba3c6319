package org.chainmarket.selection.testing;

import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfOffer;
import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.Encapsulation;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.topology.Topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random but reproducible problems over a Topology Zoo network. The nodes are split by longitude into
 * {@code providers} contiguous domains (so paths cross borders); every node has a site. Links have
 * {@value #LINK_MBPS} Mbit/s with 0-50 % already used. Each VNF type {@code vnf-0..} has {@code offersPerType}
 * offers at random nodes: 0.2-1.0 ms processing, 0.2-3.0 EUR/h plus 0.001-0.01 EUR/h per Mbit/s, 0-40 % load,
 * 80 % SR-aware. Chain slots per offer are sized so that all offers of a type together hold about
 * {@code 2 x chains} chains: cheap offers fill up and chains compete for them. Requests: random distinct
 * ingress and egress, 10/25/50/100 Mbit/s, latency bound 40-80 ms plus 10 ms per hop, budget 4 EUR/h per hop.
 */
public final class ProblemGenerator {
    public static final double LINK_MBPS = 40_000;
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

    private ProblemGenerator() {
    }

    /** Each node's domain: nodes sorted by longitude (then id) are cut into {@code providers} contiguous runs. */
    public static Map<String, Integer> domainOf(List<Topology.Node> byLongitude, int providers) {
        Map<String, Integer> domainOf = new HashMap<>();
        for (int i = 0; i < byLongitude.size(); i++) {
            domainOf.put(byLongitude.get(i).id(), i * providers / byLongitude.size());
        }
        return domainOf;
    }

    /** Provider domains {@code p0..} over the topology: every node a switch with a site, every link {@code linkMbps}. */
    public static List<ProviderDomain> domains(Topology topology, Map<String, Integer> domainOf, int providers, double linkMbps) {
        List<ProviderDomain> domains = new ArrayList<>();
        for (int d = 0; d < providers; d++) {
            int dom = d;
            List<ProviderDomain.Switch> switches = new ArrayList<>();
            List<ProviderDomain.Site> sites = new ArrayList<>();
            for (Topology.Node n : topology.nodes()) {
                if (domainOf.get(n.id()) == dom) {
                    switches.add(new ProviderDomain.Switch(n.id(), n.label(), n.latitude(), n.longitude()));
                    sites.add(new ProviderDomain.Site(n.id() + "-dc", n.id(), 64, 256));
                }
            }
            List<ProviderDomain.Link> links = new ArrayList<>();
            List<ProviderDomain.BorderLink> borders = new ArrayList<>();
            for (Topology.Edge e : topology.edges()) {
                int da = domainOf.get(e.a());
                int db = domainOf.get(e.b());
                if (da == dom && db == dom) {
                    links.add(new ProviderDomain.Link(e.a(), e.b(), e.latencyMs(), linkMbps));
                } else if (da == dom) {
                    borders.add(new ProviderDomain.BorderLink(e.a(), ProviderId.of("p" + db), e.b(), e.latencyMs(), linkMbps));
                }
            }
            domains.add(new ProviderDomain(ProviderId.of("p" + d), "provider " + d, switches, sites, links, borders));
        }
        return domains;
    }

    public static GeneratedProblem generate(String topologyName, int providers, int hops, int offersPerType, int chains, long seed) {
        Topology topology = Topology.bundled(topologyName);
        Random rnd = new Random(seed);
        List<Topology.Node> nodes = new ArrayList<>(topology.nodes());
        nodes.sort(Comparator.comparingDouble(Topology.Node::longitude).thenComparing(Topology.Node::id));
        Map<String, Integer> domainOf = domainOf(nodes, providers);
        List<ProviderDomain> domains = domains(new Topology(topology.name(), nodes, topology.edges()), domainOf, providers, LINK_MBPS);
        Map<String, Double> usage = new HashMap<>();
        for (Topology.Edge e : topology.edges()) {
            usage.put(org.chainmarket.selection.network.NetLink.key(e.a(), e.b()), LINK_MBPS * 0.5 * rnd.nextDouble());
        }
        List<VnfOffer> offers = new ArrayList<>();
        Map<String, org.chainmarket.selection.MarketSnapshot.Reservation> reserved = new HashMap<>();
        int meanSlots = Math.max(4, (int) Math.ceil(2.0 * Math.max(chains, 5) / offersPerType));
        for (int t = 0; t < hops; t++) {
            for (int k = 0; k < offersPerType; k++) {
                Topology.Node at = nodes.get(rnd.nextInt(nodes.size()));
                int slots = 1 + rnd.nextInt(2 * meanSlots);
                double capacity = slots * 100.0 * (1 + rnd.nextDouble());
                String id = "vnf-" + t + "-o" + k;
                offers.add(new VnfOffer(OfferId.of(id), ProviderId.of("p" + domainOf.get(at.id())), "vnf-" + t, at.id() + "-dc",
                        capacity, slots, 0.2 + 0.8 * rnd.nextDouble(), 0.2 + 2.8 * rnd.nextDouble(), 0.001 + 0.009 * rnd.nextDouble(),
                        0.999, rnd.nextDouble() < 0.8, rnd.nextDouble() < 0.5, null, null));
                double load = 0.4 * rnd.nextDouble();
                reserved.put(id, new MarketSnapshot.Reservation(load * capacity, 0));
            }
        }
        MarketSnapshot market = MarketSnapshot.of(domains, offers, reserved, usage, NOW);
        double[] bandwidths = {10, 25, 50, 100};
        List<ChainRequest> requests = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (int t = 0; t < hops; t++) {
            types.add("vnf-" + t);
        }
        for (int c = 0; c < chains; c++) {
            String in = nodes.get(rnd.nextInt(nodes.size())).id();
            String out;
            do {
                out = nodes.get(rnd.nextInt(nodes.size())).id();
            } while (out.equals(in) && nodes.size() > 1);
            ChainOrder order = new ChainOrder("buyer-" + c, types, in, out, bandwidths[rnd.nextInt(bandwidths.length)],
                    40 + 40 * rnd.nextDouble() + 10 * hops, 4.0 * hops, List.of(), List.of());
            requests.add(new ChainRequest("chain-" + c, order, Encapsulation.NONE, List.of()));
        }
        return new GeneratedProblem(topologyName + "/" + hops + "h/" + offersPerType + "o/" + chains + "c/s" + seed,
                market, requests);
    }
}
