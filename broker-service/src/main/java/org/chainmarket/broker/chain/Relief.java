package org.chainmarket.broker.chain;

import org.chainmarket.broker.registry.MarketReadModel;
import org.chainmarket.schemas.model.Substitution;
import org.chainmarket.selection.SelectionResult;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How much a hot instance or link is relieved of, and which of its chains move: the fewest whose substitutes cost
 * least (latency-weighted price) that bring the load expected on it under the level it is relieved to.
 */
final class Relief {
    /** Capacity metrics read as the share of the subject's capacity in use (CPU follows the traffic an instance carries). */
    static final Set<String> SHARE_METRICS = Set.of("load", "cpu", "utilization");

    private Relief() {
    }

    /**
     * The bandwidth to move off a hot subject: what its chains hold beyond the level it is relieved to (the clear
     * threshold of a {@link #SHARE_METRICS share} degradation, at most {@code relieveTo} of its capacity), after the
     * load that is not the chains' own (measured above what they hold: the trigger's value for a share metric,
     * monitoring's measured load otherwise). All of it when that other load alone is over the level.
     */
    static double mbpsToShed(Substitution.Trigger t, double clearThreshold, double relieveTo, MarketReadModel.Load load) {
        boolean share = SHARE_METRICS.contains(t.metric());
        double target = share ? Math.min(relieveTo, clearThreshold) : relieveTo;
        double own = load.capacityMbps() > 0 ? load.heldMbps() / load.capacityMbps() : 0;
        double measured = share && t.value() != null ? t.value() : load.measured();
        double others = Math.max(0, measured - own);
        return load.heldMbps() - Math.max(0, target - others) * load.capacityMbps();
    }

    /**
     * The chains to move ({@code on}, re-selected as {@code results}) until {@code shed} Mbit/s are moved: cheapest
     * substitutes first, then chains no substitute fits (they are recorded as such and stay DEGRADED).
     */
    static Map<String, SelectionResult> pick(List<Affected> on, List<SelectionResult> results, double shed, double latencyWeight) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < on.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble(i -> costOfMoving(on.get(i), results.get(i), latencyWeight)));
        Map<String, SelectionResult> picked = new LinkedHashMap<>();
        double moved = 0;
        for (int i : order) {
            if (moved >= shed) {
                break;
            }
            picked.put(on.get(i).chainId(), results.get(i));
            moved += on.get(i).order().bandwidthMbps();
        }
        return picked;
    }

    /** What moving a chain costs: its substitute's latency-weighted price over its current one; infinite when none fits. */
    static double costOfMoving(Affected a, SelectionResult r, double latencyWeight) {
        if (!(r instanceof SelectionResult.Selected s)) {
            return Double.POSITIVE_INFINITY;
        }
        return s.chain().pricePerHour() + latencyWeight * s.chain().latencyMs() - a.chain().pricePerHour() - latencyWeight * a.chain().latencyMs();
    }
}
