package org.chainmarket.broker.security;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;

/**
 * An account the broker creates at start when it does not exist yet ({@code chainmarket.security.accounts.<username>.
 * password / role / party}): the first admin of a fresh installation, or the demo's accounts. An existing account
 * is never changed by it.
 */
@EachProperty("chainmarket.security.accounts")
public class BootstrapAccount {
    private final String username;
    private String password;
    private Role role;
    private String party;

    public BootstrapAccount(@Parameter String username) {
        this.username = username;
    }

    public String getUsername() {
        return username;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public Role getRole() {
        return role;
    }

    public void setRole(Role role) {
        this.role = role;
    }

    public String getParty() {
        return party;
    }

    public void setParty(String party) {
        this.party = party;
    }
}
