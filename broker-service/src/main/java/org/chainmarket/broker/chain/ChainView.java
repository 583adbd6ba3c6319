package org.chainmarket.broker.chain;

import org.chainmarket.broker.reconcile.ReportedFlows;
import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.ChainState;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainSegment;

import java.time.Instant;
import java.util.List;

/** A chain as the buyer sees it: state and why, the hops and path chosen, and what each domain installed. */
public record ChainView(String chainId, String buyerId, ChainState state, String reason, ChainOrder order,
                        Double predictedLatencyMs, Double pricePerHour, List<ConcreteChain.Hop> hops,
                        List<ConcreteChain.PathNode> path, List<DomainView> domains, String substitutionId,
                        Instant createdAt, Instant activatedAt, Instant updatedAt) {

    /**
     * One crossed domain: its segments, its status, and the flow entries it last said it holds ({@code flowState}
     * {@code HELD}, {@code ABSENT}, or {@code UNREPORTED} since its last command), when ({@code reportedAt}, the
     * domain's time) and how ({@code reportedBy}: its acknowledgement or its state report).
     */
    public record DomainView(String providerId, ChainDomainEntity.Status status, String reason,
                             List<DomainSegment> segments, List<DomainAck.FlowEntry> flowEntries,
                             ReportedFlows.FlowState flowState, Instant reportedAt, ReportedFlows.Source reportedBy) {
    }
}
