package org.chainmarket.adapters.api;

import org.chainmarket.schemas.model.CatalogueEntry;
import org.chainmarket.schemas.model.InstanceCommand;

import java.util.List;

/**
 * A domain that can run VNF instances, beside its {@link PathProvider}: it starts, drains and stops instances as the
 * placement service asks. Like the path SPI it never blocks the caller to report: results (the offer to advertise or
 * withdraw, then the answer) go to the {@link PlacementProviderService} it was handed in {@link #activatePlacement},
 * correlated by command id. Every command must be idempotent per command id and per offer: a start of an instance
 * that runs or boots, a drain of a draining one and a stop of one that is gone answer success again.
 */
public interface PlacementProvider {

    /** What the domain can run: one entry per VNF type, with the sites where it may run. */
    List<CatalogueEntry> catalogue();

    /** Registers the callback for results; called once before any command. */
    void activatePlacement(PlacementProviderService service);

    /**
     * Starts an instance of {@code entry}'s type at the command's site, advertised as the command's offer id once it
     * runs; or refuses with the reason (the site lacks vCPU or memory, the entry does not allow the site).
     */
    void start(InstanceCommand command, CatalogueEntry entry);

    /** Marks an instance draining: it stays up while the marketplace moves its chains away. */
    void drain(InstanceCommand command);

    /** Stops an instance that carries no chains and withdraws its offer; refuses, with the reason, one that still does. */
    void stop(InstanceCommand command);
}
