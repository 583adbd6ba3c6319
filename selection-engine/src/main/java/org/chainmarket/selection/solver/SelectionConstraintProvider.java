package org.chainmarket.selection.solver;

import org.chainmarket.selection.domain.HopAssignment;
import org.chainmarket.selection.domain.LinkLoad;
import org.chainmarket.selection.domain.OfferFact;
import org.chainmarket.selection.domain.Units;
import org.optaplanner.core.api.score.buildin.hardmediumsoftlong.HardMediumSoftLongScore;
import org.optaplanner.core.api.score.stream.Constraint;
import org.optaplanner.core.api.score.stream.ConstraintCollectors;
import org.optaplanner.core.api.score.stream.ConstraintFactory;
import org.optaplanner.core.api.score.stream.ConstraintProvider;
import org.optaplanner.core.api.score.stream.Joiners;

import java.util.List;

/**
 * The selection constraints, hard first, then medium, then soft. What an offer must be to serve a hop at all (VNF
 * type, provider lists, steering) is not a constraint: a hop's value range holds only such offers
 * ({@link org.chainmarket.selection.HopCandidates}). Hard penalties are in the unit of the excess
 * (kbit/s, chain slots, µs, micro-EUR/h, or 1 per offending hop); medium counts chains with a hop unserved; soft is the
 * weighted cost in micro-EUR/h-equivalents with weights from {@link SelectionWeights} (carried by each chain and
 * offer fact, so they are configurable per problem). Latency and budget are checked on complete chains only:
 * an incomplete chain is rejected anyway, and pays the medium penalty.
 */
public class SelectionConstraintProvider implements ConstraintProvider {
    public static final String OFFER_REUSED = "One offer serves at most one hop of a chain";
    public static final String OFFER_BANDWIDTH = "Offer bandwidth capacity";
    public static final String OFFER_CHAIN_SLOTS = "Offer chain slots";
    public static final String LINK_BANDWIDTH = "Link bandwidth";
    public static final String NO_USABLE_PATH = "A usable path exists for every leg";
    public static final String LATENCY_BOUND = "End-to-end latency within bound";
    public static final String BUDGET = "Price within budget";
    public static final String UNSERVED_CHAIN = "Every chain served whole";
    public static final String PRICE = "Price";
    public static final String LATENCY = "Latency";
    public static final String INTER_DOMAIN = "Inter-domain crossings";
    public static final String INSTANCE_LOAD = "Load balance across instances";
    public static final String SWITCH_LOAD = "Load balance across switches";
    public static final String CHANGED_HOP = "Changed hops when re-selecting";

    /** The hard constraints in declaration order. */
    public static final List<String> HARD = List.of(OFFER_REUSED, OFFER_BANDWIDTH,
            OFFER_CHAIN_SLOTS, LINK_BANDWIDTH, NO_USABLE_PATH, LATENCY_BOUND, BUDGET);
    /** The soft constraints in declaration order. */
    public static final List<String> SOFT = List.of(PRICE, LATENCY, INTER_DOMAIN, INSTANCE_LOAD, SWITCH_LOAD, CHANGED_HOP);

    @Override
    public Constraint[] defineConstraints(ConstraintFactory f) {
        return new Constraint[]{
                offerReused(f), offerBandwidth(f), offerChainSlots(f),
                linkBandwidth(f), noUsablePath(f), latencyBound(f), budget(f),
                unservedChain(f),
                price(f), latency(f), interDomain(f), instanceLoad(f), switchLoad(f), changedHop(f)
        };
    }

    // ---- hard




    Constraint offerReused(ConstraintFactory f) {
        return f.forEachUniquePair(HopAssignment.class,
                        Joiners.equal(HopAssignment::getChain), Joiners.equal(HopAssignment::getOffer))
                .penalizeLong(HardMediumSoftLongScore.ONE_HARD, (a, b) -> 1)
                .asConstraint(OFFER_REUSED);
    }

    Constraint offerBandwidth(ConstraintFactory f) {
        return f.forEach(HopAssignment.class)
                .groupBy(HopAssignment::getOffer, ConstraintCollectors.sumLong(h -> h.getChain().bandwidthKbps()))
                .filter((offer, kbps) -> kbps > offer.freeKbps())
                .penalizeLong(HardMediumSoftLongScore.ONE_HARD, (offer, kbps) -> kbps - offer.freeKbps())
                .asConstraint(OFFER_BANDWIDTH);
    }

    Constraint offerChainSlots(ConstraintFactory f) {
        return f.forEach(HopAssignment.class)
                .groupBy(HopAssignment::getOffer, ConstraintCollectors.countDistinct(HopAssignment::getChain))
                .filter((offer, chains) -> chains > offer.freeChains())
                .penalizeLong(HardMediumSoftLongScore.ONE_HARD, (offer, chains) -> chains - offer.freeChains())
                .asConstraint(OFFER_CHAIN_SLOTS);
    }

    Constraint linkBandwidth(ConstraintFactory f) {
        return f.forEach(HopAssignment.class)
                .flattenLast(HopAssignment::linkLoads)
                .groupBy(LinkLoad::link, ConstraintCollectors.sumLong(LinkLoad::kbps))
                .filter((link, kbps) -> kbps > link.residualKbps())
                .penalizeLong(HardMediumSoftLongScore.ONE_HARD, (link, kbps) -> kbps - link.residualKbps())
                .asConstraint(LINK_BANDWIDTH);
    }

