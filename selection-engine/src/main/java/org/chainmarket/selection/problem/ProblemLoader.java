package org.chainmarket.selection.problem;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfOffer;
import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.Encapsulation;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.Steering;
import org.chainmarket.selection.solver.SelectionWeights;
import org.chainmarket.selection.topology.GraphMlReader;
import org.chainmarket.selection.topology.Topology;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a problem file. Defaults: links and border links 10000 Mbit/s, no link usage; an offer's provider is the
 * owner of its node, capacity 1000 Mbit/s, 10 chains, 0.5 ms processing, 1.0 EUR/h, 0 EUR/h per Mbit/s, SR- and
 * NSH-aware, nothing reserved; a request carries 10 Mbit/s, 100 ms, 100 EUR/h, encapsulation NONE; weights
 * {@link SelectionWeights#DEFAULT}. Link latency comes from node coordinates at 5 µs per km.
 */
public final class ProblemLoader {
    public static final double DEFAULT_LINK_MBPS = 10_000;

    private ProblemLoader() {
    }

    public static LoadedProblem load(Path file) {
        try {
            ObjectMapper mapper = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
            ProblemFile pf = mapper.readValue(file.toFile(), ProblemFile.class);
            return build(pf, file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read problem file " + file + ": " + e.getMessage(), e);
        }
    }

    public static LoadedProblem build(ProblemFile pf, Path baseDir) {
        Topology topology;
        if (pf.graphml() != null) {
            topology = GraphMlReader.read(baseDir.resolve(pf.graphml()));
        } else if (pf.topology() != null) {
            topology = Topology.bundled(pf.topology());
        } else {
            throw new IllegalArgumentException("problem file needs \"topology\" (bundled name) or \"graphml\" (path)");
        }
        if (pf.providers() == null || pf.providers().isEmpty()) {
            throw new IllegalArgumentException("problem file needs at least one provider in \"providers\"");
        }
        Map<String, String> owner = new HashMap<>();
        for (Topology.Node n : topology.nodes()) {
            owner.put(n.id(), pf.providers().get(0).id());
        }
        for (ProblemFile.Provider p : pf.providers()) {
            for (String node : p.nodes() == null ? List.<String>of() : p.nodes()) {
                if (!owner.containsKey(node)) {
                    throw new IllegalArgumentException("provider '" + p.id() + "' lists node '" + node + "', which is not in topology "
                            + topology.name() + " (known: " + owner.keySet().stream().sorted().limit(20).toList() + "...)");
                }
                owner.put(node, p.id());
            }
        }
        double linkMbps = pf.defaults() != null && pf.defaults().linkBandwidthMbps() != null ? pf.defaults().linkBandwidthMbps() : DEFAULT_LINK_MBPS;
        double borderMbps = pf.defaults() != null && pf.defaults().borderLinkBandwidthMbps() != null ? pf.defaults().borderLinkBandwidthMbps() : DEFAULT_LINK_MBPS;
        List<ProviderDomain> domains = new ArrayList<>();
        Map<ProviderId, Set<Encapsulation>> proxies = new HashMap<>();
        for (ProblemFile.Provider p : pf.providers()) {
            List<ProviderDomain.Switch> switches = new ArrayList<>();
            List<ProviderDomain.Site> sites = new ArrayList<>();
            for (Topology.Node n : topology.nodes()) {
                if (owner.get(n.id()).equals(p.id())) {
                    switches.add(new ProviderDomain.Switch(n.id(), n.label(), n.latitude(), n.longitude()));
                    sites.add(new ProviderDomain.Site(n.id() + "-dc", n.id(), 64, 256));
                }
            }
            List<ProviderDomain.Link> links = new ArrayList<>();
            List<ProviderDomain.BorderLink> borders = new ArrayList<>();
            for (Topology.Edge e : topology.edges()) {
                String oa = owner.get(e.a());
                String ob = owner.get(e.b());
                if (oa.equals(p.id()) && ob.equals(p.id())) {
                    links.add(new ProviderDomain.Link(e.a(), e.b(), e.latencyMs(), linkMbps));
                } else if (oa.equals(p.id())) {
                    borders.add(new ProviderDomain.BorderLink(e.a(), ProviderId.of(ob), e.b(), e.latencyMs(), borderMbps));
                } else if (ob.equals(p.id())) {
                    borders.add(new ProviderDomain.BorderLink(e.b(), ProviderId.of(oa), e.a(), e.latencyMs(), borderMbps));
                }
            }
            domains.add(new ProviderDomain(ProviderId.of(p.id()), p.id(), switches, sites, links, borders));
            Set<Encapsulation> px = EnumSet.noneOf(Encapsulation.class);
            (p.proxies() == null ? List.<String>of() : p.proxies()).forEach(x -> px.add(Encapsulation.valueOf(x.toUpperCase(Locale.ROOT))));
            proxies.put(ProviderId.of(p.id()), px);
        }
        List<VnfOffer> offers = new ArrayList<>();
        Map<String, MarketSnapshot.Reservation> reserved = new HashMap<>();
        for (ProblemFile.Offer o : pf.offers() == null ? List.<ProblemFile.Offer>of() : pf.offers()) {
            if (o.node() == null || !owner.containsKey(o.node())) {
                throw new IllegalArgumentException("offer '" + o.id() + "' sits at unknown node '" + o.node() + "'");
            }
            String provider = o.provider() != null ? o.provider() : owner.get(o.node());
            if (!provider.equals(owner.get(o.node()))) {
                throw new IllegalArgumentException("offer '" + o.id() + "' is from provider '" + provider + "' but node '"
                        + o.node() + "' belongs to '" + owner.get(o.node()) + "'");
            }
            offers.add(new VnfOffer(OfferId.of(o.id()), ProviderId.of(provider), o.vnfType(), o.node() + "-dc",
                    or(o.capacityMbps(), 1000.0), or(o.maxChains(), 10), or(o.processingLatencyMs(), 0.5),
                    or(o.pricePerHour(), 1.0), or(o.pricePerMbpsHour(), 0.0), 0.999,
                    or(o.srAware(), true), or(o.nshAware(), true), null, null));
            reserved.put(o.id(), new MarketSnapshot.Reservation(or(o.reservedMbps(), 0.0), or(o.reservedChains(), 0)));
        }
        MarketSnapshot market = MarketSnapshot.of(domains, offers, reserved,
                pf.linkUsageMbps() == null ? Map.of() : pf.linkUsageMbps(), Instant.now());
        List<ChainRequest> requests = new ArrayList<>();
        int i = 0;
        for (ProblemFile.Request r : pf.requests() == null ? List.<ProblemFile.Request>of() : pf.requests()) {
            String id = r.id() != null ? r.id() : "chain-" + i;
            i++;
            ChainOrder order = new ChainOrder(id, r.vnfTypes(), r.ingress(), r.egress(), or(r.bandwidthMbps(), 10.0),
                    or(r.maxLatencyMs(), 100.0), or(r.maxPricePerHour(), 100.0),
                    r.includeProviders() == null ? List.of() : r.includeProviders().stream().map(ProviderId::of).toList(),
                    r.excludeProviders() == null ? List.of() : r.excludeProviders().stream().map(ProviderId::of).toList());
            List<OfferId> previous = r.previousOffers() == null ? List.of()
                    : r.previousOffers().stream().map(x -> x == null ? null : OfferId.of(x)).toList();
            requests.add(new ChainRequest(id, order,
                    r.encapsulation() == null ? Encapsulation.NONE : Encapsulation.valueOf(r.encapsulation().toUpperCase(Locale.ROOT)),
                    previous));
        }
        SelectionWeights d = SelectionWeights.DEFAULT;
        ProblemFile.Weights w = pf.weights();
        SelectionWeights weights = w == null ? d : new SelectionWeights(or(w.price(), d.price()), or(w.latencyPerMs(), d.latencyPerMs()),
                or(w.interDomainCrossing(), d.interDomainCrossing()), or(w.instanceLoad(), d.instanceLoad()),
                or(w.switchLoad(), d.switchLoad()), or(w.changedHop(), d.changedHop()));
        return new LoadedProblem(market, requests, new Steering(proxies), weights);
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
