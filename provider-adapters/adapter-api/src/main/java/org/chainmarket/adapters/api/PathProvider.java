package org.chainmarket.adapters.api;

import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.ProviderDomain;

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
     * answered again, not applied twice.
     */
    void apply(DomainCommand command);

    @Override
    default void close() {
    }
}
