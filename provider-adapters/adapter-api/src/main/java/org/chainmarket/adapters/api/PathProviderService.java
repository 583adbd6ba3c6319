package org.chainmarket.adapters.api;

import org.chainmarket.schemas.model.DomainAck;

/** The callback a {@link PathProvider} reports through (ONOS's {@code FlowRuleProviderService}). Thread-safe. */
public interface PathProviderService {

    /** A command finished, successfully (with the flow entries now installed for the chain) or not (with why). */
    void completed(DomainAck ack);
}
