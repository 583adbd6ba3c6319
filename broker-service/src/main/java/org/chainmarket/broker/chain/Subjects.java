package org.chainmarket.broker.chain;

import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.selection.network.NetLink;

/** What a degradation can be about, and whether a chain uses it. */
final class Subjects {
    static final String INSTANCE = "INSTANCE";
    static final String LINK = "LINK";
    static final String OPERATOR = "OPERATOR";

    private Subjects() {
    }

    /** Whether the chain holds the instance (offer id) or crosses the link ({@code NetLink.key}). */
    static boolean uses(ConcreteChain chain, String kind, String subjectId) {
        if (chain == null) {
            return false;
        }
        return INSTANCE.equals(kind) ? chain.hops().stream().anyMatch(h -> h.offerId().value().equals(subjectId)) : crosses(chain, subjectId);
    }

    /** Whether the chain's path crosses the link {@code key} ("a|b"). */
    static boolean crosses(ConcreteChain chain, String key) {
        var path = chain.path();
        for (int i = 1; i < path.size(); i++) {
            String a = path.get(i - 1).switchId();
            String b = path.get(i).switchId();
            if (!a.equals(b) && NetLink.key(a, b).equals(key)) {
                return true;
            }
        }
        return false;
    }
}
