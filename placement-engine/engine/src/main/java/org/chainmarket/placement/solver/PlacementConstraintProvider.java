package org.chainmarket.placement.solver;

import org.chainmarket.placement.domain.CellAllocation;
import org.chainmarket.placement.domain.DemandAssignment;
import org.chainmarket.placement.domain.SiteFact;
import org.chainmarket.placement.domain.Units;
import org.optaplanner.core.api.score.buildin.hardsoftlong.HardSoftLongScore;
import org.optaplanner.core.api.score.stream.Constraint;
import org.optaplanner.core.api.score.stream.ConstraintCollectors;
import org.optaplanner.core.api.score.stream.ConstraintFactory;
import org.optaplanner.core.api.score.stream.ConstraintProvider;

import java.util.List;

/**
 * The placement constraints, hard first, then soft. Hard penalties are in the unit of the excess (vCPU, MB, kbit/s,
 * chains, instances); soft ones are micro-EUR/h-equivalents weighted by {@link PlacementWeights} (carried by every
 * cell and demand unit, so each problem may set its own).
 */
public class PlacementConstraintProvider implements ConstraintProvider {
    public static final String SITE_CPU = "Site vCPU";
    public static final String SITE_MEMORY = "Site memory";
    public static final String CATALOGUE = "Catalogue type at an allowed site";
    public static final String INSTANCE_BANDWIDTH = "Instance bandwidth";
    public static final String INSTANCE_CHAINS = "Instance chain slots";
    public static final String CARRIED_CHAINS_KEPT = "Carried chains keep an instance";
    public static final String IDLE_GRACE = "Idle instances keep their grace period";
    public static final String UNSERVED = "Unserved demand";
    public static final String LATENCY = "Latency to demand";
    public static final String INSTANCE_COST = "Instance cost";
    public static final String STABILITY = "Starts, stops and moves";
    public static final String CHAIN_MOVES = "Chains moved";
    public static final String SITE_BALANCE = "Load balance across sites";
    public static final String CONSOLIDATION = "Consolidation";

    /** The hard constraints in declaration order. */
    public static final List<String> HARD = List.of(SITE_CPU, SITE_MEMORY, CATALOGUE, INSTANCE_BANDWIDTH, INSTANCE_CHAINS,
            CARRIED_CHAINS_KEPT, IDLE_GRACE);
    /** The soft constraints in declaration order. */
    public static final List<String> SOFT = List.of(UNSERVED, LATENCY, INSTANCE_COST, STABILITY, CHAIN_MOVES, SITE_BALANCE,
            CONSOLIDATION);

    @Override
    public Constraint[] defineConstraints(ConstraintFactory f) {
        return new Constraint[]{
                siteCpu(f), siteMemory(f), catalogue(f), instanceBandwidth(f), instanceChains(f), carriedChainsKept(f),
                idleGrace(f), unserved(f), latency(f), instanceCost(f), stability(f), chainMoves(f), siteBalance(f), consolidation(f)
        };
    }

    // ---- hard

    Constraint siteCpu(ConstraintFactory f) {
        return f.forEach(CellAllocation.class)
                .filter(c -> c.count() > 0)
                .groupBy(CellAllocation::getSite, ConstraintCollectors.sumLong(c -> (long) c.count() * c.vcpu()))
                .filter((site, cpu) -> cpu > site.cpuCores())
                .penalizeLong(HardSoftLongScore.ONE_HARD, (site, cpu) -> cpu - site.cpuCores())
                .asConstraint(SITE_CPU);
    }

    Constraint siteMemory(ConstraintFactory f) {
        return f.forEach(CellAllocation.class)
                .filter(c -> c.count() > 0)
                .groupBy(CellAllocation::getSite, ConstraintCollectors.sumLong(c -> c.count() * c.memoryMb()))
                .filter((site, mb) -> mb > site.memoryMb())
                .penalizeLong(HardSoftLongScore.ONE_HARD, (site, mb) -> mb - site.memoryMb())
                .asConstraint(SITE_MEMORY);
    }

    Constraint catalogue(ConstraintFactory f) {
        return f.forEach(CellAllocation.class)
                .filter(c -> !c.isAllowed() && c.count() > 0)
                .penalizeLong(HardSoftLongScore.ONE_HARD, c -> c.count())
                .asConstraint(CATALOGUE);
    }

    Constraint instanceBandwidth(ConstraintFactory f) {
        return f.forEach(CellAllocation.class)
                .filter(c -> c.loadKbps() > c.count() * c.capacityKbps())
                .penalizeLong(HardSoftLongScore.ONE_HARD, c -> c.loadKbps() - c.count() * c.capacityKbps())
                .asConstraint(INSTANCE_BANDWIDTH);
    }

    Constraint instanceChains(ConstraintFactory f) {
        return f.forEach(CellAllocation.class)
                .filter(c -> c.chains() > (long) c.count() * c.maxChains())
                .penalizeLong(HardSoftLongScore.ONE_HARD, c -> c.chains() - (long) c.count() * c.maxChains())
                .asConstraint(INSTANCE_CHAINS);
    }

