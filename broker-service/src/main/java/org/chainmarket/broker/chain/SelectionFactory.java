package org.chainmarket.broker.chain;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.annotation.Primary;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.chainmarket.selection.Steering;
import org.chainmarket.selection.solver.OptaPlannerSelector;
import org.chainmarket.selection.solver.SelectionWeights;
import org.chainmarket.selection.ChainSelector;
import org.chainmarket.selection.Objective;
import org.chainmarket.selection.exact.LayeredParetoSelector;

/**
 * The selection strategies: exact selection for each new order; for re-selecting degraded chains either the exact
 * selector with every still-healthy hop kept ({@code exact}, the default: sub-millisecond per chain, chains taken one
 * after another on a snapshot that counts the ones before) or the OptaPlanner solver, which weighs keeping hops
 * against a better whole batch ({@code solver}, slower).
 */
@Factory
public class SelectionFactory {
    /** Name of the re-selection strategy bean. */
    public static final String RESELECTION = "reselection";

    @Singleton
    @Named(RESELECTION)
    ChainSelector reselector(@Value("${chainmarket.latency-weight}") double latencyWeight,
                             @Value("${chainmarket.substitution.changed-hop-weight}") double changedHopWeight,
                             @Value("${chainmarket.substitution.reselection}") String strategy) {
        if ("exact".equals(strategy)) {
            return new LayeredParetoSelector(new Objective(latencyWeight));
        }
        if (!"solver".equals(strategy)) {
            throw new IllegalArgumentException("chainmarket.substitution.reselection must be 'exact' or 'solver', but was '" + strategy + "'");
        }
        SelectionWeights d = SelectionWeights.DEFAULT;
        return new OptaPlannerSelector(new SelectionWeights(d.price(), latencyWeight, d.interDomainCrossing(), d.instanceLoad(),
                d.switchLoad(), changedHopWeight), Steering.NO_PROXIES);
    }

    @Singleton
    @Primary
    ChainSelector selector(@Value("${chainmarket.latency-weight}") double latencyWeight) {
        return new LayeredParetoSelector(new Objective(latencyWeight));
    }
}
