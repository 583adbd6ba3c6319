package org.chainmarket.broker.chain;

import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.chainmarket.broker.registry.MarketReadModel;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.SubjectKind;
import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.ChainSelector;
import org.chainmarket.selection.Encapsulation;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.SelectionResult;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Re-selects chains hit by a degradation, together, on a snapshot where their own holds are given back and hot
 * subjects are left out, keeping every hop that still works. A result that would change nothing (same hops, same
 * path) is no substitute: it is answered as rejected.
 */
@Singleton
class Reselection {
    private final MarketReadModel market;
    private final ChainSelector reselector;

    Reselection(MarketReadModel market, @Named(SelectionFactory.RESELECTION) ChainSelector reselector) {
        this.market = market;
        this.reselector = reselector;
    }

    List<SelectionResult> reselect(List<Affected> affected) {
        return reselect(affected, market.reselectionSnapshot());
    }

    /**
     * Re-selects one chain with one more part left out: an offer ({@code kind} INSTANCE, its id) or a link (LINK, its
     * {@code NetLink.key}); a chain over its latency bound avoids the part that makes it slow.
     */
    SelectionResult reselectAvoiding(Affected affected, SubjectKind kind, String part) {
        MarketSnapshot s = market.reselectionSnapshot();
        if (kind == SubjectKind.INSTANCE) {
            s = new MarketSnapshot(s.network(), s.offers().stream().filter(o -> !o.offer().offerId().value().equals(part)).toList(),
                    s.linkUsageMbps());
        } else {
            Map<String, Double> usage = new HashMap<>(s.linkUsageMbps());
            usage.put(part, Double.POSITIVE_INFINITY);
            s = new MarketSnapshot(s.network(), s.offers(), usage);
        }
        return reselect(List.of(affected), s).get(0);
    }

    private List<SelectionResult> reselect(List<Affected> affected, MarketSnapshot base) {
        MarketSnapshot snapshot = base;
        List<ChainRequest> requests = new ArrayList<>();
        for (Affected a : affected) {
            snapshot = snapshot.withoutChain(a.chain(), a.order().bandwidthMbps());
            requests.add(new ChainRequest(a.chainId(), a.order(), Encapsulation.NONE,
                    a.chain().hops().stream().map(ConcreteChain.Hop::offerId).toList()));
        }
        List<SelectionResult> results = reselector.selectBatch(snapshot, requests);
        List<SelectionResult> out = new ArrayList<>(results.size());
        for (int i = 0; i < results.size(); i++) {
            out.add(changesNothing(affected.get(i).chain(), results.get(i))
                    ? new SelectionResult.Rejected(SelectionResult.Constraint.OFFER_CAPACITY, null,
                    "the only chain that fits is the one it has (same hops, same path)")
                    : results.get(i));
        }
        return out;
    }

    /** Whether a re-selection result is the chain as it is. */
    static boolean changesNothing(ConcreteChain now, SelectionResult r) {
        return r instanceof SelectionResult.Selected s && s.chain().hops().equals(now.hops()) && s.chain().path().equals(now.path());
    }
}
