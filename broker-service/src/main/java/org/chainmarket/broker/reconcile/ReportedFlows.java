package org.chainmarket.broker.reconcile;

import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import org.chainmarket.schemas.model.DomainAck.FlowEntry;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * What each domain last said of a chain, for the chain's view: the newer of its acknowledgement (as the saga stored it)
 * and its latest word to reconciliation (a state report, or the answer to a reconciliation command).
 */
@Singleton
public class ReportedFlows {
    private final EntityManager em;

    ReportedFlows(EntityManager em) {
        this.em = em;
    }

    /** Whether the domain's last word lists entries of the chain. */
    public enum FlowState {
        /** The domain said it holds these entries. */
        HELD,
        /** The domain said it holds nothing of the chain. */
        ABSENT,
        /** The domain has not said anything since the command it was last sent. */
        UNREPORTED
    }

    /** How the domain said it. */
    public enum Source { ACKNOWLEDGEMENT, STATE_REPORT }

    /** The domain's last word: its entries, whether it holds any, when and how it said so (null when it has not). */
    public record Word(List<FlowEntry> flowEntries, FlowState state, Instant reportedAt, Source source) {
    }

    /** One stored word of a domain to reconciliation. */
    public record Stored(boolean holds, List<FlowEntry> entries, Instant reportedAt, Instant receivedAt, String source) {
    }

    /** The words stored for the chain's domains, by provider id; must run inside a transaction. */
    public Map<String, Stored> load(String chainId) {
        return loadAll(List.of(chainId)).getOrDefault(chainId, Map.of());
    }

    /** {@link #load} for several chains in one query: chain id → provider id → what it said last. */
    public Map<String, Map<String, Stored>> loadAll(List<String> chainIds) {
        Map<String, Map<String, Stored>> out = new HashMap<>();
        if (chainIds.isEmpty()) {
            return out;
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT chain_id, provider_id, holds, flow_entries_json, reported_at, received_at, "
                + "source FROM domain_report WHERE chain_id IN (?1)").setParameter(1, chainIds).getResultList();
        rows.forEach(r -> out.computeIfAbsent((String) r[0], k -> new HashMap<>()).put((String) r[1], new Stored((Boolean) r[2],
                ReconcileService.read((String) r[3], ReconcileService.FLOWS), ReconcileService.instant(r[4]),
                ReconcileService.instant(r[5]), (String) r[6])));
        return out;
    }

    /**
     * The last word of one domain of the chain: {@code row} is what {@link #load} returned for it (or null);
     * {@code status}, {@code updatedAt} and {@code acknowledged} are the saga's status of the domain, when it last
     * changed, and the entries of its last acknowledgement.
     */
    public static Word lastWord(Stored row, String status, Instant updatedAt, List<FlowEntry> acknowledged) {
        boolean answered = "INSTALLED".equals(status) || "RETIRING".equals(status) || "REMOVED".equals(status);
        if (row != null && (!answered || updatedAt == null || row.receivedAt().isAfter(updatedAt))) {
            List<FlowEntry> entries = new HashSet<>(row.entries()).equals(new HashSet<>(acknowledged)) ? acknowledged : row.entries();
            return new Word(entries, row.holds() ? FlowState.HELD : FlowState.ABSENT, row.reportedAt(),
                    "ACK".equals(row.source()) ? Source.ACKNOWLEDGEMENT : Source.STATE_REPORT);
        }
        if (answered) {
            return new Word(acknowledged, acknowledged.isEmpty() ? FlowState.ABSENT : FlowState.HELD, updatedAt, Source.ACKNOWLEDGEMENT);
        }
        return new Word(acknowledged, FlowState.UNREPORTED, null, null);
    }
}
