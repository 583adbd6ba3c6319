package org.chainmarket.broker.security;

/**
 * What an account may do. A provider acts for one provider id (its domain and offers), a buyer for one buyer id
 * (its chains); an operator reviews substitutions and reads every chain; an admin manages accounts.
 */
public enum Role {
    PROVIDER, BUYER, OPERATOR, ADMIN;

    /** Whether accounts of this role act for one party (a provider or buyer id). */
    public boolean hasParty() {
        return this == PROVIDER || this == BUYER;
    }
}
