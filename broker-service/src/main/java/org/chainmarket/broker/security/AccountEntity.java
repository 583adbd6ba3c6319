package org.chainmarket.broker.security;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** An account: its role, the party it acts for, and its password's BCrypt hash (never the password). */
@Entity
@Table(name = "account")
public class AccountEntity {
    @Id
    public String username;
    @Column(name = "password_hash")
    public String passwordHash;
    @Enumerated(EnumType.STRING)
    public Role role;
    @Column(name = "party_id")
    public String partyId;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "created_by")
    public String createdBy;
}
