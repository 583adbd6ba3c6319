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

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * A stored substitution; {@link #toRecord()} is what operators and the substitutions topic see. Its chain moves it
 * through its steps (proposed, applying, completed or ended); an operator's acknowledgement is its own step.
 */
@Entity
@Table(name = "substitution")
public class SubstitutionEntity {
    @Id
    private String id;
    @Column(name = "chain_id")
    private String chainId;
    @Column(name = "buyer_id")
    private String buyerId;
    @Enumerated(EnumType.STRING)
    private Substitution.Policy policy;
    @Enumerated(EnumType.STRING)
    private Substitution.Status status;
    private String outcome;
    @Column(name = "trigger_kind")
    private String triggerKind;
    @Column(name = "trigger_subject")
    private String triggerSubject;
    @Column(name = "trigger_json")
    private String triggerJson;
    @Column(name = "before_json")
    private String beforeJson;
    @Column(name = "after_json")
    private String afterJson;
    @Column(name = "changed_hops")
    private String changedHops;
    @Column(name = "triggered_at")
    private Instant triggeredAt;
    @Column(name = "updated_at")
    private Instant updatedAt;
    @Column(name = "completed_at")
    private Instant completedAt;
    @Column(name = "trigger_to_active_ms")
    private Long triggerToActiveMs;
    @Column(name = "rollback_of")
    private String rollbackOf;
    @Column(name = "acknowledged_at")
    private Instant acknowledgedAt;
    @Column(name = "acknowledged_by")
    private String acknowledgedBy;
    /** The buyer's changed order a BUYER-triggered substitution brings into force once the new path is active. */
    @Column(name = "order_after_json")
    private String orderAfterJson;

    protected SubstitutionEntity() {
    }

    /** A new substitution of {@code chainId} from {@code before} to {@code after} (none when nothing fits). */
    static SubstitutionEntity of(String chainId, String buyerId, Substitution.Trigger trigger, Substitution.Policy policy,
                                 Substitution.Status status, ConcreteChain before, ConcreteChain after, String rollbackOf, Instant now) {
        SubstitutionEntity s = new SubstitutionEntity();
        s.id = UUID.randomUUID().toString();
        s.status = status;
        s.chainId = chainId;
        s.buyerId = buyerId;
        s.policy = policy;
        s.triggerKind = trigger.kind().name();
        s.triggerSubject = trigger.subjectId();
        s.triggerJson = Json.text(trigger);
        s.beforeJson = Json.text(before);
        s.setAfter(after);
        s.triggeredAt = trigger.at();
        s.updatedAt = now;
        s.rollbackOf = rollbackOf;
        return s;
    }

    /** Hops whose offer differs between two chains of the same order. */
    static List<Integer> changedHops(ConcreteChain before, ConcreteChain after) {
        List<Integer> changed = new ArrayList<>();
        for (int i = 0; i < before.hops().size(); i++) {
            if (!before.hops().get(i).offerId().equals(after.hops().get(i).offerId())) {
                changed.add(i);
            }
        }
        return changed;
    }

    private void setAfter(ConcreteChain after) {
        afterJson = after == null ? null : Json.text(after);
        changedHops = after == null ? "" : String.join(",", changedHops(before(), after).stream().map(String::valueOf).toList());
    }

    /** This substitution carries out the buyer's change to {@code order}. */
    void changesOrderTo(org.chainmarket.schemas.model.ChainOrder order) {
        orderAfterJson = Json.text(order);
    }

    /** The order it brings into force, or null (a substitution of hops alone). */
    org.chainmarket.schemas.model.ChainOrder orderAfter() {
        return orderAfterJson == null ? null : Json.read(orderAfterJson, org.chainmarket.schemas.model.ChainOrder.class);
    }

    /** The bandwidth the new path carries: the changed order's, else the chain's {@code current}. */
    double bandwidthAfter(double current) {
        return orderAfterJson == null ? current : orderAfter().bandwidthMbps();
    }

    void proposed(String why) {
        outcome = why;
    }

    /** Installing starts (an approved proposal may install a fresher selection than the one proposed). */
    void applying(ConcreteChain after, Instant now) {
        setAfter(after);
        status = Substitution.Status.APPLYING;
        updatedAt = now;
        outcome = "Installing: " + Prose.change(before(), after, changedHopList());
    }

    void completed(Instant now) {
        status = Substitution.Status.COMPLETED;
        completedAt = now;
        updatedAt = now;
        triggerToActiveMs = Math.max(0, Duration.between(trigger().at(), now).toMillis());
        outcome = Prose.change(before(), after(), changedHopList());
    }

    /** Ends it as {@code end} (failed, superseded, no alternative) with why. */
    void ended(Substitution.Status end, String why, Instant now) {
        status = end;
        outcome = why;
        updatedAt = now;
    }

    void acknowledge(String operator, Instant now) {
        acknowledgedAt = now;
        acknowledgedBy = operator;
        updatedAt = now;
    }

    String id() {
        return id;
    }

    Substitution.Status status() {
        return status;
    }

    boolean is(Substitution.Status s) {
        return status == s;
    }

    String chainId() {
        return chainId;
    }

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
