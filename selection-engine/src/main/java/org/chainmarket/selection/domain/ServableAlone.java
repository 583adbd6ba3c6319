package org.chainmarket.selection.domain;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The chains of a batch that fit on the snapshot's capacity on their own, as the construction found them (it places
 * every chain alone first), so that a chain the batch leaves unserved can be told why without another search. Shared
 * by a solution and its clones.
 */
public final class ServableAlone {
    private final Set<Integer> ids = ConcurrentHashMap.newKeySet();
    private final Set<Integer> infeasible = ConcurrentHashMap.newKeySet();
    private volatile boolean known;

    /** Records that the construction found a plan for {@code chain} alone. */
    public void add(ChainFact chain) {
        ids.add(chain.id());
    }

    /** Records that a finished search proved there is no plan for {@code chain} even alone. */
    public void addInfeasible(ChainFact chain) {
        infeasible.add(chain.id());
    }

    /** Whether a finished search proved that {@code chain} cannot be served even alone. */
    public boolean infeasible(ChainFact chain) {
        return infeasible.contains(chain.id());
    }

    /** Marks the set complete: every chain not in it has no plan alone (within the search's budget). */
    public void complete() {
        known = true;
    }

    /** Whether the construction has recorded every chain. */
    public boolean known() {
        return known;
    }

    public boolean contains(ChainFact chain) {
        return ids.contains(chain.id());
    }
}
