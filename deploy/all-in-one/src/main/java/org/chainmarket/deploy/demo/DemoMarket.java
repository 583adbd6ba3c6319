package org.chainmarket.deploy.demo;

import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfOffer;
import org.chainmarket.selection.topology.Topology;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A marketplace made from a real network: its nodes are split among {@code providers} by longitude (west to
 * east, equal counts), every node is a switch with a compute site, links inside a provider are its own and
 * links between providers are border links. Each provider offers a few VNF types at each of its sites, with
 * capacity, latency and price drawn from a seeded generator, so the same arguments give the same market.
 * Links carry {@link #LINK_MBPS} Mbit/s.
 */
public record DemoMarket(List<Provider> providers) {
    public static final double LINK_MBPS = 10_000;
    public static final List<String> VNF_TYPES = List.of("firewall", "dpi", "nat", "wan-optimizer", "load-balancer");
    private static final String[] NAMES = {"west", "central", "east", "north", "south", "coastal", "mountain", "plains"};

    public DemoMarket {
        providers = List.copyOf(providers);
    }

    /** One provider: its domain and its offers. */
    public record Provider(ProviderDomain domain, List<VnfOffer> offers) {
        public Provider {
            offers = List.copyOf(offers);
        }

        public ProviderId id() {
            return domain.providerId();
        }
    }

    /**
     * @param typesPerSite how many of {@link #VNF_TYPES} each site offers (rotating, so neighbouring sites differ)
     * @param capacityMbps capacity of every offer
     * @param maxChains    chain slots of every offer
     */
    public static DemoMarket of(Topology topology, int providers, int typesPerSite, double capacityMbps, int maxChains, long seed) {
        if (providers < 1 || providers > NAMES.length || providers > topology.nodes().size()) {
            throw new IllegalArgumentException("providers must be 1.." + Math.min(NAMES.length, topology.nodes().size()) + " but was " + providers);
        }
        List<Topology.Node> byLongitude = new ArrayList<>(topology.nodes());
        byLongitude.sort(Comparator.comparingDouble(Topology.Node::longitude).thenComparing(Topology.Node::id));
        Map<String, Integer> ownerOf = new HashMap<>();
        for (int i = 0; i < byLongitude.size(); i++) {
            ownerOf.put(byLongitude.get(i).id(), i * providers / byLongitude.size());
        }
        Random random = new Random(seed);
        List<Provider> out = new ArrayList<>();
        int rotation = 0;
        for (int p = 0; p < providers; p++) {
            final int owner = p;
            ProviderId id = ProviderId.of(NAMES[p]);
            List<Topology.Node> nodes = byLongitude.stream().filter(n -> ownerOf.get(n.id()) == owner).toList();
            List<ProviderDomain.Switch> switches = nodes.stream()
                    .map(n -> new ProviderDomain.Switch(n.id(), n.label(), n.latitude(), n.longitude())).toList();
            List<ProviderDomain.Site> sites = nodes.stream()
                    .map(n -> new ProviderDomain.Site(siteId(id, n), n.id(), 64, 256)).toList();
            List<ProviderDomain.Link> links = new ArrayList<>();
            List<ProviderDomain.BorderLink> borders = new ArrayList<>();
            for (Topology.Edge e : topology.edges()) {
                int a = ownerOf.get(e.a());
                int b = ownerOf.get(e.b());
                double latency = round(e.latencyMs());
                if (a == owner && b == owner) {
                    links.add(new ProviderDomain.Link(e.a(), e.b(), latency, LINK_MBPS));
                } else if (a == owner) {
                    borders.add(new ProviderDomain.BorderLink(e.a(), ProviderId.of(NAMES[b]), e.b(), latency, LINK_MBPS));
                } else if (b == owner) {
                    borders.add(new ProviderDomain.BorderLink(e.b(), ProviderId.of(NAMES[a]), e.a(), latency, LINK_MBPS));
                }
            }
            ProviderDomain domain = new ProviderDomain(id, capitalize(NAMES[p]) + " Networks", switches, sites, links, borders);
            List<VnfOffer> offers = new ArrayList<>();
            for (Topology.Node n : nodes) {
                for (int t = 0; t < typesPerSite; t++) {
                    String type = VNF_TYPES.get((rotation + t) % VNF_TYPES.size());
                    offers.add(new VnfOffer(OfferId.of(id + "-" + type + "-" + n.id()), id, type, siteId(id, n),
                            capacityMbps, maxChains, round(0.2 + random.nextDouble() * 0.8),
                            round(0.5 + random.nextDouble() * 2.5), round(0.0005 + random.nextDouble() * 0.002),
                            0.999, random.nextBoolean(), false, null, null));
                }
                rotation++;
            }
            out.add(new Provider(domain, offers));
        }
        return new DemoMarket(out);
    }

    /** The demo the launcher runs: Abilene among three providers, three VNF types per site. */
    public static DemoMarket abilene() {
        return of(Topology.bundled("Abilene"), 3, 3, 4000, 400, 3);
    }

    public List<VnfOffer> offers() {
        return providers.stream().flatMap(p -> p.offers().stream()).toList();
    }

    private static String siteId(ProviderId provider, Topology.Node node) {
        return provider + "-" + node.id();
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