    Constraint noUsablePath(ConstraintFactory f) {
        return f.forEach(HopAssignment.class)
                .filter(HopAssignment::hasUnreachableLeg)
                .penalizeLong(HardMediumSoftLongScore.ONE_HARD, h -> 1)
                .asConstraint(NO_USABLE_PATH);
    }

    Constraint latencyBound(ConstraintFactory f) {
        return f.forEach(HopAssignment.class)
                .groupBy(HopAssignment::getChain, ConstraintCollectors.sumLong(HopAssignment::latencyMicros),
                        ConstraintCollectors.count())
                .filter((chain, micros, hops) -> hops == chain.length() && micros > chain.maxLatencyMicros())
                .penalizeLong(HardMediumSoftLongScore.ONE_HARD, (chain, micros, hops) -> micros - chain.maxLatencyMicros())
                .asConstraint(LATENCY_BOUND);
    }

    Constraint budget(ConstraintFactory f) {
        return f.forEach(HopAssignment.class)
                .groupBy(HopAssignment::getChain, ConstraintCollectors.sumLong(HopAssignment::priceMicros),
                        ConstraintCollectors.count())
                .filter((chain, price, hops) -> hops == chain.length() && price > chain.maxPriceMicros())
                .penalizeLong(HardMediumSoftLongScore.ONE_HARD, (chain, price, hops) -> price - chain.maxPriceMicros())
                .asConstraint(BUDGET);
    }

    // ---- medium

    /**
     * One per chain with any hop unassigned: a chain is served whole or not at all, so a half-served chain gains
     * nothing over an unserved one (counting hops instead rewards half-served chains over whole ones).
     */
    Constraint unservedChain(ConstraintFactory f) {
        return f.forEachIncludingNullVars(HopAssignment.class)
                .filter(h -> h.getOffer() == null)
                .groupBy(HopAssignment::getChain)
                .penalizeLong(HardMediumSoftLongScore.ONE_MEDIUM, c -> 1)
                .asConstraint(UNSERVED_CHAIN);
    }

    // ---- soft

    Constraint price(ConstraintFactory f) {
        return f.forEach(HopAssignment.class)
                .penalizeLong(HardMediumSoftLongScore.ONE_SOFT, h -> Math.round(h.getChain().weights().price() * h.priceMicros()))
                .asConstraint(PRICE);
    }

    Constraint latency(ConstraintFactory f) {
        // latencyPerMs EUR/h per ms = latencyPerMs/1000 EUR/h per µs = latencyPerMs * 1000 micro-EUR/h per µs
        return f.forEach(HopAssignment.class)
                .penalizeLong(HardMediumSoftLongScore.ONE_SOFT,
                        h -> Math.round(h.getChain().weights().latencyPerMs() * 1000.0 * h.latencyMicros()))
                .asConstraint(LATENCY);
    }

    Constraint interDomain(ConstraintFactory f) {
        return f.forEach(HopAssignment.class)
                .filter(h -> h.crossings() > 0)
                .penalizeLong(HardMediumSoftLongScore.ONE_SOFT,
                        h -> Units.soft(h.getChain().weights().interDomainCrossing() * h.crossings()))
                .asConstraint(INTER_DOMAIN);
    }

    Constraint instanceLoad(ConstraintFactory f) {
        return f.forEach(HopAssignment.class)
                .groupBy(HopAssignment::getOffer, ConstraintCollectors.sumLong(h -> h.getChain().bandwidthKbps()),
                        ConstraintCollectors.max((HopAssignment h) -> h.getChain().weights().instanceLoad()))
                .penalizeLong(HardMediumSoftLongScore.ONE_SOFT, (offer, kbps, w) -> Units.soft(w * addedSquaredLoad(offer, kbps)))
                .asConstraint(INSTANCE_LOAD);
    }

    Constraint switchLoad(ConstraintFactory f) {
        return f.forEach(HopAssignment.class)
                .groupBy(h -> h.getOffer().switchId(), ConstraintCollectors.sumLong(h -> h.getChain().bandwidthKbps()),
                        ConstraintCollectors.max((HopAssignment h) -> h.getChain().weights().switchLoad()))
                .penalizeLong(HardMediumSoftLongScore.ONE_SOFT, (sw, kbps, w) -> Units.soft(w * Math.pow(kbps / 1_000_000.0, 2)))
                .asConstraint(SWITCH_LOAD);
    }

    Constraint changedHop(ConstraintFactory f) {
        return f.forEach(HopAssignment.class)
                .filter(HopAssignment::changed)
                .penalizeLong(HardMediumSoftLongScore.ONE_SOFT, h -> Units.soft(h.getChain().weights().changedHop()))
                .asConstraint(CHANGED_HOP);
    }

    /** Load² of the offer after the problem's chains minus before (load = reserved share of capacity). */
    public static double addedSquaredLoad(OfferFact offer, long addedKbps) {
        double before = (double) offer.reservedKbps() / offer.capacityKbps();
        double after = (double) (offer.reservedKbps() + addedKbps) / offer.capacityKbps();
        return after * after - before * before;
    }

}
