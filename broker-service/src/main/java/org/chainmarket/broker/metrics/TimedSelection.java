package org.chainmarket.broker.metrics;

import io.micrometer.core.instrument.Timer;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.ChainSelector;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.SelectionResult;

import java.util.List;

/**
 * Times every selection strategy the broker creates ({@code chainmarket.selection}): each {@link ChainSelector} bean
 * is handed out wrapped, so the chain code that calls it stays as it is.
 */
@Singleton
public class TimedSelection implements BeanCreatedEventListener<ChainSelector> {
    private final Provider<MarketMetrics> metrics;

    public TimedSelection(Provider<MarketMetrics> metrics) {
        this.metrics = metrics;
    }

    @Override
    public ChainSelector onCreated(BeanCreatedEvent<ChainSelector> event) {
        ChainSelector selector = event.getBean();
        String strategy = selector.getClass().getSimpleName();
        MarketMetrics m = metrics.get();
        return new Timed(selector, m.selection(strategy, "single"), m.selection(strategy, "batch"));
    }

    /** A selector that records how long its delegate takes. */
    record Timed(ChainSelector delegate, Timer single, Timer batch) implements ChainSelector {
        @Override
        public SelectionResult select(MarketSnapshot market, ChainOrder order) {
            return single.record(() -> delegate.select(market, order));
        }

        @Override
        public SelectionResult select(MarketSnapshot market, ChainRequest request) {
            return single.record(() -> delegate.select(market, request));
        }

        @Override
        public List<SelectionResult> selectAll(MarketSnapshot market, List<ChainOrder> orders) {
            return batch.record(() -> delegate.selectAll(market, orders));
        }

        @Override
        public List<SelectionResult> selectBatch(MarketSnapshot market, List<ChainRequest> requests) {
            return batch.record(() -> delegate.selectBatch(market, requests));
        }
    }
}
