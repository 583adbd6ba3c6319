package org.chainmarket.broker.chain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.Substitution;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** A stored substitution; {@link #toRecord()} is what operators and the substitutions topic see. */
@Entity
@Table(name = "substitution")
public class SubstitutionEntity {
    @Id
    public String id;
    @Column(name = "chain_id")
    public String chainId;
    @Column(name = "buyer_id")
    public String buyerId;
    @Enumerated(EnumType.STRING)
    public Substitution.Policy policy;
    @Enumerated(EnumType.STRING)
    public Substitution.Status status;
    public String outcome;
    @Column(name = "trigger_kind")
    public String triggerKind;
    @Column(name = "trigger_subject")
    public String triggerSubject;
    @Column(name = "trigger_json")
    public String triggerJson;
    @Column(name = "before_json")
    public String beforeJson;
    @Column(name = "after_json")
    public String afterJson;
    @Column(name = "changed_hops")
    public String changedHops;
    @Column(name = "triggered_at")
    public Instant triggeredAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
    @Column(name = "completed_at")
    public Instant completedAt;
    @Column(name = "trigger_to_active_ms")
    public Long triggerToActiveMs;
    @Column(name = "rollback_of")
    public String rollbackOf;
    @Column(name = "acknowledged_at")
    public Instant acknowledgedAt;
    @Column(name = "acknowledged_by")
    public String acknowledgedBy;

    ConcreteChain before() {
        return Json.read(beforeJson, ConcreteChain.class);
    }

    ConcreteChain after() {
        return afterJson == null ? null : Json.read(afterJson, ConcreteChain.class);
    }

    Substitution.Trigger trigger() {
        return Json.read(triggerJson, Substitution.Trigger.class);
    }

    List<Integer> changedHopList() {
        return changedHops.isEmpty() ? List.of() : Arrays.stream(changedHops.split(",")).map(Integer::valueOf).toList();
    }

    public Substitution toRecord() {
        return new Substitution(id, ChainId.of(chainId), buyerId, policy, status, outcome, trigger(), before(), after(),
                changedHopList(), triggeredAt, updatedAt, completedAt, triggerToActiveMs, rollbackOf, acknowledgedAt, acknowledgedBy);
    }
}
