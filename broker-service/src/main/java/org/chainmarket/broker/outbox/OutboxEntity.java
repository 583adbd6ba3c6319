package org.chainmarket.broker.outbox;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** An event waiting to be published: {@code id} becomes its CloudEvents id, {@code aggregateId} its Kafka key. */
@Entity
@Table(name = "outbox")
public class OutboxEntity {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long seq;
    public String id;
    @Column(name = "aggregate_type")
    public String aggregateType;
    @Column(name = "aggregate_id")
    public String aggregateId;
    public String type;
    public String payload;
    @Column(name = "created_at")
    public Instant createdAt;
}
