package org.chainmarket.broker.chain;

import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.chainmarket.broker.registry.MarketReadModel;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.ChainSelector;
import org.chainmarket.selection.Encapsulation;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.SelectionResult;

import java.util.ArrayList;
import java.util.List;

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
        MarketSnapshot snapshot = market.reselectionSnapshot();
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