    /** An instance that carries chains is never stopped before they move: carried demand is always served somewhere. */
    Constraint carriedChainsKept(ConstraintFactory f) {
        return f.forEachIncludingNullVars(DemandAssignment.class)
                .filter(u -> u.isCarried() && u.getCell() == null)
                .penalizeLong(HardSoftLongScore.ONE_HARD, u -> Math.max(1, u.getChains()))
                .asConstraint(CARRIED_CHAINS_KEPT);
    }

    /**
     * An instance that emptied (or started) less than the idle grace ago is not stopped yet: its cell keeps at least
     * its instances in grace (it may still take demand).
     */
    Constraint idleGrace(ConstraintFactory f) {
        return f.forEach(CellAllocation.class)
                .filter(c -> c.count() < c.getGraceCount())
                .penalizeLong(HardSoftLongScore.ONE_HARD, c -> c.getGraceCount() - c.count())
                .asConstraint(IDLE_GRACE);
    }

    // ---- soft

    Constraint unserved(ConstraintFactory f) {
        return f.forEachIncludingNullVars(DemandAssignment.class)
                .filter(u -> u.getCell() == null)
                .penalizeLong(HardSoftLongScore.ONE_SOFT, u -> Math.round(u.getWeights().unservedPerMbps() * u.getKbps() * 1000.0))
                .asConstraint(UNSERVED);
    }

    Constraint latency(ConstraintFactory f) {
        // EUR/h per Mbit/s·ms = 1e6 micro-EUR/h per (1000 kbit/s · 1000 µs): micro = w · kbps · µs
        return f.forEach(DemandAssignment.class)
                .penalizeLong(HardSoftLongScore.ONE_SOFT,
                        u -> Math.round(u.getWeights().latencyPerMbpsMs() * u.getKbps() * u.latencyMicros()))
                .asConstraint(LATENCY);
    }

    Constraint instanceCost(ConstraintFactory f) {
        return f.forEach(CellAllocation.class)
                .filter(c -> c.count() > 0)
                .penalizeLong(HardSoftLongScore.ONE_SOFT, c -> Units.micros(c.getWeights().instanceCost() * c.pricePerHour() * c.count()))
                .asConstraint(INSTANCE_COST);
    }

    /**
     * Per provider and type: S instances started, T stopped; min(S, T) of them pair up as moves (start-new, stop-old),
     * which cost {@code move} each instead of a start plus a stop.
     */
    Constraint stability(ConstraintFactory f) {
        return f.forEach(CellAllocation.class)
                .filter(c -> c.count() != c.getInitialCount())
                .groupBy(CellAllocation::providerType, CellAllocation::getWeights,
                        ConstraintCollectors.sum(c -> Math.max(0, c.count() - c.getInitialCount())),
                        ConstraintCollectors.sum(c -> Math.max(0, c.getInitialCount() - c.count())))
                .penalizeLong(HardSoftLongScore.ONE_SOFT, (key, w, starts, stops) -> Units.micros(churn(w, starts, stops)))
                .asConstraint(STABILITY);
    }

    Constraint chainMoves(ConstraintFactory f) {
        return f.forEach(DemandAssignment.class)
                .filter(DemandAssignment::moved)
                .penalizeLong(HardSoftLongScore.ONE_SOFT, u -> Units.micros(u.getWeights().chainMove() * u.getChains()))
                .asConstraint(CHAIN_MOVES);
    }

    Constraint siteBalance(ConstraintFactory f) {
        return f.forEach(CellAllocation.class)
                .filter(c -> c.count() > 0 && c.vcpu() > 0)
                .groupBy(CellAllocation::getSite, CellAllocation::getWeights,
                        ConstraintCollectors.sumLong(c -> (long) c.count() * c.vcpu()))
                .penalizeLong(HardSoftLongScore.ONE_SOFT, (site, w, cpu) -> Units.micros(w.siteBalance() * squaredUse(site, cpu)))
                .asConstraint(SITE_BALANCE);
    }

    Constraint consolidation(ConstraintFactory f) {
        return f.forEach(CellAllocation.class)
                .filter(c -> c.count() > 0 && c.capacityKbps() > 0)
                .penalizeLong(HardSoftLongScore.ONE_SOFT, c -> Units.micros(c.getWeights().consolidation() * idle(c)))
                .asConstraint(CONSOLIDATION);
    }

    /** EUR/h-equivalent of starting {@code starts} and stopping {@code stops} instances of one provider and type. */
    public static double churn(PlacementWeights w, int starts, int stops) {
        int moves = Math.min(starts, stops);
        return w.start() * (starts - moves) + w.stop() * (stops - moves) + w.move() * moves;
    }

    /** (vCPU used / vCPU)² of a site; a site with no vCPU left counts its used vCPU squared. */
    public static double squaredUse(SiteFact site, long cpu) {
        double u = site.cpuCores() == 0 ? cpu : (double) cpu / site.cpuCores();
        return u * u;
    }

    /** Idle instance-equivalents of a cell: its instances less its load over one instance's capacity (never below 0). */
    public static double idle(CellAllocation c) {
        return Math.max(0, c.count() - (double) c.loadKbps() / c.capacityKbps());
    }
}
