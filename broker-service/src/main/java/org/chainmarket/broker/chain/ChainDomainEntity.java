package org.chainmarket.broker.chain;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.DomainSegment;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One provider domain a chain crosses: its segments, the command it was last sent, and its answer. Only its chain
 * changes it, through the steps below; an answer counts only for the command the domain is waiting on.
 */
@Entity
@Table(name = "chain_domain")
public class ChainDomainEntity {
    @EmbeddedId
    private Key key;
    @Enumerated(EnumType.STRING)
    private Status status;
    @Column(name = "command_id")
    private String commandId;
    @Column(name = "segments_json")
    private String segmentsJson;
    @Column(name = "flow_entries_json")
    private String flowEntriesJson;
    private String reason;
    @Column(name = "updated_at")
    private Instant updatedAt;

    /** Where a domain's part of the chain stands. */
    public enum Status {
        /** A set-up command is on its way. */
        INSTALLING,
        /** The domain acknowledged the set-up. */
        INSTALLED,
        /** The domain refused the set-up. */
        FAILED,
        /** No longer crossed after a substitution: removed once the new path is active. */
        RETIRING,
        /** A tear-down command is on its way. */
        REMOVING,
        /** The domain acknowledged the tear-down (or never installed anything). */
        REMOVED
    }

    protected ChainDomainEntity() {
    }

    static ChainDomainEntity of(String chainId, String providerId, List<DomainSegment> segments) {
        ChainDomainEntity d = new ChainDomainEntity();
        d.key = new Key(chainId, providerId);
        d.segmentsJson = DomainCommands.text(segments);
        d.flowEntriesJson = "[]";
        return d;
    }

    /** Sends the domain a new command (older answers become stale) and waits for its answer. */
    DomainCommand send(DomainCommand.Operation op, double mbps, Instant deadline, Instant now) {
        DomainCommand c = DomainCommands.command(key.chainId, key.providerId, op, mbps, segments(), deadline);
        commandId = c.commandId();
        status = op == DomainCommand.Operation.SETUP ? Status.INSTALLING : Status.REMOVING;
        updatedAt = now;
        return c;
    }

    /** Whether {@code ack} answers the command this domain is waiting on (false: stale, duplicate or out of order). */
    boolean awaits(DomainAck ack) {
        return ack.commandId().equals(commandId) && ack.operation() == (status == Status.INSTALLING ? DomainCommand.Operation.SETUP
                : status == Status.REMOVING ? DomainCommand.Operation.TEARDOWN : null);
    }

    void installed(List<DomainAck.FlowEntry> flows, Instant now) {
        status = Status.INSTALLED;
        flowEntriesJson = DomainCommands.text(flows);
        reason = null;
        updatedAt = now;
    }

    void refused(String why, Instant now) {
        status = Status.FAILED;
        reason = why;
        updatedAt = now;
    }

    /** The tear-down is done; a domain that reported a problem keeps its reason and the entries it last reported. */
    void removed(boolean success, String why, Instant now) {
        status = Status.REMOVED;
        reason = success ? null : why;
        if (success) {
            flowEntriesJson = "[]";
        }
        updatedAt = now;
    }

    /** No longer crossed: removed once the chain's new path is active. */
    void retire() {
        status = Status.RETIRING;
    }

    /** New segments for a domain the chain keeps crossing; false when they are the ones it has. */
    boolean replaceSegments(List<DomainSegment> segments) {
        String json = DomainCommands.text(segments);
        if (json.equals(segmentsJson)) {
            return false;
        }
        segmentsJson = json;
        reason = null;
        return true;
    }

    /** Crossed again after it was removed: it gets the new segments (and a set-up). */
    void reuse(List<DomainSegment> segments) {
        segmentsJson = DomainCommands.text(segments);
        reason = null;
    }

    /** When the command it waits on was written (its last change). */
    Instant commandedAt() {
        return updatedAt;
    }

    String chainId() {
        return key.chainId;
    }

    String providerId() {
        return key.providerId;
    }

    Status status() {
        return status;
    }

    String reason() {
        return reason;
    }

    String commandId() {
        return commandId;
    }

    boolean is(Status s) {
        return status == s;
    }

    List<DomainSegment> segments() {
        return DomainCommands.segments(segmentsJson);
    }

    List<DomainAck.FlowEntry> flowEntries() {
        return DomainCommands.flows(flowEntriesJson);
    }

    /** Chain and provider. */
    @Embeddable
    public static class Key implements Serializable {
        @Column(name = "chain_id")
        private String chainId;
        @Column(name = "provider_id")
        private String providerId;

        protected Key() {
        }

        Key(String chainId, String providerId) {
            this.chainId = chainId;
            this.providerId = providerId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.chainId.equals(chainId) && k.providerId.equals(providerId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(chainId, providerId);
        }
    }
}
