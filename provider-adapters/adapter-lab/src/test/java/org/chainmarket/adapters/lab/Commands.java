package org.chainmarket.adapters.lab;

import org.chainmarket.adapters.api.PathProvider;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.DomainSegment;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Builds domain commands for the lab and waits for the adapters' answers. */
final class Commands {
    private final Map<String, CompletableFuture<DomainAck>> answers = new ConcurrentHashMap<>();

    void activate(PathProvider... providers) {
        for (PathProvider p : providers) {
            p.activate(ack -> answers.computeIfAbsent(ack.commandId(), k -> new CompletableFuture<>()).complete(ack));
        }
    }

    DomainAck run(PathProvider provider, DomainCommand command) {
        CompletableFuture<DomainAck> f = answers.computeIfAbsent(command.commandId(), k -> new CompletableFuture<>());
        provider.apply(command);
        try {
            return f.get(Duration.ofSeconds(20).toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("no answer to " + command.commandId() + ": " + e, e);
        }
    }

    static DomainCommand setup(ChainId chain, ProviderId provider, DomainSegment... segments) {
        return new DomainCommand(UUID.randomUUID().toString(), chain, provider, DomainCommand.Operation.SETUP, 10,
                List.of(segments), null);
    }

    static DomainCommand teardown(ChainId chain, ProviderId provider) {
        return new DomainCommand(UUID.randomUUID().toString(), chain, provider, DomainCommand.Operation.TEARDOWN, 10,
                List.of(), null);
    }

    /** A segment from {@code entry} through the offers (each "offerId@switch") to {@code exit}; a null peer means the host. */
    static DomainSegment segment(ProviderId provider, String entrySwitch, String entryPeer, String exitSwitch, String exitPeer,
                                 String... offersAtSwitches) {
        List<DomainSegment.Waypoint> w = new ArrayList<>();
        for (int i = 0; i < offersAtSwitches.length; i++) {
            String[] p = offersAtSwitches[i].split("@");
            w.add(new DomainSegment.Waypoint(i, OfferId.of(p[0]), p[1]));
        }
        return new DomainSegment(provider, 0, new DomainSegment.Attachment(entrySwitch, entryPeer), w,
                new DomainSegment.Attachment(exitSwitch, exitPeer));
    }
}
