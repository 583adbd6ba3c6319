package org.chainmarket.broker.reconcile;

import org.chainmarket.schemas.model.ChainState;
import org.chainmarket.schemas.model.DomainAck.FlowEntry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The pure comparison of what one domain says it holds with what the broker's chains need there (ONOS's flow-rule
 * store against a switch's flow table). No database, no Kafka: {@link ReconcileService} loads the inputs and carries
 * the plan out.
 *
 * <ul>
 *   <li>A chain that is ACTIVE or DEGRADED and whose domain acknowledged entries ({@code INSTALLED}) needs exactly
 *       those entries: missing from a full report, or held differently, it is <b>re-installed</b>.</li>
 *   <li>A held chain that no chain owns there (unknown, ended, or ACTIVE but no longer crossing this domain) is an
 *       <b>orphan</b> and removed.</li>
 *   <li>Chains in set-up, substitution or tear-down are left to their saga; so is a domain whose command is still in
 *       flight (an ACTIVE chain's retired domain being removed).</li>
 *   <li>A report taken no later than the chain's last command in this domain (plus the allowed clock skew) may
 *       predate that command's effect: it raced with it and says nothing about the chain.</li>
 *   <li>A partial report vouches only for the chains it lists: absence means nothing.</li>
 * </ul>
 */
public final class Reconciliation {
    private Reconciliation() {
    }

    /** What the domain said: when (its clock), whether the list is complete, and its entries by chain id. */
    public record Report(Instant at, boolean full, Map<String, List<FlowEntry>> held) {
    }

    /**
     * What the broker knows of one chain with respect to this domain: its state ({@code null}: the broker has no such
     * chain), the status of its part in this domain ({@code null} when it has none), when its last command to this
     * domain was written or answered ({@code null} when none), and the entries the domain acknowledged.
     */
    public record Known(String chainId, ChainState state, String domainStatus, Instant lastCommandAt, List<FlowEntry> expected) {
    }

    /**
     * What to do: chains to re-install and to remove (in chain id order), chains skipped because the report raced with
     * their last command, and what the report says each other chain holds here (empty list: nothing).
     */
    public record Plan(List<String> reinstall, List<String> remove, List<String> raced, Map<String, List<FlowEntry>> observed) {
    }

    /** Compares {@code report} with what {@code known} chains need in its domain, allowing {@code skew} between clocks. */
    public static Plan plan(Report report, List<Known> known, Duration skew) {
        Map<String, Known> byId = new TreeMap<>();
        known.forEach(k -> byId.put(k.chainId(), k));
        TreeSet<String> chains = new TreeSet<>(byId.keySet());
        chains.addAll(report.held().keySet());
        List<String> reinstall = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        List<String> raced = new ArrayList<>();
        Map<String, List<FlowEntry>> observed = new TreeMap<>();
        for (String chain : chains) {
            Known k = byId.get(chain);
            List<FlowEntry> held = report.held().get(chain);
            if (held == null && !report.full()) {
                continue;
            }
            if (k != null && k.lastCommandAt() != null && !report.at().isAfter(k.lastCommandAt().plus(skew))) {
                raced.add(chain);
                continue;
            }
            Need need = k == null ? Need.NOTHING : need(k);
            if (need == Need.LEAVE) {
                continue;
            }
            List<FlowEntry> holds = held == null ? List.of() : held;
            if (need == Need.ENTRIES) {
                observed.put(chain, holds);
                if (!k.expected().isEmpty() && !new HashSet<>(holds).equals(new HashSet<>(k.expected()))) {
                    reinstall.add(chain);
                }
            } else if (held != null) {
                observed.put(chain, holds);
                remove.add(chain);
            }
        }
        return new Plan(reinstall, remove, raced, observed);
    }

    private enum Need { ENTRIES, NOTHING, LEAVE }

    private static Need need(Known k) {
        if (k.state() == null) {
            return Need.NOTHING;
        }
        return switch (k.state()) {
            case SETTING_UP, SUBSTITUTING, TEARING_DOWN -> Need.LEAVE;
            case FAILED, TERMINATED, REJECTED -> Need.NOTHING;
            case ACTIVE, DEGRADED -> k.domainStatus() == null || "REMOVED".equals(k.domainStatus()) ? Need.NOTHING
                    : "INSTALLED".equals(k.domainStatus()) ? Need.ENTRIES : Need.LEAVE;
        };
    }
}
