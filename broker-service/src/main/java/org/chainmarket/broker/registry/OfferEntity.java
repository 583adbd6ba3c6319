package org.chainmarket.broker.registry;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** An advertised offer and the capacity chains hold on it; a CHECK constraint forbids overbooking. */
@Entity
@Table(name = "offer")
public class OfferEntity {
    @Id
    public String id;
    @Column(name = "provider_id")
    public String providerId;
    @Column(name = "vnf_type")
    public String vnfType;
    @Column(name = "capacity_mbps")
    public double capacityMbps;
    @Column(name = "max_chains")
    public int maxChains;
    @Column(name = "reserved_mbps")
    public double reservedMbps;
    @Column(name = "reserved_chains")
    public int reservedChains;
    @Column(name = "offer_json")
    public String offerJson;
    public boolean withdrawn;
    /** Counts the changes of the reservation (the read model applies them in this order). */
    public long version;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
