package org.chainmarket.selection.solver;

import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfOffer;
import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.Encapsulation;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.OfferState;
import org.chainmarket.selection.Steering;
import org.chainmarket.selection.domain.ChainFact;
import org.chainmarket.selection.domain.HopAssignment;
import org.chainmarket.selection.domain.OfferFact;
import org.chainmarket.selection.domain.PathTable;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A three-switch line a - b - c: a and b belong to provider p1 (link a-b, 1 ms, 1000 Mbit/s), c to p2
 * (border link b-c, 2 ms, 1000 Mbit/s). Offers: fw-a (firewall at a, p1), fw-c (firewall at c, p2), nat-b (nat at
 * b, p1), nat-c (nat at c, p2); 1 ms processing, 1 EUR/h, 500 Mbit/s, 5 chains unless a test says otherwise.
 */
final class Fixture {
    static final ProviderId P1 = ProviderId.of("p1");
    static final ProviderId P2 = ProviderId.of("p2");

    private Fixture() {
    }

    static List<ProviderDomain> domains(double linkMbps) {
        return List.of(
                new ProviderDomain(P1, "one", List.of(sw("a"), sw("b")), List.of(site("a"), site("b")),
                        List.of(new ProviderDomain.Link("a", "b", 1.0, linkMbps)),
                        List.of(new ProviderDomain.BorderLink("b", P2, "c", 2.0, linkMbps))),
                new ProviderDomain(P2, "two", List.of(sw("c")), List.of(site("c")), List.of(), List.of()));
    }

    static VnfOffer offer(String id, String type, String at, double price, double capacity, int chains, boolean srAware) {
        return new VnfOffer(OfferId.of(id), at.equals("c") ? P2 : P1, type, at + "-dc", capacity, chains, 1.0, price, 0.0,
                0.999, srAware, true, null, null);
    }

    static MarketSnapshot market(double linkMbps, List<VnfOffer> offers) {
        return MarketSnapshot.of(domains(linkMbps), offers, Map.of(), Map.of(), Instant.EPOCH);
    }

    static List<VnfOffer> standardOffers() {
        return List.of(offer("fw-a", "firewall", "a", 1.0, 500, 5, true), offer("fw-c", "firewall", "c", 1.0, 500, 5, false),
                offer("nat-b", "nat", "b", 1.0, 500, 5, true), offer("nat-c", "nat", "c", 1.0, 500, 5, true));
    }

    static ChainOrder order(List<String> types, String in, String out, double mbps, double maxLatency, double budget,
                            List<ProviderId> exclude) {
        return new ChainOrder("buyer", types, in, out, mbps, maxLatency, budget, List.of(), exclude);
    }

    /** Facts and hops for one problem built the way the selector builds it. */
    static final class Problem {
        final MarketSnapshot market;
        final PathTable table;
        final List<OfferFact> offers = new ArrayList<>();
        final List<ChainFact> chains = new ArrayList<>();
        final List<HopAssignment> hops = new ArrayList<>();

        Problem(MarketSnapshot market) {
            this.market = market;
            this.table = new PathTable(market.network(), market.linkUsageMbps());
            for (OfferState o : market.offers()) {
                offers.add(OfferFact.of(offers.size(), o));
            }
        }

        OfferFact offer(String id) {
            return offers.stream().filter(o -> o.offerId().value().equals(id)).findFirst().orElseThrow();
        }

        /** A chain whose hops take {@code offers} (null = unserved), legs computed as the listener would. */
        List<HopAssignment> chain(ChainRequest request, SelectionWeights weights, OfferFact... chosen) {
            ChainFact chain = ChainFact.of(chains.size(), request, table, weights);
            chains.add(chain);
            List<HopAssignment> chainHops = new ArrayList<>();
            for (int i = 0; i < chain.length(); i++) {
                chainHops.add(new HopAssignment(hops.size() + i, chain, i, offers));
            }
            HopAssignment.link(chainHops);
            for (int i = 0; i < chainHops.size(); i++) {
                chainHops.get(i).setOffer(chosen[i]);
            }
            chainHops.forEach(h -> h.setLegIn(h.computeLegIn()));
            hops.addAll(chainHops);
            return chainHops;
        }
    }

    static ChainRequest request(ChainOrder order) {
        return ChainRequest.of("c", order);
    }

    private static ProviderDomain.Switch sw(String id) {
        return new ProviderDomain.Switch(id, id, 0.0, 0.0);
    }

    private static ProviderDomain.Site site(String id) {
        return new ProviderDomain.Site(id + "-dc", id, 8, 16);
    }
}
