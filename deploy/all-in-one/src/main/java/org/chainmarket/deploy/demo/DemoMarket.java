package org.chainmarket.deploy.demo;

import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.model.CatalogueEntry;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfOffer;
import org.chainmarket.selection.topology.Topology;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** vCPU, memory (GB) and boot time (s) of one demo instance in the catalogue. */
    public static final int INSTANCE_VCPU = 4;
    public static final double INSTANCE_MEMORY_GB = 8;
    public static final double BOOT_SECONDS = 2;

    /** One provider: its domain and its offers. */
    public record Provider(ProviderDomain domain, List<VnfOffer> offers) {
        public Provider {
            offers = List.copyOf(offers);
        }

        public ProviderId id() {
            return domain.providerId();
        }

        /**
         * What the provider can run: one entry per VNF type it offers, at every one of its sites, each instance
         * {@link #INSTANCE_VCPU} vCPU and {@link #INSTANCE_MEMORY_GB} GB booting in {@link #BOOT_SECONDS} s, carrying
         * what its offers of the type carry, at their mean price and processing latency.
         */
        public List<CatalogueEntry> catalogue() {
            Map<String, List<VnfOffer>> byType = new java.util.TreeMap<>();
            offers.forEach(o -> byType.computeIfAbsent(o.vnfType(), k -> new ArrayList<>()).add(o));
            List<String> sites = domain.sites().stream().map(ProviderDomain.Site::siteId).toList();
            List<CatalogueEntry> out = new ArrayList<>();
            byType.forEach((type, os) -> {
                VnfOffer first = os.get(0);
                out.add(new CatalogueEntry(id(), type, INSTANCE_VCPU, INSTANCE_MEMORY_GB, first.capacityMbps(), first.maxChains(),
                        BOOT_SECONDS, round(os.stream().mapToDouble(VnfOffer::pricePerHour).average().orElse(1)),
                        round(os.stream().mapToDouble(VnfOffer::pricePerMbpsHour).average().orElse(0)),
                        round(os.stream().mapToDouble(VnfOffer::processingLatencyMs).average().orElse(0.5)),
                        first.srAware(), first.nshAware(), sites));
            });
            return out;
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

    /**
     * This market with the instances of the site at {@code switchId} made almost free, so chains between hosts at
     * that switch all land there (to load one site on purpose, as a site-failure test needs).
     */
    public DemoMarket withCheapSite(String switchId) {
        return new DemoMarket(providers.stream().map(p -> new Provider(p.domain(), p.offers().stream()
                .map(o -> !o.siteId().endsWith("-" + switchId) ? o : new VnfOffer(o.offerId(), o.providerId(), o.vnfType(),
                        o.siteId(), o.capacityMbps(), o.maxChains(), o.processingLatencyMs(), 0.01, 0, o.availability(),
                        o.srAware(), o.nshAware(), o.validFrom(), o.validUntil()))
                .toList())).toList());
    }

    /**
     * The network of {@link #of} (every node a switch, split among {@code providers} by longitude), with links of
     * {@code linkMbps} and compute only at {@code cloudSwitches}: each of them is a VNF cloud (one site)
     * offering every type of {@code vnfTypes}, with {@code capacityMbps} and {@code maxChains} per instance and
     * latency and price drawn from a generator seeded with {@code seed} as {@link #of} draws them. The other switches
     * are transit switches without a site (paper 003's VNF clouds, section 6.2).
     *
     * @throws IllegalArgumentException when a cloud switch is not a node of the topology, or is listed twice
     */
    public static DemoMarket withVnfClouds(Topology topology, int providers, List<String> cloudSwitches, List<String> vnfTypes,
                                           double capacityMbps, int maxChains, double linkMbps, long seed) {
        List<String> clouds = List.copyOf(cloudSwitches);
        if (new java.util.HashSet<>(clouds).size() != clouds.size()) {
            throw new IllegalArgumentException("cloud switches must be distinct but were " + clouds);
        }
        for (String c : clouds) {
            if (topology.nodes().stream().noneMatch(n -> n.id().equals(c))) {
                throw new IllegalArgumentException("cloud switch '" + c + "' is not a node of the topology (nodes: "
                        + topology.nodes().stream().map(Topology.Node::id).toList() + ")");
            }
        }
        if (vnfTypes.isEmpty()) {
            throw new IllegalArgumentException("a VNF cloud must offer at least one VNF type");
        }
        if (!(linkMbps > 0)) {
            throw new IllegalArgumentException("links must carry more than 0 Mbit/s but linkMbps was " + linkMbps);
        }
        Random random = new Random(seed);
        List<Provider> out = new ArrayList<>();
        // the network without any offer: of() draws from its generator only for offers
        for (Provider p : of(topology, providers, 0, capacityMbps, maxChains, seed).providers()) {
            ProviderDomain d = p.domain();
            List<ProviderDomain.Site> sites = d.sites().stream().filter(s -> clouds.contains(s.switchId())).toList();
            List<ProviderDomain.Link> links = d.links().stream()
                    .map(l -> new ProviderDomain.Link(l.from(), l.to(), l.latencyMs(), linkMbps)).toList();
            List<ProviderDomain.BorderLink> borders = d.borderLinks().stream()
                    .map(b -> new ProviderDomain.BorderLink(b.localSwitch(), b.remoteProvider(), b.remoteSwitch(), b.latencyMs(), linkMbps))
                    .toList();
            ProviderDomain domain = new ProviderDomain(d.providerId(), d.name(), d.switches(), sites, links, borders);
            List<VnfOffer> offers = new ArrayList<>();
            for (ProviderDomain.Site site : sites) {
                for (String type : vnfTypes) {
                    offers.add(new VnfOffer(OfferId.of(d.providerId() + "-" + type + "-" + site.switchId()), d.providerId(), type,
                            site.siteId(), capacityMbps, maxChains, round(0.2 + random.nextDouble() * 0.8),
                            round(0.5 + random.nextDouble() * 2.5), round(0.0005 + random.nextDouble() * 0.002),
                            0.999, random.nextBoolean(), false, null, null));
                }
            }
            out.add(new Provider(domain, offers));
        }
        return new DemoMarket(out);
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

    /**
     * Writes each provider to {@code dir/<provider id>.json} as {@code {"domain": …, "offers": […]}}, the file a
     * standalone adapter runner reads, and returns the files written.
     */
    public List<Path> export(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        for (Provider p : providers) {
            Path file = dir.resolve(p.id().value() + ".json");
            Files.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(p) + "\n");
            out.add(file);
        }
        return out;
    }
}
