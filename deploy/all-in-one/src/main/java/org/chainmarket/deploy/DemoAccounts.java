package org.chainmarket.deploy;

import org.chainmarket.schemas.model.ProviderId;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The demo run's accounts: an admin ({@code admin}), an operator ({@code alice}), two buyers ({@code acme},
 * {@code globex}) and one account per provider named by its provider id, all with one password. They are handed to
 * the broker as {@code chainmarket.security.accounts.<name>.*} settings, which it creates where missing.
 */
final class DemoAccounts {
    private DemoAccounts() {
    }

    /** The accounts of a run with these providers. */
    static List<Marketplace.DemoAccount> of(List<ProviderId> providers) {
        List<Marketplace.DemoAccount> out = new ArrayList<>();
        out.add(new Marketplace.DemoAccount("admin", "ADMIN", null));
        out.add(new Marketplace.DemoAccount(DemoRequests.OPERATOR, "OPERATOR", null));
        out.add(new Marketplace.DemoAccount(DemoRequests.BUYER, "BUYER", DemoRequests.BUYER));
        out.add(new Marketplace.DemoAccount("globex", "BUYER", "globex"));
        providers.forEach(p -> out.add(new Marketplace.DemoAccount(p.value(), "PROVIDER", p.value())));
        return out;
    }

    /** Adds the accounts to the broker's configuration, leaving any account it already configures as it is. */
    static void configure(List<Marketplace.DemoAccount> accounts, String password, Map<String, Object> config) {
        for (Marketplace.DemoAccount a : accounts) {
            String prefix = "chainmarket.security.accounts." + a.username() + ".";
            config.putIfAbsent(prefix + "password", password);
            config.putIfAbsent(prefix + "role", a.role());
            if (a.party() != null) {
                config.putIfAbsent(prefix + "party", a.party());
            }
        }
    }
}
