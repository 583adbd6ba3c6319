package org.chainmarket.broker.chain;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/** One provider domain a chain crosses: its segments, the command it was last sent, and its answer. */
@Entity
@Table(name = "chain_domain")
public class ChainDomainEntity {
    @EmbeddedId
    public Key key;
    @Enumerated(EnumType.STRING)
    public Status status;
    @Column(name = "command_id")
    public String commandId;
    @Column(name = "segments_json")
    public String segmentsJson;
    @Column(name = "flow_entries_json")
    public String flowEntriesJson;
    public String reason;
    @Column(name = "updated_at")
    public Instant updatedAt;

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

    /** Chain and provider. */
    @Embeddable
    public static class Key implements Serializable {
        @Column(name = "chain_id")
        public String chainId;
        @Column(name = "provider_id")
        public String providerId;

        public Key() {
        }

        public Key(String chainId, String providerId) {
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
