package org.chainmarket.placement.bench;

import org.chainmarket.placement.model.Demand;
import org.chainmarket.placement.model.LatencyMap;
import org.chainmarket.placement.model.PlacementProblem;
import org.chainmarket.placement.model.RunningInstance;
import org.chainmarket.placement.model.SiteSpec;
import org.chainmarket.schemas.model.CatalogueEntry;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.selection.topology.Topology;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Seeded placement problems on a Topology Zoo network. The nodes are split by longitude into {@code providers}
 * providers; every node is a site {@code <node>-dc} of its provider with b, 2b or 4b vCPU (b sized so that the sites
 * together hold about twice the instances asked for, at least 8) and 4 GB per vCPU. Each
 * provider's catalogue has each of {@link #TYPES} with probability 0.8 (2 or 4 vCPU, 4 GB per vCPU, 1000 or 2000
 * Mbit/s, 20–50 chains, 0.5–3.0 EUR/h), allowed at 60 % of its sites. Demand is sized to need about {@code instances}
 * instances: half carried by instances running now (each at an allowed site near its demand, 30–90 % full), half new
 * (rejected orders) at random nodes, 50–400 Mbit/s each, allowed 8–20 ms from the instance.
 */
public final class Scenarios {
    public static final List<String> TYPES = List.of("firewall", "dpi", "nat", "wan-opt", "load-balancer");

    private Scenarios() {
    }

    /** The topology's switches and links as a latency map (link latency from node distance, 5 µs/km). */
    public static LatencyMap latency(Topology t) {
        return LatencyMap.of(t.nodes().stream().map(Topology.Node::id).toList(),
                t.edges().stream().map(e -> new LatencyMap.Link(e.a(), e.b(), e.latencyMs())).toList());
    }

    /** Sites and catalogues of the market on {@code t}, seeded. */
    public record Market(Topology topology, LatencyMap latency, List<SiteSpec> sites, List<CatalogueEntry> catalogue) {
    }

    public static Market market(Topology t, int providers, int instances, long seed) {
        Random r = new Random(seed);
        List<Topology.Node> byLon = new ArrayList<>(t.nodes());
        byLon.sort(Comparator.comparingDouble(Topology.Node::longitude).thenComparing(Topology.Node::id));
        List<SiteSpec> sites = new ArrayList<>();
        List<List<String>> siteIdsOf = new ArrayList<>();
        for (int p = 0; p < providers; p++) {
            siteIdsOf.add(new ArrayList<>());
        }
        int base = Math.max(8, (int) Math.ceil(instances * 6.0 / t.nodes().size() / 2.3));
        int[] cores = {base, 2 * base, 4 * base};
        for (int i = 0; i < byLon.size(); i++) {
            int p = Math.min(providers - 1, i * providers / byLon.size());
            Topology.Node node = byLon.get(i);
            int c = cores[r.nextInt(cores.length)];
            sites.add(new SiteSpec(node.id() + "-dc", provider(p), node.id(), c, 4.0 * c));
            siteIdsOf.get(p).add(node.id() + "-dc");
        }
        List<CatalogueEntry> catalogue = new ArrayList<>();
        for (int p = 0; p < providers; p++) {
            for (String type : TYPES) {
                if (r.nextDouble() >= 0.8) {
                    continue;
                }
                List<String> allowed = new ArrayList<>();
                for (String site : siteIdsOf.get(p)) {
                    if (r.nextDouble() < 0.6) {
                        allowed.add(site);
                    }
                }
                if (allowed.isEmpty()) {
                    allowed.add(siteIdsOf.get(p).get(r.nextInt(siteIdsOf.get(p).size())));
                }
                int vcpu = r.nextBoolean() ? 2 : 4;
                double capacity = r.nextBoolean() ? 1000 : 2000;
                catalogue.add(new CatalogueEntry(provider(p), type, vcpu, 4.0 * vcpu, capacity, 20 + r.nextInt(31),
                        20 + r.nextInt(40), round(0.5 + 2.5 * r.nextDouble()), 0.001, 0.2 + r.nextDouble(), true, r.nextBoolean(), allowed));
            }
        }
        return new Market(t, latency(t), sites, catalogue);
    }

    /** A problem needing about {@code instances} instances on market {@code m}. */
    public static PlacementProblem problem(Market m, int instances, long seed) {
        Random r = new Random(seed);
        List<Topology.Node> nodes = m.topology().nodes();
        List<RunningInstance> running = new ArrayList<>();
        List<Demand> demands = new ArrayList<>();
        java.util.Map<String, SiteSpec> siteById = new java.util.HashMap<>();
        m.sites().forEach(s -> siteById.put(s.siteId(), s));
        java.util.Map<String, Integer> used = new java.util.HashMap<>();
        int[] perCell = new int[1];
        for (int i = 0, tries = 0; i < instances / 2 && tries < instances * 20; tries++) {
            CatalogueEntry e = m.catalogue().get(r.nextInt(m.catalogue().size()));
            String site = e.siteIds().get(r.nextInt(e.siteIds().size()));
            if (used.getOrDefault(site, 0) + e.vcpu() > siteById.get(site).cpuCores()) {
                continue;
            }
            used.merge(site, e.vcpu(), Integer::sum);
            i++;
            String sw = siteById.get(site).switchId();
            OfferId id = OfferId.of(e.providerId().value() + "-" + e.vnfType() + "-" + site + "-" + (perCell[0]++));
            running.add(new RunningInstance(id, e.providerId(), site, e.vnfType()));
            double fill = 0.3 + 0.6 * r.nextDouble();
            double mbps = Math.floor(e.capacityMbps() * fill);
            String from = near(m, sw, nodes, r);
            demands.add(Demand.carried(e.vnfType(), from, mbps, Math.max(1, (int) (e.maxChains() * fill / 2)), 20, id));
        }
        double newMbps = 0;
        double target = instances / 2.0 * 1500 * 0.6;
        while (newMbps < target) {
            String type = TYPES.get(r.nextInt(TYPES.size()));
            String at = nodes.get(r.nextInt(nodes.size())).id();
            double mbps = 50 + Math.floor(350 * r.nextDouble());
            demands.add(Demand.unmet(type, at, mbps, 1 + (int) (mbps / 50), 8 + r.nextInt(13)));
            newMbps += mbps;
        }
        return new PlacementProblem(m.sites(), m.catalogue(), running, demands, m.latency());
    }

    /** A node within 5 ms of {@code sw}, or {@code sw}. */
    private static String near(Market m, String sw, List<Topology.Node> nodes, Random r) {
        List<String> close = nodes.stream().map(Topology.Node::id).filter(n -> m.latency().ms(sw, n) <= 5).toList();
        return close.get(r.nextInt(close.size()));
    }

    static ProviderId provider(int p) {
        return ProviderId.of("p" + p);
    }

    private static double round(double v) {
        return Math.round(v * 100.0) / 100.0;
    }
}
