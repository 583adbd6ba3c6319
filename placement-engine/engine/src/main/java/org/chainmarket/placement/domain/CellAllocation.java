package org.chainmarket.placement.domain;

import org.chainmarket.placement.model.RunningInstance;
import org.chainmarket.placement.solver.PlacementWeights;
import org.chainmarket.schemas.model.CatalogueEntry;
import org.chainmarket.schemas.model.ProviderId;
import org.optaplanner.core.api.domain.entity.PlanningEntity;
import org.optaplanner.core.api.domain.lookup.PlanningId;
import org.optaplanner.core.api.domain.valuerange.CountableValueRange;
import org.optaplanner.core.api.domain.valuerange.ValueRangeFactory;
import org.optaplanner.core.api.domain.valuerange.ValueRangeProvider;
import org.optaplanner.core.api.domain.variable.InverseRelationShadowVariable;
import org.optaplanner.core.api.domain.variable.PlanningVariable;

import java.util.ArrayList;
import java.util.List;

/**
 * How many instances of one VNF type one provider runs at one site ({@code count}, the planning variable), and the
 * demand units they serve (shadow, kept by OptaPlanner). The cell's instances share its load. A cell exists for every
 * site a provider's catalogue entry allows, and for every (site, type) where an instance runs now even if the catalogue
 * no longer allows it ({@code allowed} false: its count may only fall). {@code entry} is null when the provider's
 * catalogue no longer has the type: such instances take and carry nothing the solver can count on.
 */
@PlanningEntity
public class CellAllocation {
    @PlanningId
    private Integer id;
    private ProviderId providerId;
    private SiteFact site;
    private String vnfType;
    private CatalogueEntry entry;
    private boolean allowed;
    private List<RunningInstance> running;
    private int maxCount;
    private int graceCount;
    private PlacementWeights weights;

    @PlanningVariable(valueRangeProviderRefs = "countRange")
    private Integer count;

    @InverseRelationShadowVariable(sourceVariableName = "cell")
    private List<DemandAssignment> units = new ArrayList<>();

    public CellAllocation() {
    }

    public CellAllocation(int id, ProviderId providerId, SiteFact site, String vnfType, CatalogueEntry entry, boolean allowed,
                          List<RunningInstance> running, PlacementWeights weights) {
        this.id = id;
        this.providerId = providerId;
        this.site = site;
        this.vnfType = vnfType;
        this.entry = entry;
        this.allowed = allowed && entry != null;
        this.running = List.copyOf(running);
        this.weights = weights;
        int fits = 0;
        if (this.allowed) {
            fits = entry.vcpu() == 0 ? 0 : site.cpuCores() / entry.vcpu();
            long mem = Units.megabytes(entry.memoryGb());
            fits = (int) Math.min(fits, mem == 0 ? fits : site.memoryMb() / mem);
        }
        this.maxCount = Math.max(fits, this.running.size());
        this.graceCount = this.allowed && site.cpuCores() > 0
                ? (int) this.running.stream().filter(RunningInstance::idleGrace).count() : 0;
    }

    @ValueRangeProvider(id = "countRange")
    public CountableValueRange<Integer> getCountRange() {
        return ValueRangeFactory.createIntValueRange(0, maxCount + 1);
    }

    public Integer getId() {
        return id;
    }

    public ProviderId getProviderId() {
        return providerId;
    }

    public SiteFact getSite() {
        return site;
    }

    public String getVnfType() {
        return vnfType;
    }

    public CatalogueEntry getEntry() {
        return entry;
    }

    public boolean isAllowed() {
        return allowed;
    }

    /** The instances running in this cell now. */
    public List<RunningInstance> getRunning() {
        return running;
    }

    public int getInitialCount() {
        return running.size();
    }

    /**
     * Running instances in their idle grace period, which the cell keeps (0 where the catalogue no longer allows the
     * type or the site failed: those instances go whatever their idleness).
     */
    public int getGraceCount() {
        return graceCount;
    }

    public int getMaxCount() {
        return maxCount;
    }

    public PlacementWeights getWeights() {
        return weights;
    }

    public Integer getCount() {
        return count;
    }

    public void setCount(Integer count) {
        this.count = count;
    }

    public int count() {
        return count == null ? 0 : count;
    }

    public List<DemandAssignment> getUnits() {
        return units;
    }

    public void setUnits(List<DemandAssignment> units) {
        this.units = units;
    }

    /** Key of the provider and type: instances move only within it. */
    public String providerType() {
        return providerId.value() + ":" + vnfType;
    }

    public int vcpu() {
        return entry == null ? 0 : entry.vcpu();
    }

    public long memoryMb() {
        return entry == null ? 0 : Units.megabytes(entry.memoryGb());
    }

    /** What one instance carries, kbit/s (0 without a catalogue entry). */
    public long capacityKbps() {
        return entry == null ? 0 : Units.kbps(entry.capacityMbps());
    }

    public int maxChains() {
        return entry == null ? 0 : entry.maxChains();
    }

    public double pricePerHour() {
        return entry == null ? 0 : entry.pricePerHour();
    }

    /** kbit/s of the units this cell serves. */
    public long loadKbps() {
        long sum = 0;
        for (DemandAssignment u : units) {
            sum += u.getKbps();
        }
        return sum;
    }

    /** Chains of the units this cell serves. */
    public int chains() {
        int sum = 0;
        for (DemandAssignment u : units) {
            sum += u.getChains();
        }
        return sum;
    }

    /** Instances the cell's load needs at least (by Mbit/s and by chains). */
    public int needed() {
        long cap = capacityKbps();
        int max = maxChains();
        long load = loadKbps();
        int chains = chains();
        if (load == 0 && chains == 0) {
            return 0;
        }
        if (cap == 0 || max == 0) {
            return Integer.MAX_VALUE;
        }
        return (int) Math.max((load + cap - 1) / cap, (chains + max - 1) / max);
    }

    @Override
    public String toString() {
        return providerId + "/" + vnfType + "@" + site.siteId() + "=" + count;
    }
}
