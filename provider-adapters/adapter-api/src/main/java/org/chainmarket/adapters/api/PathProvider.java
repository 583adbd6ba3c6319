package org.chainmarket.adapters.api;

import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.ProviderDomain;

import java.util.Optional;

/**
 * One provider domain's southbound provider, as ONOS's {@code FlowRuleProvider}: it turns path commands into
 * its own data-plane language. It never blocks the caller to report: results go to the
 * {@link PathProviderService} it was handed in {@link #activate}, correlated by the command id.
 */
public interface PathProvider extends AutoCloseable {

    /** The domain this provider controls, as advertised to the marketplace. */
    ProviderDomain domain();

    /** Registers the callback for results; called once before any command. */
    void activate(PathProviderService service);

    /**
     * Carries out a SETUP (install or replace the chain's segments in this domain) or TEARDOWN (remove every
     * rule of the chain in this domain) command. Must be idempotent per command id: a repeated command is
     * answered again, not applied twice. It must also be idempotent per chain: a SETUP of a chain the domain already
     * holds with the same segments leaves it as it is (and answers success with its entries), and a TEARDOWN of a chain
     * it does not hold answers success with nothing removed.
     */
    void apply(DomainCommand command);

    /**
     * What the domain holds now, chain by chain, as the adapter reports it to the marketplace for reconciliation
     * (ONOS's flow-rule store asking its switches); empty when this kind cannot list it. Taken between two commands,
     * never in the middle of one.
     */
    default Optional<HeldState> held() {
        return Optional.empty();
    }

    @Override
    default void close() {
    }
}
