package org.chainmarket.broker.chain;

import org.chainmarket.schemas.model.SubjectKind;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.selection.network.NetLink;

/** What a degradation can be about, and whether a chain uses it. */
final class Subjects {
    private Subjects() {
    }

    /** Whether the chain holds the instance (offer id) or crosses the link ({@code NetLink.key}). */
    static boolean uses(ConcreteChain chain, SubjectKind kind, String subjectId) {
        if (chain == null) {
            return false;
        }
        return kind.held() == SubjectKind.INSTANCE ? chain.hops().stream().anyMatch(h -> h.offerId().value().equals(subjectId)) : crosses(chain, subjectId);
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
