package org.chainmarket.placement.domain;

import org.chainmarket.placement.model.Demand;
import org.chainmarket.placement.model.LatencyMap;
import org.chainmarket.placement.solver.PlacementWeights;
import org.optaplanner.core.api.domain.entity.PlanningEntity;
import org.optaplanner.core.api.domain.lookup.PlanningId;
import org.optaplanner.core.api.domain.valuerange.ValueRangeProvider;
import org.optaplanner.core.api.domain.variable.PlanningVariable;

import java.util.List;

/**
 * A unit of demand (part of one {@link Demand}) and the cell that serves it (planning variable; null = unserved).
 * Candidates are the cells of its type whose site is within its latency bound, and, for carried demand, the cell of
 * the instance that carries it now ({@code initialCell}), nearest first.
 */
@PlanningEntity
public class DemandAssignment {
    @PlanningId
    private Integer id;
    private Demand demand;
    private int switchIndex;
    private long kbps;
    private int chains;
    private CellAllocation initialCell;
    private List<CellAllocation> candidates;
    private LatencyMap latency;
    private PlacementWeights weights;

    @PlanningVariable(valueRangeProviderRefs = "cellRange", nullable = true)
    private CellAllocation cell;

    public DemandAssignment() {
    }

    public DemandAssignment(int id, Demand demand, int switchIndex, long kbps, int chains, CellAllocation initialCell,
                            List<CellAllocation> candidates, LatencyMap latency, PlacementWeights weights) {
        this.id = id;
        this.demand = demand;
        this.switchIndex = switchIndex;
        this.kbps = kbps;
        this.chains = chains;
        this.initialCell = initialCell;
        this.candidates = List.copyOf(candidates);
        this.latency = latency;
        this.weights = weights;
    }

    @ValueRangeProvider(id = "cellRange")
    public List<CellAllocation> getCandidates() {
        return candidates;
    }

    public Integer getId() {
        return id;
    }

    public Demand getDemand() {
        return demand;
    }

    public String getVnfType() {
        return demand.vnfType();
    }

    public String getSwitchId() {
        return demand.switchId();
    }

    public int getSwitchIndex() {
        return switchIndex;
    }

    public long getKbps() {
        return kbps;
    }

    public int getChains() {
        return chains;
    }

    public boolean isCarried() {
        return initialCell != null;
    }

    public CellAllocation getInitialCell() {
        return initialCell;
    }

    public PlacementWeights getWeights() {
        return weights;
    }

    public CellAllocation getCell() {
        return cell;
    }

    public void setCell(CellAllocation cell) {
        this.cell = cell;
    }

    /** Latency from where the demand enters to {@code c}'s site, µs. */
    public long latencyMicrosTo(CellAllocation c) {
        return Math.round(latency.ms(switchIndex, c.getSite().switchIndex()) * 1000.0);
    }

    /** Latency from where the demand enters to {@code c}'s site, ms. */
    public double latencyMsTo(CellAllocation c) {
        return latency.ms(switchIndex, c.getSite().switchIndex());
    }

    /** Latency to the serving cell, µs (0 when unserved). */
    public long latencyMicros() {
        return cell == null ? 0 : latencyMicrosTo(cell);
    }

    /** Whether carried demand is served elsewhere than where it is now (its chains must be substituted). */
    public boolean moved() {
        return initialCell != null && cell != null && cell != initialCell;
    }

    @Override
    public String toString() {
        return demand.vnfType() + "@" + demand.switchId() + "#" + id + "->" + cell;
    }
}
