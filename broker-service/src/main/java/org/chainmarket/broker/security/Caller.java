package org.chainmarket.broker.security;

import io.micronaut.security.authentication.Authentication;

import java.util.Map;

/**
 * The authenticated caller of a request, as its bearer token says: account name, role and the party (provider or
 * buyer id) it acts for.
 */
public record Caller(String username, Role role, String party) {
    static final String PARTY_CLAIM = "party";

    public static Caller of(Authentication authentication) {
        Role role = authentication.getRoles().stream().map(Role::valueOf).findFirst()
                .orElseThrow(() -> new IllegalStateException("token of " + authentication.getName() + " carries no role"));
        Object party = authentication.getAttributes().get(PARTY_CLAIM);
        return new Caller(authentication.getName(), role, party == null ? null : party.toString());
    }

    /** The claims a token for this caller carries besides its subject and roles. */
    Map<String, Object> attributes() {
        return party == null ? Map.of() : Map.of(PARTY_CLAIM, party);
    }

    /** Whether this caller acts for provider {@code providerId}. */
    public boolean isProvider(String providerId) {
        return role == Role.PROVIDER && party.equals(providerId);
    }

    /** Whether this caller acts for buyer {@code buyerId}. */
    public boolean isBuyer(String buyerId) {
        return role == Role.BUYER && party.equals(buyerId);
    }
}
