package org.chainmarket.deploy.faults;

import java.util.Map;
import java.util.Set;

/** What {@link Invariants} reads of a running marketplace besides its API: its database and its domains. */
interface Market {
    /** The JDBC URL of the database the marketplace keeps its record in (with credentials). */
    String jdbcUrl();

    /** For each provider, the chains its domain holds flow entries for, as the domain itself says. */
    Map<String, Set<String>> carriedChains();
}
