package org.chainmarket.broker.registry;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** An advertised provider domain; the advertisement is kept whole as JSON. */
@Entity
@Table(name = "provider")
public class ProviderEntity {
    @Id
    public String id;
    public String name;
    @Column(name = "domain_json")
    public String domainJson;
    public boolean withdrawn;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
