package org.chainmarket.broker.outbox;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * An event waiting to be published: {@code id} becomes its CloudEvents id, {@code aggregateId} its Kafka key. The
 * database numbers rows ({@code seq}) as they are inserted; ids are assigned here, so inserts are batched.
 */
@Entity
@Table(name = "outbox")
public class OutboxEntity {
    @Id
    public String id;
    @Column(insertable = false, updatable = false)
    public Long seq;
    @Column(name = "aggregate_type")
    public String aggregateType;
    @Column(name = "aggregate_id")
    public String aggregateId;
    public String type;
    public String payload;
    /** The provider whose own topic the event goes to (a per-provider family); null for a shared topic. */
    @Column(name = "provider_id")
    public String providerId;
    @Column(name = "created_at")
    public Instant createdAt;
}
