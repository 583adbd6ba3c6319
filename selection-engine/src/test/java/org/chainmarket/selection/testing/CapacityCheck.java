package org.chainmarket.selection.testing;

import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.OfferState;
import org.chainmarket.selection.SelectionResult;
import org.chainmarket.selection.network.NetLink;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Checks results the way an operator would: no offer or link carries more than it had free, every bound is met. */
public final class CapacityCheck {
    private CapacityCheck() {
    }

    /** Every overbooked offer or link and every broken latency bound or budget, in words; empty when none. */
    public static List<String> violations(MarketSnapshot market, List<ChainRequest> requests, List<SelectionResult> results) {
        Map<OfferId, double[]> used = new HashMap<>();
        Map<String, Double> linkUsed = new HashMap<>();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            if (!(results.get(i) instanceof SelectionResult.Selected s)) {
                continue;
            }
            var order = requests.get(i).order();
            ConcreteChain c = s.chain();
            if (c.latencyMs() > order.maxLatencyMs() + 1e-6) {
                out.add(requests.get(i).id() + " takes " + c.latencyMs() + " ms > " + order.maxLatencyMs());
            }
            if (c.pricePerHour() > order.maxPricePerHour() + 1e-6) {
                out.add(requests.get(i).id() + " costs " + c.pricePerHour() + " EUR/h > " + order.maxPricePerHour());
            }
            for (ConcreteChain.Hop h : c.hops()) {
                double[] u = used.computeIfAbsent(h.offerId(), k -> new double[2]);
                u[0] += order.bandwidthMbps();
                u[1] += 1;
                if (!h.vnfType().equals(order.vnfTypes().get(h.index()))) {
                    out.add(requests.get(i).id() + " hop " + h.index() + " has the wrong VNF type");
                }
            }
            for (int k = 0; k + 1 < c.path().size(); k++) {
                String a = c.path().get(k).switchId();
                String b = c.path().get(k + 1).switchId();
                if (!a.equals(b)) {
                    linkUsed.merge(NetLink.key(a, b), order.bandwidthMbps(), Double::sum);
                }
            }
        }
        for (OfferState o : market.offers()) {
            double[] u = used.get(o.offer().offerId());
            if (u != null && (u[0] > o.freeMbps() + 1e-6 || u[1] > o.freeChains())) {
                out.add(String.format(Locale.ROOT, "offer %s overbooked: %.1f Mbit/s of %.1f free, %d chains of %d free",
                        o.offer().offerId(), u[0], o.freeMbps(), (int) u[1], o.freeChains()));
            }
        }
        for (NetLink l : market.network().links()) {
            double u = linkUsed.getOrDefault(l.key(), 0.0);
            double free = l.bandwidthMbps() - market.linkUsageMbps().getOrDefault(l.key(), 0.0);
            if (u > free + 1e-6) {
                out.add(String.format(Locale.ROOT, "link %s overbooked: %.1f Mbit/s of %.1f free", l.key(), u, free));
            }
        }
        return out;
    }
}
