package org.chainmarket.broker.chain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import org.chainmarket.schemas.model.ChainState;

import java.time.Instant;
import java.util.List;

/** A bought chain: the order, the selected concrete chain (JSON) and where its lifecycle stands. */
@Entity
@Table(name = "chain")
public class ChainEntity {
    @Id
    public String id;
    @Column(name = "buyer_id")
    public String buyerId;
    @Enumerated(EnumType.STRING)
    public ChainState state;
    public String reason;
    @Column(name = "order_json")
    public String orderJson;
    @Column(name = "concrete_json")
    public String concreteJson;
    @Column(name = "bandwidth_mbps")
    public double bandwidthMbps;
    @Column(name = "latency_ms")
    public Double latencyMs;
    @Column(name = "price_per_hour")
    public Double pricePerHour;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
    @Column(name = "activated_at")
    public Instant activatedAt;
    @Column(name = "deadline_at")
    public Instant deadlineAt;
    /** The substitution being applied or waiting for approval, if any. */
    @Column(name = "substitution_id")
    public String substitutionId;
    /** The buyer's Idempotency-Key of the order, if it carried one (unique per buyer). */
    @Column(name = "idempotency_key")
    public String idempotencyKey;
    /** The chain's domains as this persistence context has them, once read (see {@code ChainStore#domains}). */
    @Transient
    List<ChainDomainEntity> domains;
}
