package org.chainmarket.broker.chain;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import org.chainmarket.selection.ChainSelector;
import org.chainmarket.selection.Objective;
import org.chainmarket.selection.exact.LayeredParetoSelector;

/** The selection strategy the broker orders with. */
@Factory
public class SelectionFactory {

    @Singleton
    ChainSelector selector(@Value("${chainmarket.latency-weight}") double latencyWeight) {
        return new LayeredParetoSelector(new Objective(latencyWeight));
    }
}
